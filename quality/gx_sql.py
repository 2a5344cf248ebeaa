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
import itertools
import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from japan_nato.quality import gx_runtime
from japan_nato.quality.gx_results import column_of, result_format, to_check_results
from japan_nato.quality.results import CheckResult

_RUNS = itertools.count()  # each run adds its own GX data source to the process's one context


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
        "meta": {**expectation["meta"], "column": col, "failing_rows_when": f"({cond}) AND {where}"},
        "severity": expectation["severity"],
    }


def screening_suite(spec: dict) -> tuple[dict, list[dict]]:
    """The first pass for one table: GX's own expectations as they are, and every expectation
    translated to an unexpected-rows query folded into one that counts the rows failing any of them.

    GX's cost is per expectation (about 4 ms of dependency graph and configuration each, measured:
    docs/feedback.md), and a table's translated checks are one scan each. When the folded query
    counts no row, each of its checks has been evaluated on every row and passed; when it counts
    any, the second pass runs each of them on its own. Returns (suite spec, the folded ones)."""
    translated = [translate(e) for e in spec["expectations"]]
    native = [e for e in translated if e["type"] != "unexpected_rows_expectation"]
    folded = [e for e in translated if e["type"] == "unexpected_rows_expectation"]
    expectations = list(native)
    if folded:
        _register_row_count_expectation()
        when = " OR ".join(f"({e['meta']['failing_rows_when']})" for e in folded)
        expectations.append(
            {
                "type": "unexpected_row_count_expectation",
                "kwargs": {"unexpected_rows_query": f"SELECT * FROM {{batch}} WHERE {when}"},
                "meta": {"check": "screen", "column": "*"},
                "severity": "critical",
            }
        )
    return {**spec, "expectations": expectations}, folded


@cache
def _register_row_count_expectation() -> None:
    """GX's UnexpectedRowsExpectation runs its query twice, once counting the rows and once
    fetching them, whatever the result format. This subclass (GX registers it by its name) only
    counts, which is all a pass-or-fail answer needs."""
    from great_expectations.expectations.core.unexpected_rows_expectation import UnexpectedRowsExpectation

    class UnexpectedRowCountExpectation(UnexpectedRowsExpectation):
        metric_dependencies = ("unexpected_rows_query.row_count",)

        def _validate(self, metrics: dict, runtime_configuration=None, execution_engine=None) -> dict:
            return {"success": metrics["unexpected_rows_query.row_count"] == 0}


def _key(expectation: dict) -> tuple[str, str]:
    return expectation["meta"]["check"], expectation["meta"].get("column") or column_of(expectation["kwargs"])


def _passed(table: str, expectation: dict) -> CheckResult:
    severity = "error" if expectation["severity"] == "critical" else "warning"
    check, column = _key(expectation)
    return CheckResult(check, table, column, severity, True, "ok", [], 0, "gx-sql", expectation["type"])


def _validate_table(batch, table: str, spec: dict) -> list[CheckResult]:
    """Both passes for one table; results in the suite's order, one per expectation."""
    screen_spec, folded = screening_suite(spec)
    outcome = batch.validate(gx_runtime.suite(screen_spec), result_format={"result_format": "BOOLEAN_ONLY"})
    screened = {_key(e["expectation_config"].to_json_dict()): e.success for e in outcome.results}
    by_key: dict[tuple[str, str], CheckResult] = {}
    again = []
    for original, translated in zip(spec["expectations"], map(translate, spec["expectations"]), strict=True):
        in_folded = translated in folded
        ok = screened[("screen", "*")] if in_folded else screened[_key(translated)]
        if ok:
            by_key[_key(translated)] = _passed(table, translated)
        else:
            again.append(original)
    if again:
        detail_spec = {**spec, "expectations": again}
        detail = batch.validate(gx_runtime.suite(detail_spec, translate), result_format=result_format(spec))
        for r in to_check_results(table, detail, "gx-sql", spec):
            by_key[(r.check, r.column or "")] = r
    return [by_key[_key(translate(e))] for e in spec["expectations"]]


def validate_sql(db: Path, suites: dict[str, dict]) -> list:
    """GX over DuckDB SQL: run each table's suite in the database file. Returns CheckResults.

    Two passes per table. First a screening with GX's BOOLEAN_ONLY result format (only counts,
    which GX bundles into few queries) over `screening_suite`; then every expectation the screening
    did not pass, on its own, with the COMPLETE result format that names each failing row's key.
    Every check is evaluated on every row in the first pass; a passing table costs only that pass
    (measured for the seed data: 0.6 s against 2.1-2.6 s for one COMPLETE pass; docs/feedback.md).
    """
    _, ctx = gx_runtime.context()
    # Read-only, so the gate's plain-SQL checks can read the same file from another process meanwhile.
    source = ctx.data_sources.add_sql(
        f"japan_nato_sql_{next(_RUNS)}",
        connection_string=f"duckdb:///{Path(db).resolve()}",
        kwargs={"connect_args": {"read_only": True}},
    )
    results = []
    engines = {id(source.get_engine()): source.get_engine()}
    try:
        with buffered_results():
            for table, spec in suites.items():
                batch = source.add_table_asset(table, table_name=table).add_batch_definition_whole_table("all")
                batch = batch.get_batch()
                engines[id(batch.data.execution_engine.engine)] = batch.data.execution_engine.engine
                results += _validate_table(batch, table, spec)
    finally:
        # GX pools its connections; release the file so the caller can reopen it (DuckDB refuses a
        # second in-process connection with another configuration).
        for engine in engines.values():
            engine.dispose()
        ctx.data_sources.delete(source.name)
        gc.collect()
    return results
