"""Schema migrations: the only way tables are created or changed.

Thin wrappers over Alembic so the build, the CLI and the tests share one configuration.
"""

from __future__ import annotations

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


def _run(db_path: Path | str, fn, *args, **kwargs):
    cfg = alembic_config()
    with connect(db_path) as conn:
        cfg.attributes["connection"] = conn
        result = fn(cfg, *args, **kwargs)
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


def migrate_file(db: Path | str, to: str = "head", backup: bool = True) -> tuple[str | None, str | None, Path | None]:
    """Move a database file to revision `to` (forward or back) in place, keeping every table we do not
    own. Writes a backup beside it first. Returns (from, to, backup)."""
    import shutil

    db = Path(db)
    if not db.is_file():
        raise MigrationError(f"{db}: no such database file")
    known = {r.revision for r in revisions()} | {"head", "base"}
    if to not in known:
        raise MigrationError(f"unknown revision {to!r}; `japan-nato migrations` lists them")
    before = current_revision(db)
    target = head_revision() if to == "head" else (None if to == "base" else to)
    if before == target:
        return before, target, None
    saved = None
    if backup:
        _checkpoint(db)
        saved = backup_path(db, before)
        shutil.copy2(db, saved)
    order = [r.revision for r in revisions()]
    forward = target is not None and (before is None or order.index(target) > order.index(before))
    try:
        (upgrade if forward else downgrade)(db, target or "base")
    except Exception as exc:
        raise MigrationError(
            f"{db}: migrating {before or 'base'} -> {target or 'base'} failed: {exc}; the file is at "
            f"revision {current_revision(db) or 'base'}; the backup is {saved}"
        ) from exc
    return before, target, saved
