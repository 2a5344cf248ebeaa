"""Counts a curator or reviewer reads: rows per table, per source, per kind; uncited rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
from japan_nato.schema import catalog
from japan_nato.schema.catalog import primary_key


def kind_columns() -> list[tuple[str, str]]:
    """The columns worth counting by value: every controlled vocabulary but date precisions, and the
    booleans curators set."""
    return [
        (c.table, c.name)
        for c in catalog.columns()
        if (c.vocabulary and c.vocabulary != "date_precision") or (c.type == "boolean" and not c.derived)
    ]


@dataclass
class Stats:
    rows: dict[str, int]
    per_source: dict[str, dict[str, int]]
    tables_cited: list[str]
    per_kind: dict[str, list[tuple]]
    uncited: list[tuple[str, str]]
    uncited_counts: dict[str, int]


def uncited_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    found = []
    for table in catalog.cited_tables():
        key = primary_key(table)[0]
        q = (
            f'SELECT t."{key}" FROM "{table}" t WHERE NOT EXISTS (SELECT 1 FROM citations c '
            f"WHERE c.record_table = '{table}' AND c.record_id = t.\"{key}\") ORDER BY 1"
        )
        found += [(table, r[0]) for r in con.execute(q).fetchall()]
    return found


def collect_stats(db: Path) -> Stats:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in catalog.table_names()}
        per_source: dict[str, dict[str, int]] = {}
        q = "SELECT source_id, record_table, count(DISTINCT record_id) FROM citations GROUP BY ALL ORDER BY ALL"
        for source, table, n in con.execute(q).fetchall():
            per_source.setdefault(source, {})[table] = n
        per_kind = {
            f"{t}.{c}": con.execute(f'SELECT "{c}", count(*) FROM "{t}" GROUP BY 1 ORDER BY 2 DESC, 1').fetchall()
            for t, c in kind_columns()
        }
        uncited = uncited_rows(con)
    finally:
        con.close()
    counts: dict[str, int] = {}
    for table, _ in uncited:
        counts[table] = counts.get(table, 0) + 1
    return Stats(rows, per_source, catalog.cited_tables(), per_kind, uncited, counts)
