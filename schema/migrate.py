"""Schema migrations: the only way tables are created or changed.

Thin wrappers over Alembic so the build, the CLI and the tests share one configuration.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@contextmanager
def connect(db_path: Path | str):
    engine = create_engine(f"duckdb:///{db_path}")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _run(db_path: Path | str, fn, *args, one_transaction: bool = False):
    cfg = alembic_config()
    with connect(db_path) as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["one_transaction"] = one_transaction
        result = fn(cfg, *args)
        conn.commit()
    return result


def upgrade(db_path: Path | str, revision: str = "head") -> None:
    _run(db_path, command.upgrade, revision)


def downgrade(db_path: Path | str, revision: str) -> None:
    _run(db_path, command.downgrade, revision)


def current_revision(db_path: Path | str) -> str | None:
    with connect(db_path) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revisions() -> list:
    """Revisions oldest first."""
    return list(reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions())))


def schema_drift(conn: Connection) -> list:
    """Differences between the migrated database and the SQLModel models (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from japan_nato.schema import models  # noqa: F401
    from sqlmodel import SQLModel

    env_include = owned_tables_only(set(SQLModel.metadata.tables))
    ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": env_include})
    return compare_metadata(ctx, SQLModel.metadata)


def owned_tables_only(owned: set[str]):
    """Alembic include_object hook: compare and migrate only the tables the dataset owns."""

    def include(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            return name in owned
        table = getattr(obj, "table", None)
        return table is None or table.name in owned

    return include


class MigrationError(Exception):
    """A database could not be migrated; the message says why and what to do."""


def target_revision(to: str) -> str | None:
    """`to` as a revision (None: base), checked before anything is read or written."""
    order = [r.revision for r in revisions()]
    if to not in order + ["head", "base"]:
        raise MigrationError(f"unknown revision {to!r}; give --to one of: {', '.join(order + ['head', 'base'])}")
    return head_revision() if to == "head" else (None if to == "base" else to)


def backup_path(db: Path, revision: str | None) -> Path:
    base = db.with_name(f"{db.name}.backup-{revision or 'base'}")
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}.{n}")
    return path


def _checkpoint(db: Path) -> None:
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.execute("CHECKPOINT")  # fold any WAL into the file so one copy is the whole database
    finally:
        con.close()


def write_backup(db: Path, revision: str | None) -> Path:
    """A whole copy of `db` beside it, or none: copied to a name of this process, flushed to disk,
    then renamed, so a kill mid-copy never leaves a truncated file under the backup's name (the
    next migration of `db` clears such a partial copy)."""
    import re
    import shutil

    from japan_nato import scratch

    scratch.remove_stale(db.parent, re.compile(rf"\.{re.escape(db.name)}\.backup\.(?P<pid>\d+)\.partial"))
    _checkpoint(db)
    saved = backup_path(db, revision)
    partial = db.with_name(f".{db.name}.backup.{os.getpid()}.partial")
    try:
        shutil.copyfile(db, partial)
        shutil.copystat(db, partial)
        with open(partial, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, saved)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(db.parent)
    return saved


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)  # the rename itself reaches the disk
    finally:
        os.close(fd)


def _direction(db: Path, before: str | None, target: str | None, direction: str | None, to: str) -> bool:
    """True for forward; refuses the way the command does not go (`upgrade --to` an older revision)."""
    order = [None] + [r.revision for r in revisions()]
    forward = order.index(target) > order.index(before)
    if direction == "up" and not forward:
        raise MigrationError(
            f"{db} is at {before}, newer than {to}; upgrade only moves forward: "
            f"use `japan-nato downgrade {db} --to {to}`"
        )
    if direction == "down" and forward:
        raise MigrationError(
            f"{db} is at {before or 'base'}, older than {to}; downgrade only moves back: "
            f"use `japan-nato upgrade {db} --to {to}`"
        )
    return forward


def migrate_file(
    db: Path | str, to: str = "head", backup: bool = True, direction: str | None = None
) -> tuple[str | None, str | None, Path | None]:
    """Move a database file to revision `to` in place, keeping every table we do not own; `direction`
    "up" or "down" refuses the other way. Writes a backup beside it first. All of it is one
    transaction: a migration that fails (a downgrade DuckDB refuses because a user's table references
    ours) changes nothing. Returns (from, to, backup). Raises MigrationError or DatabaseFileError
    (not a japan-nato database, read-only, a folder)."""
    from japan_nato import dbfiles

    db = Path(db)
    target = target_revision(to)
    before = dbfiles.require(db, writes="migrating rewrites it in place", allow_empty=True).revision
    if before == target:
        if db.with_name(db.name + ".wal").exists():  # a killed writer's log: fold it in rather than leave it
            _checkpoint(db)
        return before, target, None
    forward = _direction(db, before, target, direction, to)
    saved = write_backup(db, before) if backup else None
    try:
        _run(db, command.upgrade if forward else command.downgrade, target or "base", one_transaction=True)
    except Exception as exc:
        if saved is not None:  # one transaction, rolled back: the file is as it was, the copy is litter
            saved.unlink(missing_ok=True)
        raise MigrationError(
            f"{db}: migrating {before or 'base'} -> {target or 'base'} failed ({dbfiles.one_line(exc)}); "
            f"nothing changed, it is still at {before or 'base'}"
            + ("; drop your tables' foreign keys to ours first" if "main key table" in str(exc) else "")
        ) from exc
    return before, target, saved
