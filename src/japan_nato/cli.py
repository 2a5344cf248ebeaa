"""The `japan-nato` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

app = typer.Typer(
    help="Build, check, publish and query the japan-nato dataset of Japan–NATO security relations.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
# Wide enough for the tables when output is piped; errors never wrap so each stays one line.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DB_OPTION = typer.Option(Path("build/japan_nato.duckdb"), "--db", help="The DuckDB database file.")
CURATED_OPTION = typer.Option(Path("datasets/curated"), "--curated", help="Folder of curated YAML files.")
ENGINE_OPTION = typer.Option(
    "sql", "--engine", help="Where Great Expectations runs: 'sql' (in DuckDB, default) or 'pandas'."
)
SOURCES_OPTION = typer.Option(
    None,
    "--sources-dir",
    help="Folder of the article texts (default: $JAPAN_NATO_SOURCES, else ../shared/seeds when it exists).",
)


def _fail(lines: list[str], summary: str) -> None:
    for line in lines:
        err.print(line, markup=False)
    err.print(f"error: {summary}", markup=False)
    raise typer.Exit(1)


@app.command()
def build(
    db: Path = DB_OPTION,
    curated: Path = CURATED_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    skip_gate: bool = typer.Option(False, "--skip-gate", help="Load without the quality gate (never for releases)."),
    engine: str = ENGINE_OPTION,
) -> None:
    """Validate the curated files, load them into a new database through the schema migrations, run the
    quality gate, and only then replace DB. Any problem: one line each, exit 1, DB left as it was."""
    if not skip_gate and engine == "sql":
        from japan_nato.quality import gx_worker

        gx_worker.start()  # first: GX's import then runs beside everything below
    from japan_nato.loaders.build import build_database
    from japan_nato.loaders.problems import CuratedDataError

    gate = None
    if not skip_gate:
        from japan_nato.quality.gate import gate_for_build

        gate = gate_for_build(sources_dir, engine=engine)
    try:
        report = build_database(curated, db, gate=gate)
    except CuratedDataError as exc:
        _fail([str(p) for p in exc.problems], f"{len(exc.problems)} problem(s) in {curated}; {db} was not changed")
    except Exception as exc:  # the gate's refusal and migration/load failures
        lines = getattr(exc, "lines", None) or [f"{type(exc).__name__}: {exc}"]
        _fail(lines, f"build failed; {db} was not changed")
    total = sum(report.counts.values())
    out.print(
        f"built {db}: {total} rows in {len(report.counts)} tables "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in report.seconds.items())})"
    )
    if report.gate is not None:
        out.print(report.gate.summary_line())


@app.command()
def check(
    db: Path = DB_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    junit: Path | None = typer.Option(None, "--junit", help="Also write JUnit XML for CI systems."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON instead of lines."),
    html_report: Path | None = typer.Option(None, "--html", help="Also write an HTML report a person can open."),
    engine: str = ENGINE_OPTION,
) -> None:
    """Run the quality gate (GX suites and SQL integrity checks) on DB and record the results in its
    quality_results table. Prints one line per failure (table, key, column, check, observed value);
    exit 1 when an error-severity check fails, 0 otherwise (warnings do not fail)."""
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
    raise typer.Exit(0 if report.passed else 1)


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


RELEASES_OPTION = typer.Option(None, "--releases", help="Releases folder (default: datasets/releases).")


@app.command()
def publish(
    curated: Path = CURATED_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    releases: Path | None = RELEASES_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the version and the diff; write nothing."),
    note: str | None = typer.Option(None, "--note", help="Why this release: written into CHANGES.md and the manifest."),
) -> None:
    """Build the curated files into a fresh database, gate it, and publish it as the next immutable
    version: parquet per table, manifest.json, datapackage.json and CHANGES.md. The version follows
    from the diff against the newest release (major: removed or retyped; minor: added; patch: values)."""
    import shutil
    import tempfile

    from japan_nato.loaders.build import build_database
    from japan_nato.loaders.problems import CuratedDataError
    from japan_nato.quality.gate import gate_for_build
    from japan_nato.releases import ReleaseError, releases_dir
    from japan_nato.releases import publish as publish_release

    root = releases_dir(releases)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            report = build_database(curated, Path(tmp) / "release.duckdb", gate=gate_for_build(sources_dir))
        except CuratedDataError as exc:
            _fail([str(p) for p in exc.problems], "the curated files have problems; nothing was published")
        except Exception as exc:
            _fail(getattr(exc, "lines", None) or [f"{type(exc).__name__}: {exc}"], "nothing was published")
        gate = report.gate
        try:
            plan = publish_release(report.db_path, gate, root, Path.cwd(), dry_run=dry_run, note=note)
        except ReleaseError as exc:
            _fail([], str(exc))
    for line in plan.diff.lines():
        out.print(line, markup=False, soft_wrap=True)
    if dry_run:
        out.print(f"dry run: would publish {plan.version} to {root / plan.version} (nothing written)")
        return
    out.print(f"published {plan.version} to {root / plan.version} ({gate.summary_line()})")
    if releases is None and root.resolve() == (Path.cwd() / "datasets" / "releases").resolve():
        # The repository's citation follows the newest release of its own releases folder.
        shutil.copyfile(root / plan.version / "CITATION.cff", Path.cwd() / "CITATION.cff")
        out.print("updated CITATION.cff for the new version")


@app.command()
def diff(
    old: str = typer.Argument(..., help="A version (1.0.0, latest) or a release folder."),
    new: str = typer.Argument(..., help="A version or a release folder."),
    releases: Path | None = RELEASES_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON."),
) -> None:
    """Rows added, removed and changed per table between two releases, and their schema changes."""
    from japan_nato.releases import ReleaseError, diff_releases, release_path, releases_dir

    root = releases_dir(releases)
    try:
        a, b = release_path(root, old), release_path(root, new)
    except ReleaseError as exc:
        _fail([], str(exc))
    result = diff_releases(a, b, a.name, b.name)
    if as_json:
        import json

        out.print_json(json.dumps(result.to_dict()))
    else:
        for line in result.lines():
            out.print(line, markup=False, soft_wrap=True)


@app.command()
def verify(
    versions: list[str] = typer.Argument(None, help="Versions to verify (default: every release)."),
    releases: Path | None = RELEASES_OPTION,
) -> None:
    """Re-hash and re-count every file of every release against its manifest; exit 1 on any mismatch."""
    from japan_nato.releases import ReleaseError, release_path, releases_dir, verify_release
    from japan_nato.releases import versions as published

    root = releases_dir(releases)
    names = versions or published(root)
    if not names:
        _fail([], f"no releases in {root}")
    problems = []
    for name in names:
        try:
            folder = release_path(root, name)
        except ReleaseError as exc:
            problems.append(str(exc))
            continue
        found = verify_release(folder)
        problems += found
        if not found:
            out.print(f"ok {folder.name}: every file matches its manifest")
    if problems:
        _fail(problems, f"{len(problems)} problem(s): a release was altered; restore it from the repository")


@app.command()
def sql(
    query: str = typer.Argument(None, help="SQL to run; read from standard input when omitted."),
    version: str = typer.Option("latest", "--version", help="Release to query (a version or 'latest')."),
    releases: Path | None = RELEASES_OPTION,
) -> None:
    """Run SQL on a published release: one view per table over its parquet files (and release_info)."""
    from japan_nato.releases import ReleaseError, connect

    try:
        con = connect(version, releases)
    except ReleaseError as exc:
        _fail([], str(exc))
    text = query if query is not None else sys.stdin.read()
    try:
        cur = con.execute(text)
    except duckdb_error() as exc:
        _fail([str(exc).splitlines()[0]], "the query failed")
    if cur.description is None:
        return
    t = Table()
    for d in cur.description:
        t.add_column(d[0])
    for row in cur.fetchall():
        t.add_row(*("NULL" if v is None else str(v) for v in row))
    out.print(t)


@app.command()
def migrations(db: Path | None = typer.Option(None, "--db", help="Also show this database's revision.")) -> None:
    """List the schema revisions, oldest first, and which one a database file is at."""
    from japan_nato.schema import migrate

    current = migrate.current_revision(db) if db and db.exists() else None
    head = migrate.head_revision()
    for rev in migrate.revisions():
        marks = [m for m, on in (("head", rev.revision == head), (f"current of {db}", rev.revision == current)) if on]
        title = (rev.doc or "").splitlines()[0]
        line = f"{rev.revision}  {title}" + (f"  <- {', '.join(marks)}" if marks else "")
        out.print(line, markup=False, soft_wrap=True)
    if db and current is None:
        out.print(f"{db}: no japan-nato schema (base)" if db.exists() else f"{db}: no such file")


@app.command()
def upgrade(
    path: Path = typer.Argument(..., help="A japan-nato DuckDB file (yours; your own tables are kept)."),
    to: str = typer.Option("head", "--to", help="Target revision (default: head)."),
    no_backup: bool = typer.Option(False, "--no-backup", help="Skip the backup copy (not recommended)."),
) -> None:
    """Migrate a database file in place to a newer schema revision, after writing a backup beside it.
    Tables it does not own, and tables of yours that reference ours, are kept with their data."""
    _migrate(path, to, not no_backup)


@app.command()
def downgrade(
    path: Path = typer.Argument(..., help="A japan-nato DuckDB file."),
    to: str = typer.Option(..., "--to", help="Target revision (see `japan-nato migrations`), or base."),
    no_backup: bool = typer.Option(False, "--no-backup", help="Skip the backup copy (not recommended)."),
) -> None:
    """Migrate a database file back to an older revision (each revision says what its downgrade drops),
    after writing a backup beside it."""
    _migrate(path, to, not no_backup)


def _migrate(path: Path, to: str, backup: bool) -> None:
    from japan_nato.schema.migrate import MigrationError, migrate_file

    try:
        before, after, saved = migrate_file(path, to, backup)
    except MigrationError as exc:
        _fail([], str(exc))
    if before == after:
        out.print(f"{path} is already at {after or 'base'}")
    else:
        out.print(f"{path}: {before or 'base'} -> {after or 'base'}" + (f" (backup: {saved})" if saved else ""))


@app.command()
def restore(
    db: Path = typer.Option(..., "--db", help="The database file to create (must not exist)."),
    version: str = typer.Option("latest", "--version", help="Release to restore (a version or 'latest')."),
    releases: Path | None = RELEASES_OPTION,
    to: str = typer.Option("head", "--to", help="Revision to upgrade to after loading (default: head)."),
) -> None:
    """Load a published release into a new database at the release's schema revision, then upgrade it
    to head, so any release can be queried and compared with today's schema."""
    from japan_nato.releases import ReleaseError, restore_release

    try:
        version_used, revision = restore_release(db, version, releases, to)
    except ReleaseError as exc:
        _fail([], str(exc))
    out.print(f"restored release {version_used} into {db} (now at {revision})")


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


def duckdb_error():
    import duckdb

    return duckdb.Error


def main() -> None:
    """The console script. Runs the command, flushes, runs the exit handlers, then leaves without
    Python's module teardown: every file and database connection is closed by then, and tearing down
    sqlmodel, pydantic and pandas took 0.4-0.6 s of each command (docs/feedback.md)."""
    import atexit

    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
