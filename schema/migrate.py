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

    env_include = _include_owned(set(SQLModel.metadata.tables))
    ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": env_include})
    return compare_metadata(ctx, SQLModel.metadata)


def _include_owned(owned: set[str]):
    def include(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            return name in owned
        table = getattr(obj, "table", None)
        return table is None or table.name in owned

    return include
