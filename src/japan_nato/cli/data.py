"""Commands on the curated data and a built database: build, check, stats, suites, dictionary, gx-daemon."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from japan_nato.cli import (
    ALLOW_MISSING_OPTION,
    CURATED_OPTION,
    DB_OPTION,
    ENGINE_OPTION,
    SOURCES_OPTION,
    _fail,
    app,
    err,
    out,
)


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
) -> None:
    """Validate the curated files, load them into a new database through the schema migrations, run the
    quality gate, and only then replace DB. Any problem: one line each, exit 1, DB left as it was.
    Without the article texts the build fails, unless --allow-missing-sources (then it names every
    check it skipped)."""
    if not skip_gate and engine == "sql":
        from japan_nato.quality import gx_worker

        gx_worker.start()  # first: GX's import then runs beside everything below
    from japan_nato.loaders.build import build_database
    from japan_nato.loaders.problems import CuratedDataError

    gate = None
    if not skip_gate:
        from japan_nato.quality.gate import gate_for_build

        gate = gate_for_build(sources_dir, engine=engine)
    from japan_nato.sources import resolve_sources_dir

    texts = resolve_sources_dir(sources_dir)
    try:
        report = build_database(curated, db, gate=gate, sources_dir=texts, require_texts=not allow_missing_sources)
    except CuratedDataError as exc:
        _reports(junit, html_report, problems=exc.problems)
        _fail([str(p) for p in exc.problems], f"{len(exc.problems)} problem(s) in {curated}; {db} was not changed")
    except Exception as exc:  # the gate's refusal and migration/load failures
        _reports(junit, html_report, gate=getattr(exc, "report", None))
        lines = getattr(exc, "lines", None) or [f"{type(exc).__name__}: {exc}"]
        _fail(lines, f"build failed; {db} was not changed")
    _reports(junit, html_report, gate=report.gate)
    total = sum(report.counts.values())
    out.print(
        f"built {db}: {total} rows in {len(report.counts)} tables "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in report.seconds.items())})"
    )
    for line in skipped_lines(report.load.texts_missing, report.gate):
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

    if not db.exists():
        _fail([f"{db}: no such database"], "run `japan-nato build` first or give --db")
    report = run_gate(db, sources_dir, engine=engine)
    if junit:
        write_junit(report, junit)
    if html_report:
        write_html(report, html_report)
    if as_json:
        out.print_json(report_json(report))
    else:
        for line in report.failure_lines():
            err.print(line, markup=False)
        out.print(report.summary_line())
    if report.skipped and not allow_missing_sources:
        _fail([], f"{len(report.skipped)} check(s) need the article texts: {MISSING_TEXTS_FIX}")
    raise typer.Exit(0 if report.passed else 1)


MISSING_TEXTS_FIX = (
    "give --sources-dir or $JAPAN_NATO_SOURCES the folder of the texts, or --allow-missing-sources to run without"
)


@app.command()
def suites(
    write: bool = typer.Option(False, "--write", help="Rewrite quality/expectations/*.json from the models."),
) -> None:
    """Show or rewrite the Great Expectations suites derived from the table models and vocabularies.
    Without --write, exit 1 when a committed suite file differs from its derivation."""
    from japan_nato.quality import gx_suites
    from japan_nato.schema.catalog import table_names

    if write:
        for path in gx_suites.write_suites():
            out.print(f"wrote {path}")
        return
    committed = gx_suites.load_suite_files()
    stale = [t for t in table_names() if committed.get(t) != gx_suites.suite_for(t)]
    for t in table_names():
        n = len(gx_suites.suite_for(t)["expectations"])
        out.print(f"{t}: {n} expectations{' (STALE: run japan-nato suites --write)' if t in stale else ''}")
    if stale:
        raise typer.Exit(1)


@app.command()
def fmt(
    curated: Path = CURATED_OPTION,
    check_only: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if a file is not canonical."),
) -> None:
    """Write every curated file in its one canonical form: no anchors, one line per value, defaults
    left out, fields in schema order, records sorted by ID. With --check, list the files that differ."""
    from japan_nato.loaders.fmt import format_folder

    changed, broken = format_folder(curated, check=check_only)
    for path in broken:
        err.print(f"{path}: cannot be read; `japan-nato build` says why", markup=False)
    for path in changed:
        (err if check_only else out).print(f"{'not canonical' if check_only else 'formatted'}: {path}", markup=False)
    if broken or (check_only and changed):
        _fail(
            [],
            f"{len(changed)} file(s) not in canonical form"
            + (f", {len(broken)} unreadable" if broken else "")
            + (": run `japan-nato fmt`" if changed else ""),
        )
    if not changed:
        out.print(f"every curated file in {curated} is canonical")


@app.command("add-source")
def add_source(
    path: Path = typer.Argument(..., help="The article's text (UTF-8), as it will sit in the sources directory."),
    curated: Path = CURATED_OPTION,
    source_id: str | None = typer.Option(None, "--id", help="The source's ID (default: from its title and year)."),
    url: str | None = typer.Option(None, "--url", help="Where the article was published."),
    publisher: str | None = typer.Option(None, "--publisher", help="The publisher's name."),
) -> None:
    """Register an article: write sources/<id>.yaml with its source record and a `candidates:`
    section (quotes with speaker candidates, dates, figures, actors) that the build ignores until a
    curator confirms each one. Copy the text into the sources directory too."""
    from japan_nato.loaders.drafting import draft_source

    if not path.is_file():
        _fail([f"{path}: no such file"], "give the path of the article's text")
    try:
        target, drafted = draft_source(path, curated, source_id, url, publisher)
    except (FileExistsError, UnicodeDecodeError) as exc:
        _fail([str(exc)], "nothing was written")
    counts = ", ".join(f"{len(v)} {k}" for k, v in drafted.items())
    out.print(f"wrote {target}: source record and candidates ({counts})", markup=False)


@app.command()
def coverage(
    curated: Path = CURATED_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    show: int = typer.Option(10, "--show", help="Uncited sentences to list per source (0: all)."),
) -> None:
    """Per source: how much of the article's text the data cites, and the sentences no row cites."""
    from japan_nato.loaders.coverage import coverage as measure
    from japan_nato.sources import resolve_sources_dir

    texts = resolve_sources_dir(sources_dir)
    if texts is None:
        _fail([], "coverage needs the article texts: give --sources-dir or $JAPAN_NATO_SOURCES")
    for c in measure(curated, texts):
        out.print(
            f"{c.source_id}: {c.share:.0%} of {c.characters:,} characters cited; {len(c.uncited)} sentence(s) uncited",
            markup=False,
        )
        for line, sentence in c.uncited[: show or None]:
            out.print(f"  line {line}: {sentence}", markup=False, soft_wrap=True)


@app.command()
def dictionary(
    write: bool = typer.Option(False, "--write", help="Rewrite docs/data-dictionary.md from the declarations."),
) -> None:
    """Show whether the data dictionary (docs/data-dictionary.md) matches the schema's declarations, or
    rewrite it. Without --write, exit 1 when it is stale."""
    from japan_nato.schema import dictionary as data_dictionary

    if write:
        out.print(f"wrote {data_dictionary.write()}")
        return
    if not data_dictionary.is_current():
        _fail([f"{data_dictionary.DICTIONARY_PATH} is stale"], "run `japan-nato dictionary --write`")
    out.print(f"{data_dictionary.DICTIONARY_PATH} is current")


@app.command()
def stats(db: Path = DB_OPTION) -> None:
    """Rows per table, per source and per kind, and every row that has no citation."""
    from japan_nato.loaders.stats import collect_stats

    if not db.exists():
        _fail([f"{db}: no such database"], "run `japan-nato build` first")
    s = collect_stats(db)
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
) -> None:
    """Show or stop the background process that keeps Great Expectations imported between commands
    (started by the first build, check or publish; it exits by itself after 15 idle minutes, or
    $JAPAN_NATO_GX_DAEMON_IDLE seconds; JAPAN_NATO_GX_DAEMON=0 runs GX in a child of each command)."""
    from japan_nato.quality import gx_worker

    path = gx_worker.socket_path()
    if stop:
        out.print(f"stopped the daemon at {path}" if gx_worker.stop_daemon() else f"no daemon at {path}")
        return
    running = gx_worker.daemon_running()
    out.print(f"{'running' if running else 'not running'}: {path} (mode for new commands: {gx_worker.mode()})")
