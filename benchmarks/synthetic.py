"""Synthetic curated folders in the project's layout, for the load benchmark and its tests.

`write_synthetic(folder, n)` writes registry/actors.yaml and one source file per EVENTS_PER_FILE
events. Every source record is a real article (its file and sha256), every excerpt is a real
passage of it, every reference resolves: the loader accepts the folder. With `invalid=k`, k records
are broken on purpose, each in one of the ways in PLANTS (seeded), and the list of what was planted
(file, line, reason code) is returned so that a run can check each one is reported.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

EVENTS_PER_FILE = 1000
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLE = "000_1d1ea6e2f52da7ff.txt"
EXCERPT = "In early January 2026, North Korea conducted its first missile launch of the year"
SOURCE_EXCERPT = "By Nguyen Bao Han Tran"
ACTORS = ["jpn", "prk", "rus", "nato", "chn"]
# How each planted problem is made (text in the record -> its replacement), and the reason code the
# loader must give it.
PLANTS = {
    "unknown actor": ("{{actor: {b}, role: target}}", "{{actor: nowhere-{b}, role: target}}", "reference"),
    "unknown status": ("status: occurred", "status: happened", "vocabulary"),
    "month date not on the 1st": ("start_on: 2025-{m}-01", "start_on: 2025-{m}-17", "date"),
    "excerpt not in the article": (EXCERPT, EXCERPT.replace("first", "frist"), "evidence"),
    "figure not a number": ("low: {low},", "low: many,", "invalid"),
    "duplicate event": ("event_id: synthetic-event-{i}", "event_id: synthetic-event-{other}", "duplicate"),
}


@dataclass(frozen=True)
class Planted:
    file: str
    line: int
    code: str


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _registry(folder: Path) -> None:
    lines = []
    for a in sorted([*ACTORS, "synthetic-publisher"]):
        lines += [f"- actor_id: {a}", f"  name: {a.upper()}", "  kind: other"]
    (folder / "registry").mkdir(parents=True)
    (folder / "registry" / "actors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _event(i: int) -> list[str]:
    a, b = ACTORS[i % 5], ACTORS[(i + 1) % 5]
    return [
        f"- event_id: synthetic-event-{i}",
        "  kind: missile_launch",
        "  status: occurred",
        f"  summary: Synthetic event number {i}",
        f"  start_on: 2025-{i % 12 + 1:02d}-01",
        "  date_precision: month",
        "  date_basis: stated",
        "  certainty: stated",
        "  actors:",
        f"  - {{actor: {a}, role: initiator}}",
        f"  - {{actor: {b}, role: target}}",
        "  quantities:",
        f"  - {{quantity_id: synthetic-event-{i}--missiles, measure: missiles, low: {i % 7}, high: {i % 7 + 2}, "
        "unit: count, qualifier: exact, certainty: stated}",
        f"  evidence: {EXCERPT}",
    ]


def write_synthetic(
    folder: Path, n: int, invalid: int = 0, seed: int = 7, per_file: int = EVENTS_PER_FILE
) -> list[Planted]:
    """Write n events; plant `invalid` problems. Returns what was planted."""
    rng = random.Random(seed)
    broken = dict(
        zip(rng.sample(range(1, n), invalid), (rng.choice(list(PLANTS)) for _ in range(invalid)), strict=False)
    )
    planted: list[Planted] = []
    _registry(folder)
    (folder / "sources").mkdir()
    sha = _sha256(SEEDS / ARTICLE)
    for k, start in enumerate(range(0, n, per_file)):
        sid = f"synthetic-source-{k:05d}"
        lines = [
            "source:",
            f"  source_id: {sid}",
            f"  file: {ARTICLE}",
            "  publisher_actor: synthetic-publisher",
            "  published_on: 2026-01-01",
            "  published_on_precision: month",
            "  published_on_basis: inferred",
            f"  sha256: {sha}",
            f"  evidence: {SOURCE_EXCERPT}",
            "events:",
        ]
        path = folder / "sources" / f"{sid}.yaml"
        for i in range(start, min(n, start + per_file)):
            record = _event(i)
            if i in broken:
                old, new, code = PLANTS[broken[i]]
                values = {"m": f"{i % 12 + 1:02d}", "b": ACTORS[(i + 1) % 5], "low": i % 7, "i": i, "other": i - 1}
                old, new = old.format(**values), new.format(**values)
                at = next(j for j, ln in enumerate(record) if old in ln)
                record[at] = record[at].replace(old, new, 1)
                planted.append(Planted(str(path), len(lines) + at + 1, code))
            lines += record
        lines += (
            ["mentions:"] + [f"- actor: {a}\n  evidence: {EXCERPT}" for a in (*ACTORS, "synthetic-publisher")]
            if k == 0
            else []
        )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return planted
