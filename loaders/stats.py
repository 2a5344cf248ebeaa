"""Counts a curator or reviewer reads: rows per table, per source, per kind; uncited rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
from japan_nato.schema.models import CITED_TABLES, TABLES, primary_key

KIND_COLUMNS = [
    ("actors", "kind"),
    ("events", "kind"),
    ("events", "status"),
    ("agreements", "kind"),
    ("agreements", "status"),
    ("memberships", "status"),
    ("budgets", "basis"),
    ("statements", "is_verbatim"),
    ("event_actors", "role"),
    ("quantities", "unit"),
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
    for table in CITED_TABLES:
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
        rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        per_source: dict[str, dict[str, int]] = {}
        q = "SELECT source_id, record_table, count(DISTINCT record_id) FROM citations GROUP BY ALL ORDER BY ALL"
        for source, table, n in con.execute(q).fetchall():
            per_source.setdefault(source, {})[table] = n
        per_kind = {
            f"{t}.{c}": con.execute(f'SELECT "{c}", count(*) FROM "{t}" GROUP BY 1 ORDER BY 2 DESC, 1').fetchall()
            for t, c in KIND_COLUMNS
        }
        uncited = uncited_rows(con)
    finally:
        con.close()
    counts: dict[str, int] = {}
    for table, _ in uncited:
        counts[table] = counts.get(table, 0) + 1
    return Stats(rows, per_source, CITED_TABLES, per_kind, uncited, counts)
