"""Benchmark: the build's loader against the format's physical floor, at several sizes, in one run.

For each size N it writes a synthetic curated folder in the project's layout (benchmarks/synthetic.py:
one source file per 1,000 events, real excerpts, valid references), then times two child
processes on the same files, each with its own peak resident memory:
- pipeline: `build_database` without the quality gate (read, validate, check every excerpt against
  the article, stage, cross-file checks in SQL, copy into the tables);
- baseline: `yaml.load(CSafeLoader)` of every file, the same rows built with plain Python and
  inserted into DuckDB through Arrow, and the same relational checks as plain SQL (duplicate IDs,
  references, every citation resolving, every row cited).
It prints wall time, rows/s, peak RSS, the ratio pipeline / baseline and the cost per row.
`--invalid K` plants K problems (seeded) in a separate run at 100,000 events (or the first size) and checks that every
one is reported with its file and line; the benchmark exits 1 if one is missed.
Usage: python benchmarks/bench_load.py [--invalid K] [--in-process] N [N ...]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import SEEDS, write_synthetic  # noqa: E402


def pipeline(curated: str, db: str) -> dict:
    from japan_nato.loaders.build import build_database

    t0 = time.perf_counter()
    report = build_database(Path(curated), Path(db), sources_dir=SEEDS, require_texts=True)
    return {"seconds": time.perf_counter() - t0, "rows": sum(report.counts.values()), "steps": report.seconds}


def baseline(curated: str, db: str) -> dict:
    import duckdb
    import pyarrow as pa
    import yaml

    t0 = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(
        "CREATE TABLE events (event_id VARCHAR, kind VARCHAR, status VARCHAR, summary VARCHAR, start_on DATE, "
        "date_precision VARCHAR); CREATE TABLE event_actors (event_actor_id VARCHAR, event_id VARCHAR, "
        "actor_id VARCHAR, role VARCHAR); CREATE TABLE quantities (quantity_id VARCHAR, record_id VARCHAR, "
        "measure VARCHAR, low DOUBLE, high DOUBLE, unit VARCHAR); CREATE TABLE citations (record_table VARCHAR, "
        "record_id VARCHAR, source_id VARCHAR, evidence VARCHAR); CREATE TABLE actors (actor_id VARCHAR)"
    )
    actors = yaml.load((Path(curated) / "registry" / "actors.yaml").read_text(), Loader=yaml.CSafeLoader)
    con.register("a", pa.Table.from_pylist([{"actor_id": a["actor_id"]} for a in actors]))
    con.execute("INSERT INTO actors SELECT * FROM a")
    rows = len(actors)
    for path in sorted((Path(curated) / "sources").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        sid = data["source"]["source_id"]
        ev, ea, q, c = [], [], [], []
        for e in data.get("events") or []:
            ev.append({k: e.get(k) for k in ("event_id", "kind", "status", "summary", "start_on", "date_precision")})
            c.append(
                {"record_table": "events", "record_id": e["event_id"], "source_id": sid, "evidence": e["evidence"]}
            )
            for x in e.get("actors") or []:
                link = f"{e['event_id']}--{x['actor']}--{x['role']}"
                ea.append(
                    {"event_actor_id": link, "event_id": e["event_id"], "actor_id": x["actor"], "role": x["role"]}
                )
                c.append(
                    {"record_table": "event_actors", "record_id": link, "source_id": sid, "evidence": e["evidence"]}
                )
            for x in e.get("quantities") or []:
                q.append(
                    {
                        "quantity_id": x["quantity_id"],
                        "record_id": e["event_id"],
                        "measure": x["measure"],
                        "low": x.get("low"),
                        "high": x.get("high"),
                        "unit": x["unit"],
                    }
                )
                c.append(
                    {
                        "record_table": "quantities",
                        "record_id": x["quantity_id"],
                        "source_id": sid,
                        "evidence": e["evidence"],
                    }
                )
        for m in data.get("mentions") or []:
            c.append({"record_table": "actors", "record_id": m["actor"], "source_id": sid, "evidence": m["evidence"]})
        for name, batch in (("events", ev), ("event_actors", ea), ("quantities", q), ("citations", c)):
            if batch:
                con.register("b", pa.Table.from_pylist(batch))
                con.execute(f"INSERT INTO {name} SELECT * FROM b")
                con.unregister("b")
                rows += len(batch)
    checks = [
        "SELECT event_id FROM events GROUP BY 1 HAVING count(*) > 1",
        "SELECT quantity_id FROM quantities GROUP BY 1 HAVING count(*) > 1",
        "SELECT actor_id FROM event_actors WHERE actor_id NOT IN (SELECT actor_id FROM actors)",
        "SELECT record_id FROM citations WHERE record_table = 'events' "
        "AND record_id NOT IN (SELECT event_id FROM events)",
        "SELECT event_id FROM events e ANTI JOIN citations c ON c.record_table = 'events' AND c.record_id = e.event_id",
    ]
    problems = sum(len(con.execute(sql).fetchall()) for sql in checks)
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "problems": problems}


def child(kind: str, curated: str, db: str) -> None:
    result = (pipeline if kind == "pipeline" else baseline)(curated, db)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run(kind: str, curated: Path, db: Path, in_process: bool) -> dict:
    if in_process:
        return {**(pipeline if kind == "pipeline" else baseline)(str(curated), str(db)), "peak_rss_mib": float("nan")}
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(curated), str(db)], capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def invalid_run(n: int, k: int, in_process: bool) -> bool:
    from japan_nato.loaders.build import build_database
    from japan_nato.loaders.problems import CuratedDataError

    with tempfile.TemporaryDirectory() as tmp:
        planted = write_synthetic(Path(tmp) / "curated", n, invalid=k)
        t0 = time.perf_counter()
        try:
            build_database(Path(tmp) / "curated", Path(tmp) / "x.duckdb", sources_dir=SEEDS, require_texts=True)
            reported = []
        except CuratedDataError as exc:
            reported = exc.problems
        seconds = time.perf_counter() - t0
    found = {(p.file, p.line, p.code) for p in reported}
    missed = [p for p in planted if (p.file, p.line, p.code) not in found]
    extra = len(reported) - (len(planted) - len(missed))
    print(
        f"  seeded invalid run, {n:,} events: {len(planted)} planted, {len(planted) - len(missed)} reported with "
        f"file:line and reason, {len(missed)} missed, {extra} other problem(s), {seconds:.1f}s"
    )
    for p in missed[:10]:
        print(f"    missed: {p}")
    return not missed and extra == 0


def _figures(r: dict) -> str:
    per_row = r["seconds"] / r["rows"] * 1e6
    rate = r["rows"] / r["seconds"]
    return f"{r['seconds']:8.1f}s  {rate:>9,.0f} rows/s  peak {r['peak_rss_mib']:6,.0f} MiB  {per_row:5.1f} µs/row"


def main() -> None:
    args = sys.argv[1:]
    in_process = "--in-process" in args
    invalid = int(args[args.index("--invalid") + 1]) if "--invalid" in args else 0
    words = [a for i, a in enumerate(args) if not a.startswith("--") and not (i and args[i - 1] == "--invalid")]
    if not all(w.isdigit() for w in words):
        raise SystemExit(f"usage: bench_load.py [--invalid K] [--in-process] N [N ...]; not a size: {words}")
    sizes = [int(w) for w in words] or [100_000]
    print("load benchmark: the build's loader (no gate) against CSafeLoader + Arrow + plain SQL, same files")
    costs = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_synthetic(Path(tmp) / "curated", n)
            size = sum(p.stat().st_size for p in (Path(tmp) / "curated").rglob("*.yaml"))
            written = time.perf_counter() - t0
            b = run("baseline", Path(tmp) / "curated", Path(tmp) / "baseline.duckdb", in_process)
            p = run("pipeline", Path(tmp) / "curated", Path(tmp) / "pipeline.duckdb", in_process)
        per_row = p["seconds"] / p["rows"] * 1e6
        costs.append((n, per_row))
        print(f"  {n:>9,} events ({size / 1e6:,.1f} MB of YAML in {n // 1000 or 1:,} files, written in {written:.1f}s)")
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in p["steps"].items())
        print(f"    pipeline {_figures(p)}  ({p['rows']:,} rows; {steps})")
        print(f"    baseline {_figures(b)}  ({b['rows']:,} rows, {b['problems']} problems)")
        wall, memory = p["seconds"] / b["seconds"], p["peak_rss_mib"] / b["peak_rss_mib"]
        print(f"    pipeline / baseline: {wall:.2f}x wall, {memory:.2f}x peak memory")
    if len(costs) > 1:
        (n0, c0), (n1, c1) = costs[-2], costs[-1]
        print(f"  cost per row at {n1:,} is {c1 / c0:.2f}x that at {n0:,}")
    at = 100_000 if 100_000 in sizes else sizes[0]  # the size for the seeded run
    if invalid and not invalid_run(at, invalid, in_process):
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
