"""Benchmark: the GX part of the quality gate over pandas versus over DuckDB SQL.

Builds a migrated database with N synthetic `events` rows (valid data, so every expectation scans
everything), then in a fresh child process per (engine, N) runs the committed `events` suite and
reports wall time (validation only, imports excluded) and the child's peak resident memory.
Usage: python benchmarks/bench_gate.py [--in-process] [N ...]   (default 100000 1000000)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
KINDS = "'missile_launch', 'summit', 'meeting', 'visit', 'aid'"


def make_db(path: Path, n: int) -> None:
    import duckdb
    from japan_nato.schema import migrate

    migrate.upgrade(path)
    con = duckdb.connect(str(path))
    con.execute(f"""
        INSERT INTO events BY NAME SELECT
            'synthetic-event-' || i AS event_id, list_extract([{KINDS}], (i % 5 + 1)::INTEGER) AS kind,
            CASE WHEN i % 4 = 0 THEN 'ongoing' ELSE 'occurred' END AS status, 'Synthetic event ' || i AS summary,
            CASE WHEN i % 2 = 0 THEN 'Tokyo' ELSE NULL END AS location,
            DATE '2020-01-01' + INTERVAL (i % 60) MONTH AS start_on, 'month' AS date_precision,
            'stated' AS date_basis, 'stated' AS certainty
        FROM range({n}) t(i)""")
    con.close()


def measure(engine: str, db: str) -> dict:
    import duckdb
    from japan_nato.quality import gx_pandas, gx_runtime, gx_suites

    suite = {"events": gx_suites.load_suite_files()["events"]}
    gx_runtime.context()  # warm GX up so only validation is timed
    t0 = time.perf_counter()
    if engine == "pandas":
        con = duckdb.connect(db, read_only=True)
        frames = {"events": gx_pandas.frame_for_gx(con, "events")}
        con.close()
        results = gx_pandas.validate_frames(frames, suite)
    else:
        from japan_nato.quality.gx_sql import validate_sql

        results = validate_sql(Path(db), suite)
    return {
        "seconds": time.perf_counter() - t0,
        "ok": all(r.success for r in results),
        "expectations": len(suite["events"]["expectations"]),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(engine: str, db: str) -> None:
    print(json.dumps(measure(engine, db)))


def run(engine: str, db: Path, in_process: bool) -> dict:
    """One measurement: in a fresh child process (its peak memory is its own), or in this one
    (--in-process: the smoke test's tiny sizes, where a cold GX import would dominate)."""
    if in_process:
        return measure(engine, str(db))
    out = subprocess.run([sys.executable, __file__, "--child", engine, str(db)], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    in_process = "--in-process" in sys.argv
    sizes = [int(a) for a in sys.argv[1:] if a != "--in-process"] or [100_000, 1_000_000]
    print("gate benchmark: the committed events suite, GX over pandas vs GX over DuckDB SQL")
    failed = False
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            make_db(db, n)
            for engine in ("sql", "pandas"):
                try:
                    r = run(engine, db, in_process)
                except Exception as exc:
                    print(f"  {n:>9,} rows  GX over {engine:<6}: failed: {type(exc).__name__}: {exc}")
                    failed = True
                    continue
                print(
                    f"  {n:>9,} rows  GX over {engine:<6}: {r['seconds']:6.2f}s "
                    f"({n / r['seconds'] / 1e6:.2f}M rows/s), peak memory {r['peak_rss_mib']:,.0f} MiB, "
                    f"{r['expectations']} expectations, all passed: {r['ok']}"
                )
                failed = failed or not r["ok"]
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
