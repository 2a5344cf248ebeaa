"""Commands on published releases: publish, diff, verify, sql, restore."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import typer
from rich.table import Table

from japan_nato.cli import (
    CURATED_OPTION,
    RELEASES_OPTION,
    SOURCES_OPTION,
    _fail,
    app,
    out,
)


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
            from japan_nato.sources import resolve_sources_dir

            texts = resolve_sources_dir(sources_dir)
            report = build_database(
                curated, Path(tmp) / "release.duckdb", gate=gate_for_build(texts), sources_dir=texts, require_texts=True
            )
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
    new: str = typer.Argument(..., help="A version, a release folder, or a built database (a .duckdb file)."),
    releases: Path | None = RELEASES_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON."),
    markdown: bool = typer.Option(False, "--markdown", help="Print it as Markdown, with old and new values."),
) -> None:
    """Rows added, removed and changed per table between two releases (or a release and a built
    database), and their schema changes."""
    import tempfile

    from japan_nato.releases import ReleaseError, diff_releases, release_path, releases_dir

    root = releases_dir(releases)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            a = release_path(root, old)
            if new.endswith(".duckdb"):
                from japan_nato.releases.export import export_tables

                if not Path(new).is_file():
                    raise ReleaseError(f"{new}: no such database; run `japan-nato build` first")
                b = Path(tmp)
                export_tables(Path(new), b, "candidate", None)
                label = new
            else:
                b = release_path(root, new)
                label = b.name
        except ReleaseError as exc:
            _fail([], str(exc))
        result = diff_releases(a, b, a.name, label)
    if as_json:
        import json

        out.print_json(json.dumps(result.to_dict()))
    elif markdown:
        print(result.markdown())
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
    except duckdb.Error as exc:
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
