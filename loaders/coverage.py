"""`japan-nato coverage`: per source, how much of the article the data cites, and the sentences no
row cites, so a curator sees what is left.

A character is cited when an excerpt of that source's file covers it (each excerpt at every place
it occurs); a sentence is uncited when no excerpt touches it. Page furniture (a line with fewer than
four words: labels, navigation) is not counted as a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from japan_nato.loaders.fmt import read

SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’)]*|$)")


@dataclass
class Coverage:
    source_id: str
    characters: int
    cited: int
    uncited: list[tuple[int, str]] = field(default_factory=list)  # (line, sentence)

    @property
    def share(self) -> float:
        return self.cited / self.characters if self.characters else 0.0


def _excerpts(obj) -> list[str]:
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "evidence":
                found += [v] if isinstance(v, str) else [e for e in v or [] if isinstance(e, str)]
            elif k != "candidates":
                found += _excerpts(v)
    elif isinstance(obj, list):
        for v in obj:
            found += _excerpts(v)
    return found


def coverage_of(source_file: Path, sources_dir: Path) -> Coverage:
    data = read(source_file)
    source = data["source"]
    text = (Path(sources_dir) / source["file"]).read_text(encoding="utf-8")
    covered = bytearray(len(text))
    for excerpt in set(_excerpts(data)):
        start = text.find(excerpt)
        while start != -1 and excerpt:
            covered[start : start + len(excerpt)] = b"\x01" * len(excerpt)
            start = text.find(excerpt, start + 1)
    countable = [i for i, ch in enumerate(text) if not ch.isspace()]
    cited = sum(covered[i] for i in countable)
    uncited = []
    for m in SENTENCE.finditer(text):
        sentence = m.group(0).strip()
        if len(sentence.split()) < 4 or any(covered[m.start() : m.end()]):
            continue
        uncited.append((text.count("\n", 0, m.start()) + 1, sentence))
    return Coverage(source["source_id"], len(countable), cited, uncited)


def coverage(curated: Path, sources_dir: Path) -> list[Coverage]:
    return [coverage_of(p, sources_dir) for p in sorted((Path(curated) / "sources").glob("*.yaml"))]
