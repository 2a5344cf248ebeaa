"""Commands on published releases: publish, diff, verify, restore (`sql` is in cli.query)."""

from __future__ import annotations

from pathlib import Path

import typer

from japan_nato.cli import (
    CURATED_OPTION,
    JSON_OPTION,
    RELEASES_OPTION,
    SOURCES_OPTION,
    _fail,
    app,
    err,
    out,
    say,
)
from japan_nato.cli.output import emit, steps, use_json


@app.command()
def publish(
    curated: Path = CURATED_OPTION,
    sources_dir: Path | None = SOURCES_OPTION,
    releases: Path | None = RELEASES_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the version and the diff; write nothing."),
    note: str | None = typer.Option(None, "--note", help="Why this release: written into CHANGES.md and the manifest."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Build the curated files into a fresh database, gate it, and publish it as the next immutable
    version: parquet per table, manifest.json, datapackage.json and CHANGES.md. The version follows
    from the diff against the newest release (major: removed or retyped; minor: added; patch: values)."""
    import shutil

    from japan_nato.loaders.build import build_database
    from japan_nato.loaders.problems import CuratedDataError
    from japan_nato.locks import LockTimeout
    from japan_nato.quality.gate import gate_for_build
    from japan_nato.releases import ReleaseError, releases_dir
    from japan_nato.releases import publish as publish_release
    from japan_nato.scratch import temporary_folder

    use_json(as_json)
    root = releases_dir(releases)
    with temporary_folder("publish") as tmp, steps("publishing") as on_step:
        try:
            from japan_nato.sources import resolve_sources_dir

            texts = resolve_sources_dir(sources_dir)
            report = build_database(
                curated,
                Path(tmp) / "release.duckdb",
                gate=gate_for_build(texts),
                sources_dir=texts,
                require_texts=True,
                on_step=on_step,
            )
        except CuratedDataError as exc:
            lines = [str(p) for p in exc.problems]
            _fail(lines, "the curated files have problems; nothing was published", exc.problems)
        except Exception as exc:
            _fail(getattr(exc, "lines", None) or [f"{type(exc).__name__}: {exc}"], "nothing was published")
        gate = report.gate
        on_step("export")
        try:
            plan = publish_release(report.db_path, gate, root, Path.cwd(), dry_run=dry_run, note=note, on_wait=say)
        except (ReleaseError, LockTimeout) as exc:
            _fail([], str(exc))
    citation = not dry_run and releases is None and root.resolve() == (Path.cwd() / "datasets" / "releases").resolve()
    if citation:  # the repository's citation follows the newest release of its own releases folder
        shutil.copyfile(root / plan.version / "CITATION.cff", Path.cwd() / "CITATION.cff")
    if as_json:
        emit(
            {
                "ok": True,
                "dry_run": dry_run,
                "version": plan.version,
                "path": str(root / plan.version),
                "gate": gate.summary(),
                "diff": plan.diff.to_dict(),
                "citation_updated": citation,
            }
        )
        return
    for line in plan.diff.lines():
        out.print(line, markup=False, soft_wrap=True)
    if dry_run:
        out.print(f"dry run: would publish {plan.version} to {root / plan.version} (nothing written)")
        return
    out.print(f"published {plan.version} to {root / plan.version} ({gate.summary_line()})")
    if citation:
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
    from japan_nato.releases import ReleaseError, diff_releases, release_path, releases_dir
    from japan_nato.releases.versioning import bump_note, published_bumps
    from japan_nato.scratch import temporary_folder

    use_json(as_json)
    root = releases_dir(releases)
    with temporary_folder("diff") as tmp:
        try:
            a = release_path(root, old)
            if new.endswith(".duckdb"):
                from japan_nato.dbfiles import DatabaseFileError, require
                from japan_nato.releases.export import export_tables

                try:
                    require(Path(new))
                except DatabaseFileError as exc:
                    raise ReleaseError(str(exc)) from None
                b = Path(tmp)
                export_tables(Path(new), b, "candidate", None)
                label = new
            else:
                b = release_path(root, new)
                label = b.name
        except ReleaseError as exc:
            _fail([], str(exc))
        result = diff_releases(a, b, a.name, label)
    published = published_bumps(root, a.name, b.name) if a.parent == root and b.parent == root else []
    note = bump_note(result.bump, published)
    if as_json:
        emit(
            {
                "ok": True,
                **result.to_dict(),
                "published": [{"version": v, "bump": x} for v, x in published],
                "note": note,
            }
        )
    elif markdown:
        print(result.markdown() + (f"\n> {note.removeprefix('note: ')}\n" if note else ""))
    else:
        lines = result.lines()
        for line in lines[:1] + ([note] if note else []) + lines[1:]:
            out.print(line, markup=False, soft_wrap=True)


@app.command()
def verify(
    versions: list[str] = typer.Argument(None, help="Versions to verify (default: every release)."),
    releases: Path | None = RELEASES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Re-hash and re-count every file of every release against its manifest; exit 1 on any mismatch,
    and on a version that was never published (said apart from an altered one)."""
    from japan_nato.releases import releases_dir
    from japan_nato.releases.metadata import changelog_text
    from japan_nato.releases.store import SEMVER
    from japan_nato.releases.verify import all_versions, release_problems, writable_files

    use_json(as_json)
    root = releases_dir(releases)
    known = all_versions(root)
    names = [known[-1] if v == "latest" and known else v for v in versions] if versions else known
    if not names:
        _fail([], f"no releases in {root}")
    unknown, checked, problems, warnings = [], [], [], []
    for name in names:
        if not SEMVER.match(name) or name not in known:  # never a path: '../x' is not a version
            unknown.append(name)
            continue
        found = release_problems(root, name)
        writable = [str(p) for p in writable_files(root / name)] if (root / name).is_dir() else []
        if writable:
            warnings.append(
                f"warning: {len(writable)} file(s) of release {name} writable, {writable[0]} first; published "
                f"files are read-only (chmod a-w {root / name}/*)"
            )
        checked.append({"version": name, "ok": not found, "problems": found, "writable": writable})
        problems += found
        if not found and not as_json:
            out.print(f"ok {name}: every file matches its manifest" + (" (pinned)" if _pinned(root, name) else ""))
    changelog = root / "CHANGELOG.md"
    if not versions and changelog.exists() and changelog.read_text(encoding="utf-8") != changelog_text(root):
        problems.append(
            f"{changelog}: does not list every release (an interrupted publish?); `japan-nato publish` rewrites it"
        )
    said = [f"no such version {n} in {root} (published: {', '.join(known) or 'none'})" for n in unknown]
    summary = "; ".join(
        part
        for part in (
            f"{len(unknown)} version(s) not published" if unknown else "",
            f"{len(problems)} problem(s): a release was altered; restore it from the repository" if problems else "",
        )
        if part
    )
    if as_json:
        document = {"ok": not summary, "releases": checked, "unknown": unknown, "warnings": warnings}
        emit({**document, **({"error": summary} if summary else {})})
        raise typer.Exit(1 if summary else 0)
    for line in warnings:
        err.print(line, markup=False, soft_wrap=True)
    if summary:
        _fail(said + problems, summary)


def _pinned(root: Path, version: str) -> bool:
    from japan_nato.releases import pins

    return pins.is_pinned_root(root) and version in pins.load()


@app.command()
def restore(
    db: Path = typer.Option(..., "--db", help="The database file to create (must not exist, unless --force)."),
    version: str = typer.Option("latest", "--version", help="Release to restore (a version or 'latest')."),
    releases: Path | None = RELEASES_OPTION,
    to: str = typer.Option("head", "--to", help="Revision to upgrade to after loading (default: head)."),
    force: bool = typer.Option(False, "--force", help="Replace DB if it exists (never a folder)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Load a published release into a new database at the release's schema revision, then upgrade it
    to head, so any release can be queried and compared with today's schema. An existing DB is
    refused unless --force; a symbolic link is followed: the file it points to is replaced, the link
    kept."""
    from japan_nato.dbfiles import DatabaseFileError
    from japan_nato.locks import LockTimeout
    from japan_nato.releases import ReleaseError, restore_release
    from japan_nato.schema.migrate import MigrationError

    use_json(as_json)
    try:
        version_used, revision = restore_release(db, version, releases, to, force, on_wait=say)
    except (ReleaseError, DatabaseFileError, MigrationError, LockTimeout) as exc:
        _fail([], str(exc))
    if as_json:
        emit({"ok": True, "version": version_used, "db": str(db), "revision": revision})
        return
    out.print(f"restored release {version_used} into {db} (now at {revision})")
