"""DDL that works within DuckDB's limits, for migrations.

DuckDB refuses to drop or rename a column, change its nullability or drop the table while another
table holds a FOREIGN KEY to it ("Cannot alter entry ... because there are entries that depend on
it"). Our tables declare no foreign keys, but users add their own tables that reference ours.
`altering(conn, table)` detaches those dependents for the length of an alteration: it copies each
one (and the tables that depend on it in turn) aside, drops them, lets the caller alter, then
recreates each from its own DDL and indexes and copies the rows back, all inside the migration's
transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.engine import Connection


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(conn: Connection, sql: str, *params) -> list[tuple]:
    return [tuple(r) for r in conn.exec_driver_sql(sql, tuple(params)).fetchall()]


def dependents(conn: Connection, table: str) -> list[str]:
    """Tables that reference `table` by foreign key, directly or through each other; the tables
    furthest from `table` come first (the order they can be dropped in)."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        refs = _rows(
            conn,
            "SELECT DISTINCT table_name FROM duckdb_constraints() WHERE constraint_type = "
            "'FOREIGN KEY' AND referenced_table = ? AND table_name <> ?",
            name,
            name,
        )
        for (ref,) in refs:
            if ref in path:
                continue
            visit(ref, path + (ref,))
            if ref not in order:
                order.append(ref)

    visit(table, (table,))
    return order


@contextmanager
def altering(conn: Connection, table: str):
    """Detach the tables that depend on `table` while the body alters it; restore them after."""
    deps = dependents(conn, table)
    saved = []
    for dep in deps:  # furthest first, so nothing still references a table when it is dropped
        ddl = _rows(conn, "SELECT sql FROM duckdb_tables() WHERE table_name = ?", dep)[0][0]
        indexes = [
            r[0] for r in _rows(conn, "SELECT sql FROM duckdb_indexes() WHERE table_name = ? AND sql IS NOT NULL", dep)
        ]
        backup = f"_japan_nato_detached_{dep}"
        conn.exec_driver_sql(f"CREATE TABLE {_q(backup)} AS SELECT * FROM {_q(dep)}")
        saved.append((dep, ddl, indexes, backup))
    for dep, *_ in saved:
        conn.exec_driver_sql(f"DROP TABLE {_q(dep)}")
    yield deps
    for dep, ddl, indexes, backup in reversed(saved):  # nearest first: what they reference exists again
        conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(f"INSERT INTO {_q(dep)} SELECT * FROM {_q(backup)}")
        for index in indexes:
            conn.exec_driver_sql(index)
        conn.exec_driver_sql(f"DROP TABLE {_q(backup)}")


def rebuild(
    conn: Connection, table: str, add: dict[str, tuple[str, str]] | None = None, drop: list[str] | None = None
) -> None:
    """Rebuild-and-copy `table` with columns added and/or dropped, keeping its primary key and UNIQUE
    constraints and the tables that reference it.

    add: column -> (SQL type with constraints, SQL expression over the old row that fills it).
    Used where DuckDB cannot ALTER in place: dropping a column of a referenced table, or a NOT NULL
    column filled in the same transaction ("Cannot create index with outstanding updates").
    """
    add, drop = add or {}, drop or []
    info = _rows(conn, f"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY cid")
    kept = [(name, type_, notnull, pk) for name, type_, notnull, pk in info if name not in drop]
    missing = set(drop) - {name for name, *_ in info}
    if missing:
        raise ValueError(f"{table} has no column(s) {sorted(missing)}")
    columns = [f"{_q(n)} {t}{' NOT NULL' if nn and not pk else ''}" for n, t, nn, pk in kept]
    columns += [f"{_q(n)} {spec}" for n, (spec, _) in add.items()]
    pk_cols = [n for n, _, _, pk in kept if pk]
    constraints = [f"PRIMARY KEY ({', '.join(map(_q, pk_cols))})"] if pk_cols else []
    for (text,) in _rows(
        conn,
        "SELECT constraint_text FROM duckdb_constraints() WHERE table_name = ? AND constraint_type = 'UNIQUE'",
        table,
    ):
        if not any(_q(c) in text or f"({c}" in text or f" {c}," in text or f" {c})" in text for c in drop):
            constraints.append(text)
    new = f"_japan_nato_rebuild_{table}"
    select = [_q(n) for n, *_ in kept] + [expr for _, (_, expr) in add.items()]
    with altering(conn, table):
        conn.exec_driver_sql(f"CREATE TABLE {_q(new)} ({', '.join(columns + constraints)})")
        conn.exec_driver_sql(f"INSERT INTO {_q(new)} SELECT {', '.join(select)} FROM {_q(table)}")
        conn.exec_driver_sql(f"DROP TABLE {_q(table)}")
        conn.exec_driver_sql(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
