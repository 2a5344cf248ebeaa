"""Alembic environment for japan-nato databases (DuckDB through duckdb-sqlalchemy).

Run through `japan_nato.schema.migrate` (the CLI and the build do); it passes the connection in
`config.attributes["connection"]`. Each revision runs in its own transaction, unless
`config.attributes["one_transaction"]`: then all of them in one, so a revision that fails undoes the
ones before it too (`migrate_file`: a refused `downgrade --to base` changes nothing). DuckDB's DDL
is transactional, so this holds for every revision.
"""

from alembic import context
from japan_nato.schema import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from japan_nato.schema.migrate import owned_tables_only
from sqlmodel import SQLModel

target_metadata = SQLModel.metadata
# Users keep their own tables beside ours: never propose to drop or alter them.
include_object = owned_tables_only(set(target_metadata.tables))


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        transaction_per_migration=not context.config.attributes.get("one_transaction", False),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("japan-nato migrations run online only: use `japan-nato upgrade PATH`")
run_migrations_online()
