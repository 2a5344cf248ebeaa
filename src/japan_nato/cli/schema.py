"""Commands on a database's schema revision: migrations, upgrade, downgrade."""

from __future__ import annotations

from pathlib import Path

import typer

from japan_nato.cli import JSON_OPTION, _fail, app, out
from japan_nato.cli.output import emit, use_json


@app.command()
def migrations(
    db: Path | None = typer.Option(None, "--db", help="Also show this database's revision."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the schema revisions, oldest first, and which one a database file is at."""
    from japan_nato.schema import migrate

    use_json(as_json)
    current = None
    if db is not None:
        from japan_nato.dbfiles import DatabaseFileError, require

        try:
            current = require(db, allow_empty=True).revision  # read-only: never written, never locked
        except DatabaseFileError as exc:
            _fail([], str(exc))
    head = migrate.head_revision()
    if as_json:
        emit(
            {
                "ok": True,
                "head": head,
                "revisions": [
                    {"revision": r.revision, "title": (r.doc or "").splitlines()[0]} for r in migrate.revisions()
                ],
                **({"db": str(db), "current": current, "exists": True} if db else {}),
            }
        )
        return
    for rev in migrate.revisions():
        marks = [m for m, on in (("head", rev.revision == head), (f"current of {db}", rev.revision == current)) if on]
        title = (rev.doc or "").splitlines()[0]
        line = f"{rev.revision}  {title}" + (f"  <- {', '.join(marks)}" if marks else "")
        out.print(line, markup=False, soft_wrap=True)
    if db and current is None:
        out.print(f"{db}: no japan-nato schema (base)")


@app.command()
def upgrade(
    path: Path = typer.Argument(..., help="A japan-nato DuckDB file (yours; your own tables are kept)."),
    to: str = typer.Option("head", "--to", help="Target revision (default: head)."),
    no_backup: bool = typer.Option(False, "--no-backup", help="Skip the backup copy (not recommended)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Migrate a database file in place to a newer schema revision, after writing a backup beside it.
    Tables it does not own, and tables of yours that reference ours, are kept with their data. Only a
    japan-nato database is migrated (another project's DuckDB file is refused); a symbolic link is
    followed. A migration that fails changes nothing."""
    _migrate(path, to, not no_backup, as_json, "up")


@app.command()
def downgrade(
    path: Path = typer.Argument(..., help="A japan-nato DuckDB file."),
    to: str = typer.Option(..., "--to", help="Target revision (see `japan-nato migrations`), or base."),
    no_backup: bool = typer.Option(False, "--no-backup", help="Skip the backup copy (not recommended)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Migrate a database file back to an older revision (each revision says what its downgrade drops),
    after writing a backup beside it. Refused, changing nothing, where it would drop a table one of
    yours references."""
    _migrate(path, to, not no_backup, as_json, "down")


def _migrate(path: Path, to: str, backup: bool, as_json: bool, direction: str) -> None:
    from japan_nato.dbfiles import DatabaseFileError
    from japan_nato.schema.migrate import MigrationError, migrate_file

    use_json(as_json)
    try:
        before, after, saved = migrate_file(path, to, backup, direction)
    except (MigrationError, DatabaseFileError) as exc:
        _fail([], str(exc))
    if as_json:
        emit({"ok": True, "db": str(path), "from": before, "to": after, "backup": str(saved) if saved else None})
        return
    if before == after:
        out.print(f"{path} is already at {after or 'base'}")
    else:
        out.print(f"{path}: {before or 'base'} -> {after or 'base'}" + (f" (backup: {saved})" if saved else ""))
