"""Commands that build and check a database: build, check, stats, gx-daemon."""

from __future__ import annotations

from pathlib import Path

import duckdb
import typer
from rich.table import Table

from japan_nato.cli import (
    ALLOW_MISSING_OPTION,
    CURATED_OPTION,
    DB_OPTION,
    ENGINE_OPTION,
    FORCE_OPTION,
    JSON_OPTION,
    SOURCES_OPTION,
    _fail,
    app,
    err,
    out,
    say,
)
from japan_nato.cli.output import emit, steps, use_json
from japan_nato.dbfiles import one_line


@app.command()
def build(
    db: Path = DB_OPTION,
    curated: Path = CURATED_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    skip_gate: bool = typer.Option(False, "--skip-gate", help="Load without the quality gate (never for releases)."),
    engine: str = ENGINE_OPTION,
    allow_missing_sources: bool = ALLOW_MISSING_OPTION,
    junit: Path | None = typer.Option(None, "--junit", help="Also write JUnit XML (the gate's, or the problems')."),
    html_report: Path | None = typer.Option(None, "--html", help="Also write an HTML report, failed or not."),
    force: bool = FORCE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Validate the curated files, load them into a new database through the schema migrations, run the
    quality gate, and only then replace DB. Any problem: one line each, exit 1, DB left as it was.
    Without the article texts the build fails, unless --allow-missing-sources (then it names every
    check it skipped). DB may be new or a previous japan-nato database; anything else (a text file,
    another project's database) is refused unless --force, a folder always. A symbolic link is
    followed: the file it points to is replaced and the link kept. A second build of the same DB
    waits for the first ($JAPAN_NATO_LOCK_TIMEOUT seconds at most)."""
    from japan_nato.dbfiles import DatabaseFileError, replaceable

    use_json(as_json)
    try:
        replaceable(db, force=force)  # refused before any work, even before GX starts
    except DatabaseFileError as exc:
        _fail([], str(exc))
    if not skip_gate and engine == "sql":
        from japan_nato.quality import gx_worker

        gx_worker.start()  # first: GX's import then runs beside everything below
    from japan_nato.loaders.build import build_database
    from japan_nato.loaders.problems import CuratedDataError
    from japan_nato.locks import LockTimeout

    gate = None
    if not skip_gate:
        from japan_nato.quality.gate import gate_for_build

        gate = gate_for_build(sources_dir, engine=engine)
    from japan_nato.sources import resolve_sources_dir

    texts = resolve_sources_dir(sources_dir)
    try:
        with steps(f"building {db}") as on_step:
            report = build_database(
                curated,
                db,
                gate=gate,
                sources_dir=texts,
                require_texts=not allow_missing_sources,
                on_step=on_step,
                force=force,
                on_wait=say,
            )
    except (DatabaseFileError, LockTimeout) as exc:
        _fail([], str(exc))
    except CuratedDataError as exc:
        _reports(junit, html_report, problems=exc.problems)
        _fail(
            [str(p) for p in exc.problems],
            f"{len(exc.problems)} problem(s) in {curated}; {db} was not changed",
            exc.problems,
        )
    except Exception as exc:  # the gate's refusal and migration/load failures
        _reports(junit, html_report, gate=getattr(exc, "report", None))
        lines = getattr(exc, "lines", None) or [f"{type(exc).__name__}: {exc}"]
        _fail(lines, f"build failed; {db} was not changed")
    _reports(junit, html_report, gate=report.gate)
    skipped = skipped_lines(report.load.texts_missing, report.gate)
    if as_json:
        emit(
            {
                "ok": True,
                "db": str(db),
                "rows": report.counts,
                "seconds": {k: round(v, 3) for k, v in report.seconds.items()},
                "gate": report.gate.summary() if report.gate is not None else None,
                "skipped": skipped,
            }
        )
        return
    total = sum(report.counts.values())
    out.print(
        f"built {db}: {total} rows in {len(report.counts)} tables "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in report.seconds.items())})"
    )
    for line in skipped:
        err.print(line, markup=False)
    if report.gate is not None:
        out.print(report.gate.summary_line())


def _reports(junit: Path | None, html_report: Path | None, problems=None, gate=None) -> None:
    """The reports a reviewer reads, written whether the build passed or failed."""
    from japan_nato.quality import reports

    if problems is not None:
        if junit:
            reports.write_problems_junit(problems, junit)
        if html_report:
            reports.write_problems_html(problems, html_report)
    elif gate is not None:
        if junit:
            reports.write_junit(gate, junit)
        if html_report:
            reports.write_html(gate, html_report)


def skipped_lines(texts_missing: list[str], gate) -> list[str]:
    """Every check a build without some article texts did not run, one line each."""
    lines = [
        f"skipped sources[{s}]: evidence_in_source, verbatim_quote_in_source, source_sha256_matches at validation — "
        "its text is not available (--allow-missing-sources)"
        for s in texts_missing
    ]
    if gate is not None:
        lines += [line for r in gate.skipped for line in r.lines()]
    return lines


@app.command()
def check(
    db: Path = DB_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    junit: Path | None = typer.Option(None, "--junit", help="Also write JUnit XML for CI systems."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON instead of lines."),
    html_report: Path | None = typer.Option(None, "--html", help="Also write an HTML report a person can open."),
    engine: str = ENGINE_OPTION,
    allow_missing_sources: bool = ALLOW_MISSING_OPTION,
) -> None:
    """Run the quality gate (GX suites and SQL integrity checks) on DB and record the results in its
    quality_results table. Prints one line per failure (table, key, column, check, observed value);
    exit 1 when an error-severity check fails, 0 otherwise (warnings do not fail). Without the article
    texts it fails, unless --allow-missing-sources (then the skipped checks are named)."""
    from japan_nato.quality.gate import report_json, run_gate
    from japan_nato.quality.reports import write_html, write_junit

    use_json(as_json)
    _require(db, writes="check records its results in it (quality_results)")
    with steps(f"checking {db}") as on_step:
        on_step("gate")
        try:
            report = run_gate(db, sources_dir, engine=engine)
        except duckdb.Error as exc:  # taken by another process since _require, say
            _fail([], f"{db}: {one_line(exc)}; {DB_FIX}")
    if junit:
        write_junit(report, junit)
    if html_report:
        write_html(report, html_report)
    missing_texts = bool(report.skipped) and not allow_missing_sources
    if as_json:
        import json

        document = json.loads(report_json(report))
        document["ok"] = report.passed and not missing_texts
        if missing_texts:
            document["error"] = f"{len(report.skipped)} check(s) need the article texts: {MISSING_TEXTS_FIX}"
        emit(document)
        raise typer.Exit(0 if document["ok"] else 1)
    for line in report.failure_lines():
        err.print(line, markup=False)
    out.print(report.summary_line())
    if missing_texts:
        _fail([], f"{len(report.skipped)} check(s) need the article texts: {MISSING_TEXTS_FIX}")
    raise typer.Exit(0 if report.passed else 1)


DB_FIX = "close whatever else has it open, or give --db another japan-nato database"


def _require(db: Path, writes: str | None = None) -> None:
    """One line and exit 1 unless `db` is a japan-nato database this command can use."""
    from japan_nato.dbfiles import DatabaseFileError, require

    try:
        require(db, writes=writes)
    except DatabaseFileError as exc:
        _fail([], str(exc))


MISSING_TEXTS_FIX = (
    "give --sources-dir or $JAPAN_NATO_SOURCES the folder of the texts, or --allow-missing-sources to run without"
)


@app.command()
def stats(db: Path = DB_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Rows per table, per source and per kind, and every row that has no citation."""
    from japan_nato.loaders.stats import collect_stats

    use_json(as_json)
    _require(db)
    s = collect_stats(db)
    if as_json:
        emit(
            {
                "ok": not s.uncited,
                "rows": s.rows,
                "cited_rows_per_source": s.per_source,
                "per_kind": {label: dict(counts) for label, counts in s.per_kind.items()},
                "uncited": [{"table": t, "key": k} for t, k in s.uncited],
            }
        )
        raise typer.Exit(1 if s.uncited else 0)
    t = Table(title="rows per table")
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("uncited", justify="right")
    for table, n in s.rows.items():
        t.add_row(table, str(n), str(s.uncited_counts.get(table, "")))
    out.print(t)
    sources = list(s.per_source)
    t = Table(title="cited rows per source (S1.. as listed below)")
    t.add_column("table")
    for i, _ in enumerate(sources, 1):
        t.add_column(f"S{i}", justify="right")
    for table in s.tables_cited:
        t.add_row(table, *(str(s.per_source[src].get(table, 0)) for src in sources))
    out.print(t)
    for i, src in enumerate(sources, 1):
        out.print(f"  S{i} = {src}")
    for label, counts in s.per_kind.items():
        t = Table(title=label)
        t.add_column("value")
        t.add_column("rows", justify="right")
        for value, n in counts:
            t.add_row(str(value), str(n))
        out.print(t)
    if s.uncited:
        for table, key in s.uncited:
            err.print(f"uncited: {table}[{key}] has no citation", markup=False)
        raise typer.Exit(1)
    out.print("every row has at least one citation")


@app.command("gx-daemon")
def gx_daemon(
    stop: bool = typer.Option(False, "--stop", help="Stop the daemon of this code version."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show or stop the background process that keeps Great Expectations imported between commands
    (started by the first build, check or publish; it exits by itself after 15 idle minutes, or
    $JAPAN_NATO_GX_DAEMON_IDLE seconds; JAPAN_NATO_GX_DAEMON=0 runs GX in a child of each command)."""
    from japan_nato.quality import gx_worker

    path = gx_worker.socket_path()
    if stop:
        stopped = gx_worker.stop_daemon()
        if as_json:
            emit({"ok": True, "socket": str(path), "stopped": stopped})
            return
        out.print(f"stopped the daemon at {path}" if stopped else f"no daemon at {path}")
        return
    running = gx_worker.daemon_running()
    if as_json:
        emit({"ok": True, "socket": str(path), "running": running, "mode": gx_worker.mode()})
        return
    out.print(f"{'running' if running else 'not running'}: {path} (mode for new commands: {gx_worker.mode()})")
