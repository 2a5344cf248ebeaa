"""Integrity checks as DuckDB SQL: the checks Great Expectations expresses badly.

Each check is a query returning the failing rows as (key, column, observed). References across
tables, the (record_table, record_id) pairs of citations and quantities, composite keys, citation
coverage, evidence found in the source texts, orphan actors, and the date rules that compare a row
with another table (an event that occurred is not dated after the source reporting it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
from japan_nato.schema import catalog
from japan_nato.schema.catalog import primary_key


@dataclass(frozen=True)
class Failure:
    key: str
    column: str | None
    observed: str


@dataclass(frozen=True)
class SqlCheck:
    name: str
    table: str
    severity: str  # error | warning
    description: str
    run: Callable[[duckdb.DuckDBPyConnection, dict[str, str]], list[Failure] | None]
    column: str | None = None
    # run() returns None when it could not run (e.g. no source texts): reported as skipped.


def _rows(con, sql: str) -> list[Failure]:
    return [Failure(str(k), c, str(o)) for k, c, o in con.execute(sql).fetchall()]


def _query_check(sql: str):
    return lambda con, texts: _rows(con, sql)


def composite_keys() -> list[tuple[str, tuple[str, ...]]]:
    """Natural composite keys kept beside the single-column IDs (the models' UNIQUE constraints and
    declared natural keys) and the compound primary keys."""
    keys = [(t.name, u) for t in catalog.tables() for u in t.unique]
    keys += [(t.name, t.info.natural_key) for t in catalog.tables() if t.info.natural_key]
    keys += [(t.name, t.primary_key) for t in catalog.tables() if len(t.primary_key) > 1]
    return keys


def _reference_check(table: str, column: str, target: str) -> SqlCheck:
    key, target_key = primary_key(table)[0], primary_key(target)[0]
    sql = (
        f'SELECT t."{key}", \'{column}\', t."{column}" FROM "{table}" t '
        f'WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
        f'(SELECT 1 FROM "{target}" r WHERE r."{target_key}" = t."{column}") ORDER BY 1'
    )
    return SqlCheck(
        f"reference_resolves:{column}",
        table,
        "error",
        f"{table}.{column} names an existing {target}.{target_key}",
        _query_check(sql),
        column,
    )


def _polymorphic_check(table: str, allowed: list[str]) -> SqlCheck:
    """(record_table, record_id) must name an existing row of an allowed table."""
    unions = " UNION ALL ".join(
        f'SELECT \'{t}\' AS record_table, "{primary_key(t)[0]}" AS record_id FROM "{t}"' for t in allowed
    )
    key = primary_key(table)[0]
    sql = (
        f"WITH targets AS ({unions}) SELECT x.\"{key}\", 'record_id', x.record_table || '/' || x.record_id "
        f'FROM "{table}" x WHERE x.record_id IS NOT NULL '
        f"AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.record_table = x.record_table "
        f"AND t.record_id = x.record_id) ORDER BY 1"
    )
    return SqlCheck(
        "record_reference_resolves",
        table,
        "error",
        f"({table}.record_table, record_id) names an existing row of one of {', '.join(allowed)}",
        _query_check(sql),
        "record_id",
    )


def _composite_key_check(table: str, cols: tuple[str, ...]) -> SqlCheck:
    joined = " || ' | ' || ".join(f"coalesce(CAST(\"{c}\" AS VARCHAR), 'NULL')" for c in cols)
    sql = (
        f"SELECT {joined}, '{','.join(cols)}', count(*) || ' rows' FROM \"{table}\" "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY 1"
    )
    return SqlCheck("composite_key_unique", table, "error", f"({', '.join(cols)}) is unique", _query_check(sql))


def _cited_check(table: str) -> SqlCheck:
    key = primary_key(table)[0]
    sql = (
        f'SELECT t."{key}", NULL, \'no citation\' FROM "{table}" t WHERE NOT EXISTS (SELECT 1 FROM citations c '
        f"WHERE c.record_table = '{table}' AND c.record_id = t.\"{key}\") ORDER BY 1"
    )
    return SqlCheck("row_is_cited", table, "error", f"every {table} row has at least one citation", _query_check(sql))


def _evidence_in_source(con, texts: dict[str, str]) -> list[Failure] | None:
    if not texts:
        return None
    rows = con.execute("SELECT citation_id, source_id, evidence FROM citations ORDER BY 1").fetchall()
    return [
        Failure(cid, "evidence", f"not found in {sid}: {ev[:80]!r}")
        for cid, sid, ev in rows
        if sid in texts and ev not in texts[sid]
    ]


def _verbatim_in_source(con, texts: dict[str, str]) -> list[Failure] | None:
    if not texts:
        return None
    rows = con.execute(
        "SELECT s.statement_id, s.text, list(c.source_id) FROM statements s JOIN citations c "
        "ON c.record_table = 'statements' AND c.record_id = s.statement_id WHERE s.is_verbatim "
        "GROUP BY ALL ORDER BY 1"
    ).fetchall()
    failures = []
    for sid, text, cited in rows:
        available = [s for s in cited if s in texts]
        if available and not any(text in texts[s] for s in available):
            failures.append(Failure(sid, "text", f"verbatim text not in {', '.join(available)}: {text[:80]!r}"))
    return failures


def _source_hash(con, texts: dict[str, str]) -> list[Failure] | None:
    if not texts:
        return None
    import hashlib

    rows = con.execute("SELECT source_id, sha256 FROM sources ORDER BY 1").fetchall()
    failures = []
    for sid, expected in rows:
        if sid not in texts:
            failures.append(Failure(sid, "file", "source text missing from the sources directory"))
            continue
        actual = hashlib.sha256(texts[sid].encode("utf-8")).hexdigest()
        if actual != expected:
            failures.append(Failure(sid, "sha256", f"text hashes to {actual}, not {expected}"))
    return failures


def orphan_sql() -> str:
    """Actors no row points at. A reference from a table written inside actors' own records (their
    aliases) does not connect an actor to anything."""
    own = {name for name, _ in catalog.nested_in("actors")}
    used = " UNION ".join(
        f'SELECT "{column}" AS a FROM "{table}"'
        for table, column, target in catalog.references()
        if target == "actors" and table not in own
    )
    return (
        f"WITH used AS ({used}) SELECT actor_id, NULL, 'named by no row of any other table' "
        "FROM actors WHERE actor_id NOT IN (SELECT a FROM used WHERE a IS NOT NULL) ORDER BY 1"
    )


# An event that occurred cannot be dated after the latest day its reporting source could have been
# published: compare the event's start with the end of the source's publication period.
OCCURRED_AFTER_SOURCE_SQL = """
WITH src AS (
    SELECT source_id, CASE published_on_precision
        WHEN 'day' THEN published_on WHEN 'month' THEN published_on + INTERVAL 1 MONTH - INTERVAL 1 DAY
        WHEN 'year' THEN published_on + INTERVAL 1 YEAR - INTERVAL 1 DAY
        WHEN 'decade' THEN published_on + INTERVAL 10 YEAR - INTERVAL 1 DAY END AS latest
    FROM sources WHERE published_on IS NOT NULL)
SELECT e.event_id, 'start_on', CAST(e.start_on AS VARCHAR) || ' is after ' || c.source_id || ' (' ||
       CAST(CAST(s.latest AS DATE) AS VARCHAR) || ')'
FROM events e JOIN citations c ON c.record_table = 'events' AND c.record_id = e.event_id
JOIN src s ON s.source_id = c.source_id
WHERE e.status = 'occurred' AND e.start_on > s.latest ORDER BY 1
"""


def _attribution_checks() -> list[SqlCheck]:
    from japan_nato.quality import attribution_checks as a

    checks = [
        SqlCheck(
            f"{column}_in_evidence",
            table,
            "error",
            f"{table}.{column} occurs in one of the row's evidence excerpts",
            _query_check(a.in_evidence_sql(table, column)),
            column,
        )
        for table, column in a.evidence_columns()
    ]
    declared = {(c.table, c.name) for c in catalog.columns()}
    if ("statements", "asserted_by") in declared:
        checks.append(
            SqlCheck(
                "verbatim_quote_is_not_the_authors",
                "statements",
                "error",
                "a verbatim quote is a reported actor's or a relayed one, not the author's",
                _query_check(a.VERBATIM_NOT_AUTHOR_SQL),
                "asserted_by",
            )
        )
        checks.append(
            SqlCheck(
                "authors_statement_is_the_articles",
                "statements",
                "error",
                "a statement asserted by the author has the citing article's author or publisher as speaker",
                _query_check(a.AUTHOR_IS_THE_ARTICLES_SQL),
                "speaker_id",
            )
        )
    if ("quantities", "qualifier") in declared:
        checks.append(
            SqlCheck(
                "qualifier_matches_low_high",
                "quantities",
                "error",
                "at least / over: low and no high; at most / under: high and no low; exact: both",
                _query_check(a.QUALIFIER_SQL),
                "qualifier",
            )
        )
    return checks


def sql_checks() -> list[SqlCheck]:
    checks: list[SqlCheck] = [_reference_check(t, c, r) for t, c, r in catalog.references()]
    checks += _attribution_checks()
    checks += [_polymorphic_check(t, allowed) for t, _, _, allowed in catalog.polymorphic()]
    checks += [_composite_key_check(t, cols) for t, cols in composite_keys()]
    checks += [_cited_check(t) for t in catalog.cited_tables()]
    checks += [
        SqlCheck(
            "evidence_in_source",
            "citations",
            "error",
            "every evidence excerpt occurs character for character in its source text",
            _evidence_in_source,
        ),
        SqlCheck(
            "verbatim_quote_in_source",
            "statements",
            "error",
            "every verbatim statement occurs character for character in a cited source",
            _verbatim_in_source,
        ),
        SqlCheck(
            "source_sha256_matches",
            "sources",
            "error",
            "each source text's sha256 matches the recorded one",
            _source_hash,
        ),
        SqlCheck(
            "no_orphan_actor",
            "actors",
            "warning",
            "every actor takes part in some role, membership, agreement, event, budget or statement",
            _query_check(orphan_sql()),
        ),
        SqlCheck(
            "occurred_not_after_source",
            "events",
            "error",
            "an event that occurred is not dated after the source reporting it",
            _query_check(OCCURRED_AFTER_SOURCE_SQL),
        ),
    ]
    return checks
