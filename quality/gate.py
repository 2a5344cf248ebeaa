"""The data-quality gate: GX suites plus SQL integrity checks, run on every load.

`run_gate(db)` runs every check, writes the results into the database's `quality_results` table and
returns them. `gate_for_build()` wraps it for the build: an error-severity failure raises
`GateFailed`, so the new database never replaces the old one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from japan_nato.quality import gx_worker
from japan_nato.quality.checks import sql_checks
from japan_nato.quality.results import MAX_KEYS, CheckResult

from japan_nato.sources import read_texts, resolve_sources_dir


@dataclass
class GateReport:
    run_id: str
    results: list[CheckResult]
    sources_dir: Path | None

    @property
    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if r.success is False and r.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.success is False and r.severity == "warning"]

    @property
    def skipped(self) -> list[CheckResult]:
        return [r for r in self.results if r.success is None]

    @property
    def passed(self) -> bool:
        return not self.errors

    def failure_lines(self) -> list[str]:
        lines = []
        for r in self.errors + self.warnings + self.skipped:
            lines += r.lines()
        return lines

    def summary_line(self) -> str:
        ran = [r for r in self.results if r.success is not None]
        return (
            f"quality gate: {sum(r.success for r in ran)}/{len(ran)} checks passed, "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s), {len(self.skipped)} skipped"
        )

    def summary(self) -> dict:
        return {
            "run_id": self.run_id,
            "checks": len(self.results),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "skipped": len(self.skipped),
            "passed": sum(1 for r in self.results if r.success),
        }


class GateFailed(Exception):
    def __init__(self, report: GateReport):
        self.report = report
        self.lines = report.failure_lines() + [report.summary_line()]
        super().__init__(report.summary_line())


def _sql_results(con, texts) -> list[CheckResult]:
    results = []
    for check in sql_checks():
        failures = check.run(con, texts)
        if failures is None:
            results.append(
                CheckResult(
                    check.name,
                    check.table,
                    None,
                    check.severity,
                    None,
                    "source texts not available: give --sources-dir or $JAPAN_NATO_SOURCES",
                    description=check.description,
                )
            )
            continue
        r = CheckResult(
            check.name,
            check.table,
            check.column or (failures[0].column if failures else None),
            check.severity,
            not failures,
            f"{len(failures)} failing row(s)" if failures else "ok",
            [f.key for f in failures[:MAX_KEYS]],
            len(failures),
            "sql",
            check.description,
        )
        r.observations = [f.observed for f in failures[:MAX_KEYS]]
        results.append(r)
    return results


def _source_texts(con, sources_dir: Path | None) -> dict[str, str]:
    files = dict(con.execute("SELECT source_id, file FROM sources").fetchall())
    return read_texts(sources_dir, files)


RESULTS_DDL = """
CREATE TABLE IF NOT EXISTS quality_results (
    run_id VARCHAR NOT NULL, run_at TIMESTAMP NOT NULL, engine VARCHAR NOT NULL, "check" VARCHAR NOT NULL,
    "table" VARCHAR NOT NULL, "column" VARCHAR, severity VARCHAR NOT NULL, success BOOLEAN,
    observed VARCHAR, failing_count INTEGER NOT NULL, failing_keys VARCHAR[], description VARCHAR)
"""


def write_results(con, report: GateReport) -> None:
    # quality_results is the gate's own log, not part of the curated schema: it is kept out of the
    # migrations and created here, so a user's database gains it on their first `check`.
    import pyarrow as pa

    con.execute(RESULTS_DDL)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = pa.Table.from_pylist(
        [
            {
                "run_id": report.run_id,
                "run_at": now,
                "engine": r.engine,
                "check": r.check,
                "table": r.table,
                "column": r.column,
                "severity": r.severity,
                "success": r.success,
                "observed": r.observed,
                "failing_count": r.failing_count,
                "failing_keys": r.failing_keys,
                "description": r.description,
            }
            for r in report.results
        ],
        schema=pa.schema(
            [
                ("run_id", pa.string()),
                ("run_at", pa.timestamp("us")),
                ("engine", pa.string()),
                ("check", pa.string()),
                ("table", pa.string()),
                ("column", pa.string()),
                ("severity", pa.string()),
                ("success", pa.bool_()),
                ("observed", pa.string()),
                ("failing_count", pa.int32()),
                ("failing_keys", pa.list_(pa.string())),
                ("description", pa.string()),
            ]
        ),
    )
    # One bulk insert: 339 single-row inserts took 2.0 s, this 0.05-0.09 s (docs/feedback.md).
    con.register("gate_results", rows)
    try:
        con.execute("INSERT INTO quality_results BY NAME SELECT * FROM gate_results")
    finally:
        con.unregister("gate_results")


ENGINES = ("sql", "pandas")


def run_gate(
    db: Path, sources_dir: Path | None = None, gx: bool = True, record: bool = True, engine: str = "sql"
) -> GateReport:
    """Every check on `db`. GX runs over DuckDB SQL (default) or pandas; SQL checks always in DuckDB.

    Over SQL, GX runs in the gate's worker process (japan_nato.quality.gx_worker) while this
    process runs the plain-SQL checks; both open the file read-only.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown GX engine {engine!r}; use one of {', '.join(ENGINES)}")
    sources_dir = resolve_sources_dir(sources_dir)
    pending = None
    if gx and engine == "sql":
        from japan_nato.quality.gx_suites import load_suite_files

        pending = gx_worker.submit(db, load_suite_files())
    con = duckdb.connect(str(db), read_only=True)
    try:
        texts = _source_texts(con, sources_dir)
        results = _sql_results(con, texts)
        if gx and engine == "pandas":
            from japan_nato.quality.gx_pandas import run_suites_pandas

            results += run_suites_pandas(con)
    finally:
        con.close()
    if pending is not None:
        results += pending.result()
    report = GateReport(uuid.uuid4().hex[:12], results, sources_dir)
    if record:
        con = duckdb.connect(str(db))
        try:
            write_results(con, report)
        finally:
            con.close()
    return report


def gate_for_build(sources_dir: Path | None = None, gx: bool = True, engine: str = "sql"):
    """The gate a build runs before it replaces its target. Starts GX's worker now, so that its
    import overlaps the build's validation and loading."""
    if gx and engine == "sql":
        gx_worker.start()

    def gate(db: Path) -> GateReport:
        report = run_gate(db, sources_dir, gx=gx, engine=engine)
        if not report.passed:
            raise GateFailed(report)
        return report

    return gate


def report_json(report: GateReport) -> str:
    return json.dumps(
        {
            **report.summary(),
            "results": [
                {
                    "check": r.check,
                    "table": r.table,
                    "column": r.column,
                    "severity": r.severity,
                    "success": r.success,
                    "observed": r.observed,
                    "failing_count": r.failing_count,
                    "failing_keys": r.failing_keys,
                    "engine": r.engine,
                }
                for r in report.results
            ],
        },
        indent=2,
    )
