"""Checks of who says so and how sure (schema revision 3), as DuckDB SQL: the rules that compare a
row with its citations or one column with another, which GX cannot express.

- a value declared `in_evidence` (a hedge) occurs in one of its row's evidence excerpts;
- a verbatim quote is a reported actor's or a relayed one, never the article author's own words;
- the author's own analysis has the article's author or publisher as its speaker;
- a figure's qualifier agrees with its low and high (at least / over: no high; at most / under: no
  low; exact: both, as printed).
"""

from __future__ import annotations

from japan_nato.schema import catalog


def in_evidence_sql(table: str, column: str) -> str:
    key = catalog.table(table).key
    return (
        f"SELECT t.\"{key}\", '{column}', '{column} ' || t.\"{column}\" || ' is in no evidence excerpt of the row' "
        f'FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM citations c '
        f'WHERE c.record_table = \'{table}\' AND c.record_id = t."{key}" AND contains(c.evidence, t."{column}")) '
        "ORDER BY 1"
    )


VERBATIM_NOT_AUTHOR_SQL = """
SELECT statement_id, 'asserted_by', 'a verbatim quote asserted by the author' FROM statements
WHERE is_verbatim AND asserted_by = 'author' ORDER BY 1
"""

# The author's own analysis is the article's: its speaker is the author or the publisher of an
# article that cites it (an actor's words are asserted_by actor; someone else's report, relayed).
AUTHOR_IS_THE_ARTICLES_SQL = """
SELECT s.statement_id, 'speaker_id', 'asserted by the author, but ' || s.speaker_id
       || ' is neither the author nor the publisher of an article citing it'
FROM statements s
WHERE s.asserted_by = 'author' AND NOT EXISTS (
    SELECT 1 FROM citations c JOIN sources src ON src.source_id = c.source_id
    WHERE c.record_table = 'statements' AND c.record_id = s.statement_id
      AND s.speaker_id IN (src.author_actor_id, src.publisher_actor_id))
ORDER BY 1
"""

QUALIFIER_SQL = """
SELECT quantity_id, 'qualifier', qualifier || ' with low ' || coalesce(CAST(low AS VARCHAR), 'NULL') || ', high '
       || coalesce(CAST(high AS VARCHAR), 'NULL')
FROM quantities
WHERE (qualifier IN ('at_least', 'over') AND (low IS NULL OR high IS NOT NULL))
   OR (qualifier IN ('at_most', 'under') AND (high IS NULL OR low IS NOT NULL))
   OR (qualifier = 'exact' AND (low IS NULL OR high IS NULL))
ORDER BY 1
"""


def evidence_columns() -> list[tuple[str, str]]:
    return [(c.table, c.name) for c in catalog.columns() if c.in_evidence]
