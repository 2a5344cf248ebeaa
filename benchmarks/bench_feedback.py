"""Benchmark: how long a contributor waits for each answer, from outside the process.

Times whole commands (start-up and exit included) as a person runs them, each 5 times after one
unrecorded warm-up run: `japan-nato --help`, a seed `build` (the second run onwards: bytecode and
the GX daemon warm), `check`, `publish --dry-run`, and a `build` that fails on one bad evidence
excerpt. Each is printed as min / median, and as a ratio to a yardstick timed in the same run, in
turn with it (A B A B ...), so a machine that drifts moves both:
- `python -c pass` for --help (the interpreter's own start);
- `build --skip-gate` for the others (the same validation and load without the quality gate),
so the ratio is what the gate costs on top of the pipeline it guards.
The cold first build (no daemon yet) and the seed build's phase times are printed too.
Usage: python benchmarks/bench_feedback.py [RUNS]
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The console script people run (.venv/bin/japan-nato), else the module behind it.
_SCRIPT = Path(sys.executable).parent / "japan-nato"
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "japan_nato.cli"]


def timed(cmd: list[str], expect: int | None = 0) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if expect is not None and out.returncode != expect:
        raise SystemExit(f"{' '.join(cmd)} exited {out.returncode}, expected {expect}:\n{out.stdout}{out.stderr}")
    return seconds, out.stdout + out.stderr


def paired(cmd: list[str], yardstick: list[str], runs: int, expect: int | None = 0) -> tuple[list, list]:
    timed(cmd, expect)  # warm-up, not recorded
    a, b = [], []
    for _ in range(runs):
        a.append(timed(cmd, expect)[0])
        b.append(timed(yardstick, 0)[0])
    return a, b


def bad_excerpt_copy(folder: Path) -> Path:
    """A copy of the curated files with one character of one evidence excerpt changed."""
    dst = folder / "curated-bad-excerpt"
    shutil.copytree(ROOT / "datasets" / "curated", dst)
    for path in sorted(dst.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        m = re.search(r"evidence: (['\"]?)([A-Za-z])", text)
        if m:
            i = m.start(2)
            path.write_text(text[:i] + ("X" if text[i] != "X" else "Y") + text[i + 1 :], encoding="utf-8")
            return dst
    raise SystemExit("no evidence excerpt found to break")


def line(label: str, a: list[float], b: list[float], yardstick: str) -> str:
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return (
        f"  {label:<34} min {min(a):5.2f}s  median {statistics.median(a):5.2f}s   "
        f"{ratio:5.2f}x {yardstick} (median {statistics.median(b):.2f}s)"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sources = ROOT.parent / "shared" / "seeds"
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        src = ["--sources-dir", str(sources)]
        build = [*CLI, "build", "--db", db, *src]
        skip_gate = [*CLI, "build", "--db", str(Path(tmp) / "plain.duckdb"), "--skip-gate"]
        bad = [*CLI, "build", "--db", db, *src, "--curated", str(bad_excerpt_copy(Path(tmp)))]
        print(f"feedback benchmark: whole commands, {runs} runs each after one warm-up")
        subprocess.run([*CLI, "gx-daemon", "--stop"], capture_output=True, cwd=ROOT)
        cold, _ = timed(build)
        print(f"  {'build, first run (GX daemon cold)':<34} {cold:5.2f}s")
        rows = [
            ("japan-nato --help", [*CLI, "--help"], [sys.executable, "-c", "pass"], "python -c pass", 0),
            ("build (seed data, full gate)", build, skip_gate, "build --skip-gate", 0),
            ("check", [*CLI, "check", "--db", db, *src], skip_gate, "build --skip-gate", 0),
            ("publish --dry-run", [*CLI, "publish", "--dry-run", *src], skip_gate, "build --skip-gate", None),
            ("build with one bad excerpt (fails)", bad, skip_gate, "build --skip-gate", 1),
        ]
        for label, cmd, yardstick, name, expect in rows:
            a, b = paired(cmd, yardstick, runs, expect)
            print(line(label, a, b, name))
        _, text = timed(build)
        phases = re.search(r"\(([^)]*gate[^)]*)\)", text)
        print(f"  phases of one seed build: {phases.group(1) if phases else text.strip()}")


if __name__ == "__main__":
    main()
