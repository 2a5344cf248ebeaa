"""A connection for other people's SQL: it reads the data it was given and nothing else.

`japan-nato sql` runs whatever it is handed (a query pasted from a web page, a file piped in). DuckDB
can read and write any file the user can (`read_csv('/etc/passwd')`, `COPY ... TO`, `ATTACH`, `INSTALL`),
so a release's tables are first copied into memory (a few MB; DuckDB's allowed_directories would let
a query write into the release folder as well as read it), a database file is attached read-only,
then every file access is turned off and the configuration locked so the query cannot undo it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from japan_nato.schema.sqltext import identifier, literal

MEMORY_LIMIT = "2GB"


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No file access at all (no read, write, attach or extension install); settings locked."""
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def open_database(db: Path) -> duckdb.DuckDBPyConnection:
    """A database file, read-only, attached to a private in-memory DuckDB (so locking its settings
    touches no other connection of the process); ValueError with the fix when it is not one."""
    db = Path(db)
    if not db.exists():
        raise ValueError(f"{db}: no such database; run `japan-nato build` or give the path of a DuckDB file")
    if not db.is_file():
        raise ValueError(f"{db}: is a folder, not a DuckDB file")
    con = duckdb.connect()
    name = identifier(db.stem)
    try:
        con.execute(f"ATTACH {literal(str(db.resolve()))} AS {name} (READ_ONLY)")
        con.execute(f"USE {name}")
    except duckdb.Error as exc:
        con.close()
        raise ValueError(f"{db}: cannot be opened as a DuckDB database ({str(exc).splitlines()[0]})") from None
    return con


def open_for_query(
    version: str, releases: Path | None, db: Path | None, allow_external: bool
) -> duckdb.DuckDBPyConnection:
    """A release (views over its parquet) or a database file, locked down unless `allow_external`."""
    from japan_nato.releases import ReleaseError, connect

    if db is not None:
        con = open_database(db)
        return con if allow_external else lock_down(con)
    try:
        con = connect(version, releases)
    except ReleaseError as exc:
        raise ValueError(str(exc)) from None
    return con if allow_external else lock_down(_in_memory(con))


def _in_memory(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Each view over a parquet file replaced by a table holding its rows, so no query needs a file."""
    views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    for view in views:
        name, copy = identifier(view), identifier(f"{view}__rows")
        con.execute(f"CREATE TABLE {copy} AS SELECT * FROM {name}")
        con.execute(f"DROP VIEW {name}")
        con.execute(f"ALTER TABLE {copy} RENAME TO {name}")
    return con
