"""Problems found in curated input, and the exceptions that carry them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    record: str | None  # table[id] or table[#index]
    field: str | None
    message: str
    fix: str = ""
    code: str = "invalid"  # reason code: yaml, type, missing, vocabulary, duplicate, reference, ...

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = ".".join(p for p in (self.record, self.field) if p)
        text = f"{where}: {what + ': ' if what else ''}{self.message} [{self.code}]"
        return f"{text} — {self.fix}" if self.fix else text


class CuratedDataError(Exception):
    """The curated files have problems; nothing was built."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.record or "", p.field or ""))
        super().__init__(f"{len(self.problems)} problem(s) in the curated files")
