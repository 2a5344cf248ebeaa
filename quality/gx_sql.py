"""Great Expectations over DuckDB SQL (through duckdb-sqlalchemy), for the gate benchmark and
`japan-nato check --engine sql`.

Two things GX 1.24 does not do for DuckDB by itself:
- Its SqlAlchemyExecutionEngine returns a cursor after closing the connection; with DuckDB the cursor
  is the connection, and the ROLLBACK on close discards the unread result (MetricResolutionError:
  list index out of range; GX issue #10738). `buffered_results()` fetches the rows before the close.
- Regex expectations and pandas row conditions do not run on SQL; they are translated here into
  unexpected-rows SQL expectations using DuckDB's regexp_matches.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def buffered_results():
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    original = SqlAlchemyExecutionEngine.execute_query

    def execute_query(self, query):
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            # Fetch everything while the connection is open: FrozenResult() replays the rows.
            return result.freeze()() if result.returns_rows else result

    SqlAlchemyExecutionEngine.execute_query = execute_query
    try:
        yield
    finally:
        SqlAlchemyExecutionEngine.execute_query = original


_COND = re.compile(r'^(\w+(?:\.\w+\(\))?)\s*(==|!=)\s*"([^"]*)"$')


def _condition_sql(kwargs: dict) -> str:
    cond = kwargs.get("row_condition")
    if not cond:
        return "TRUE"
    if cond.endswith(".notnull()"):
        return f'"{cond.removesuffix(".notnull()")}" IS NOT NULL'
    m = _COND.match(cond)
    if not m:
        raise ValueError(f"cannot translate row condition {cond!r} to SQL")
    col, op, value = m.groups()
    return f"\"{col}\" {'=' if op == '==' else '<>'} '{value}'"


def translate(expectation: dict) -> dict:
    """A suite-file expectation -> one that runs on GX's SQL engine (same meaning)."""
    kind, kw = expectation["type"], dict(expectation["kwargs"])
    cond = _condition_sql(kw)
    col = kw.get("column")
    # GX fills {batch} with str.format, so the regex's own braces ({4}, {1,2}) must be doubled.
    regex = kw.get("regex", "").replace("{", "{{").replace("}", "}}")
    where = None
    if kind == "expect_column_values_to_match_regex":
        where = f'"{col}" IS NOT NULL AND NOT regexp_matches(CAST("{col}" AS VARCHAR), \'{regex}\')'
    elif kind == "expect_column_values_to_not_match_regex":
        where = f'"{col}" IS NOT NULL AND regexp_matches(CAST("{col}" AS VARCHAR), \'{regex}\')'
    elif kw.get("row_condition") and kind == "expect_column_values_to_be_null":
        where = f'"{col}" IS NOT NULL'
    elif kw.get("row_condition") and kind == "expect_column_values_to_not_be_null":
        where = f'"{col}" IS NULL'
    if where is None:
        kw.pop("row_condition", None)
        kw.pop("condition_parser", None)
        return {**expectation, "kwargs": kw}
    query = f"SELECT * FROM {{batch}} WHERE ({cond}) AND {where}"
    return {
        "type": "unexpected_rows_expectation",
        "kwargs": {"unexpected_rows_query": query, "description": expectation["meta"]["check"]},
        "meta": {**expectation["meta"], "column": col},
        "severity": expectation["severity"],
    }


def validate_sql(db: Path, suites: dict[str, dict]) -> list:
    """GX over DuckDB SQL: run each table's suite in the database file. Returns CheckResults."""
    from japan_nato.quality.gx_suites import _context, build_suite, result_format, to_check_results

    gx, ctx = _context()
    source = ctx.data_sources.add_sql("japan_nato_sql", connection_string=f"duckdb:///{Path(db).resolve()}")
    results = []
    engines = {id(source.get_engine()): source.get_engine()}
    try:
        with buffered_results():
            for table, spec in suites.items():
                batch = (
                    source.add_table_asset(table, table_name=table).add_batch_definition_whole_table("all").get_batch()
                )
                engine = batch.data.execution_engine.engine
                engines[id(engine)] = engine
                outcome = batch.validate(build_suite(gx, spec, translate), result_format=result_format(table))
                results += to_check_results(table, outcome, "gx-sql", spec)
    finally:
        # GX pools its connections; release the file so the caller can reopen it (DuckDB refuses a
        # second in-process connection with another configuration).
        for engine in engines.values():
            engine.dispose()
        del batch, source, ctx
        gc.collect()
    return results
