"""The torture suite's figures: every case records its outcome as it runs, and the session prints
the counts (conftest.py's terminal summary). Nothing here is hard-coded: a case that never ran is
not counted, and a case whose body raised is counted with its category's failing outcome."""

from __future__ import annotations

from collections import Counter, defaultdict
from contextlib import contextmanager

# category -> [(case, outcome)], in the order the cases ran
RESULTS: dict[str, list[tuple[str, str]]] = defaultdict(list)

BAD_INPUTS, KILLS, CONCURRENT, TAMPER, HOSTILE = "bad inputs", "kills", "concurrent runs", "tamper", "hostile"
KILLED_COMMANDS = ("build", "publish", "upgrade")


def record(category: str, case: str, outcome: str) -> None:
    RESULTS[category].append((case, outcome))


class Case:
    """What a `case()` block records; the body may set `outcome` before it fails (else: `bad`)."""

    def __init__(self, good: str, bad: str):
        self.good, self.bad, self.outcome = good, bad, None


@contextmanager
def case(category: str, name: str, good: str, bad: str):
    """Record `good` when the block ends normally, else the outcome it set, else `bad`; re-raise."""
    c = Case(good, bad)
    try:
        yield c
    except BaseException:
        record(category, name, c.outcome or bad)
        raise
    record(category, name, c.outcome or good)


def _count(category: str, prefix: str = "") -> Counter:
    return Counter(o for n, o in RESULTS.get(category, []) if n.startswith(prefix))


def summary_lines() -> list[str]:
    if not any(RESULTS.values()):
        return []
    bad = _count(BAD_INPUTS)
    lines = [
        f"bad inputs: tried {sum(bad.values())}, rejected cleanly {bad['rejected cleanly']}, "
        f"accepted wrongly {bad['accepted wrongly']}, crashed {bad['crashed']}"
    ]
    kills = _count(KILLS)
    per = "; ".join(
        f"{cmd} {c['survived']} survived, {c['corrupted']} corrupted"
        for cmd in KILLED_COMMANDS
        for c in [_count(KILLS, f"{cmd} ")]
    )
    lines.append(f"kills: {kills['survived']} survived, {kills['corrupted']} corrupted ({per})")
    runs = _count(CONCURRENT)
    lines.append(f"concurrent runs: {runs['ok']} ok, {runs['broken']} broken")
    tamper = _count(TAMPER)
    lines.append(f"tamper cases: {tamper['caught']} caught, {tamper['missed']} missed")
    hostile = _count(HOSTILE)
    lines.append(f"hostile arguments: {hostile['refused']} refused, {hostile['let through']} let through")
    return lines
