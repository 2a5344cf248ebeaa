"""Editing a private copy of the curated files the way a curator would: through the project's
canonical writer (japan_nato.loaders.fmt), so an edit changes only what it means to change, or by
replacing one line, to test what the loader says about a line."""

from __future__ import annotations

import re
from pathlib import Path

from japan_nato.loaders import fmt


def source(curated: Path, source_id: str) -> Path:
    return curated / "sources" / f"{source_id}.yaml"


def registry(curated: Path) -> Path:
    return curated / "registry" / "actors.yaml"


def line_of(path: Path, pattern: str, after: int = 0) -> int:
    """The first line (1-based) after line `after` that matches `pattern`."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if n > after and re.search(pattern, line):
            return n
    raise AssertionError(f"{pattern!r} not in {path}")


def replace_line(path: Path, line_no: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_no - 1], (old, lines[line_no - 1])
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def edit(path: Path, change) -> None:
    """Read a curated file, let `change(data)` alter it, write it back in canonical form."""
    data = fmt.read(path)
    change(data)
    fmt.write(path, data)


def find(records: list[dict], **where) -> dict:
    return next(r for r in records if all(r.get(k) == v for k, v in where.items()))
