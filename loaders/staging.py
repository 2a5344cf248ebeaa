"""Staging: the rows of every file, appended batch by batch into DuckDB, with where each came from.

Each table has a staging twin `_stage_<table>` with the same columns, no constraints (a duplicate
must be storable to be reported) and four provenance columns (`_file`, `_line`, `_record`,
`_path`). Mentions and records that failed validation have tables of their own. Rows arrive
through Arrow, never one by one; the Python side holds one batch at a time, so memory is bounded by
the largest batch, not by the dataset. After the checks pass, `publish_rows` copies each table's
distinct rows into the real table and drops the staging tables, inside the build's transaction.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from japan_nato.loaders.explode import Batch
from japan_nato.schema import catalog
from japan_nato.schema.arrow import arrow_schema

PROVENANCE = pa.schema(
    [
        ("_file", pa.string()),
        ("_line", pa.int32()),  # where the row starts
        ("_record", pa.string()),  # the record it belongs to, as messages name it: events[<id>]
        ("_path", pa.string()),  # where in that record: '' for the record, 'actors.0' for a link row
        ("_key_lines", pa.map_(pa.string(), pa.int32())),  # the line of each field, for messages
    ]
)
MENTIONS = pa.schema([("record_table", pa.string()), ("record_id", pa.string()), *PROVENANCE])
FAILED = pa.schema([("table", pa.string()), ("id", pa.string())])


def stage_name(table: str) -> str:
    return f"_stage_{table}"


def _stage_schema(table: str) -> pa.Schema:
    fields = [f.with_nullable(True) for f in arrow_schema(table)]
    return pa.schema(fields + list(PROVENANCE))


SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.map_(pa.string(), pa.int32()): "MAP(VARCHAR, INTEGER)",
}


def _ddl(name: str, schema: pa.Schema) -> str:
    cols = ", ".join(f'"{f.name}" {SQL_TYPES[f.type]}' for f in schema)
    return f'CREATE TABLE "{name}" ({cols});'


def create_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Every staging table, in one statement batch (one round trip, not seventeen)."""
    ddl = [_ddl(stage_name(t), _stage_schema(t)) for t in catalog.table_names()]
    con.execute(" ".join([*ddl, _ddl("_stage_mentions", MENTIONS), _ddl("_stage_failed", FAILED)]))


def _insert(con, name: str, rows: list[dict], schema: pa.Schema) -> None:
    if not rows:
        return
    con.register("_incoming", pa.Table.from_pylist(rows, schema=schema))
    con.execute(f'INSERT INTO "{name}" SELECT * FROM _incoming')
    con.unregister("_incoming")


def append(con: duckdb.DuckDBPyConnection, batch: Batch) -> int:
    """Stage a batch's rows; returns how many. The batch's lists are emptied for reuse."""
    n = batch.size()
    for table, rows in batch.rows.items():
        _insert(con, stage_name(table), rows, _stage_schema(table))
        rows.clear()
    _insert(con, "_stage_mentions", batch.mentions, MENTIONS)
    _insert(con, "_stage_failed", batch.failed, FAILED)
    batch.mentions.clear()
    batch.failed.clear()
    return n


def publish_rows(con: duckdb.DuckDBPyConnection, vocabularies: list[dict]) -> dict[str, int]:
    """Staged rows -> the real tables (link rows and citations several files state, once each)."""
    counts = {}
    for table in catalog.table_names():
        cols = ", ".join(f'"{c.name}"' for c in catalog.table(table).columns)
        # Migrations may seed rows (revision 0002 adds the role_class vocabulary for upgraded
        # databases); in a build the curated files are the whole truth, so they replace them.
        con.execute(f'DELETE FROM "{table}"')
        if table == "vocabularies":
            con.register("_incoming", pa.Table.from_pylist(vocabularies, schema=arrow_schema(table)))
            con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
            con.unregister("_incoming")
        else:
            con.execute(f'INSERT INTO "{table}" ({cols}) SELECT DISTINCT {cols} FROM "{stage_name(table)}"')
        counts[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    drop_staging(con)
    return counts


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in catalog.table_names():
        con.execute(f'DROP TABLE IF EXISTS "{stage_name(table)}"')
    con.execute('DROP TABLE IF EXISTS "_stage_mentions"')
    con.execute('DROP TABLE IF EXISTS "_stage_failed"')
