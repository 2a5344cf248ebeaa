"""Benchmark: load N synthetic events through the same loader the build uses.

Writes a synthetic curated folder (the real sources and a few actors, N events each with two actors,
a quantity and a citation), then times validate -> migrate -> bulk load in a child process and reports
rows per second and the child's peak resident memory. Usage: python benchmarks/bench_load.py [N]
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACTORS = ["jpn", "prk", "rus", "nato", "chn"]


def write_synthetic(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "datasets/curated/sources.yaml", folder / "sources.yaml")
    src = "japan-military-revival-2026"
    ev = '"In early January 2026, North Korea conducted its first missile launch of the year"'
    needed = [
        "nato-association-of-canada",
        "nguyen-bao-han-tran",
        "beyond-the-horizon-issg",
        "joshua-perkins",
        "washington-times",
        "andrew-salmon",
        *ACTORS,
    ]
    with open(folder / "actors.yaml", "w", encoding="utf-8") as f:
        for a in needed:
            f.write(
                f"- actor_id: {a}\n  name: {a}\n  kind: other\n  citations:\n"
                f"    - source: {src}\n      evidence: {ev}\n"
            )
    for empty in ("actor_roles", "memberships", "agreements", "budgets", "statements"):
        (folder / f"{empty}.yaml").write_text("[]\n", encoding="utf-8")
    with open(folder / "events.yaml", "w", encoding="utf-8") as f:
        for i in range(n):
            a, b = ACTORS[i % 5], ACTORS[(i + 1) % 5]
            f.write(
                f"- event_id: synthetic-event-{i}\n  kind: missile_launch\n  status: occurred\n"
                f"  summary: Synthetic event number {i}\n  start_on: 2025-{i % 12 + 1:02d}-01\n"
                f"  date_precision: month\n  actors:\n    - {{actor: {a}, role: initiator}}\n"
                f"    - {{actor: {b}, role: target}}\n  quantities:\n"
                f"    - {{quantity_id: synthetic-event-{i}--missiles, measure: missiles, low: {i % 7}, "
                f"high: {i % 7 + 2}, unit: count}}\n"
                f"  citations:\n    - source: {src}\n      evidence: {ev}\n"
            )


def child(curated: str, db: str) -> None:
    from japan_nato.loaders.build import build_database

    t0 = time.perf_counter()
    report = build_database(Path(curated), Path(db))
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": sum(report.counts.values()),
                "counts": report.counts,
                "seconds": seconds,
                "steps": report.seconds,
                "peak_rss_mib": peak_kib / 1024,
            }
        )
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        curated = Path(tmp) / "curated"
        write_synthetic(curated, n)
        size = sum(p.stat().st_size for p in curated.iterdir())
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(curated), str(Path(tmp) / "bench.duckdb")],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in r["steps"].items())
    print(
        f"load benchmark: {n:,} synthetic events ({size / 1e6:.1f} MB of YAML) -> {r['rows']:,} rows "
        f"(events {r['counts']['events']:,}, event_actors {r['counts']['event_actors']:,}, "
        f"quantities {r['counts']['quantities']:,}, citations {r['counts']['citations']:,})"
    )
    print(
        f"  total {r['seconds']:.2f}s = {r['rows'] / r['seconds']:,.0f} rows/s "
        f"({n / r['seconds']:,.0f} events/s); steps: {steps}"
    )
    print(f"  peak memory (max RSS of the loading process): {r['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
