"""Great Expectations suites, one per table, kept as reviewable JSON in `quality/expectations/`.

The suites are derived from the table models and the controlled vocabularies (`suite_for`), written
with `japan-nato suites --write`, and a test fails when the committed files and the derivation
differ, so a vocabulary change cannot silently skip the gate. The gate runs the committed files.

The gate runs GX over DuckDB SQL by default (`japan_nato.quality.gx_sql`): measured 7-8x faster than
GX over pandas at 1M rows with under half the memory (docs/quality-benchmark.md). The pandas path is
kept (`--engine pandas`); for it dates are handed to GX as ISO strings so the precision rules can be
regexes, as they are on SQL through regexp_matches.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from japan_nato.loaders.records import SLUG_RE
from japan_nato.schema.models import CITED_TABLES, TABLES, primary_key

SUITES_DIR = Path(__file__).parent / "expectations"

VOCAB_COLUMNS = {
    ("sources", "published_on_precision"): "date_precision",
    ("actors", "kind"): "actor_kind",
    ("actor_roles", "role_class"): "role_class",
    ("actor_roles", "start_precision"): "date_precision",
    ("actor_roles", "end_precision"): "date_precision",
    ("actor_roles", "observed_precision"): "date_precision",
    ("memberships", "status"): "membership_status",
    ("memberships", "start_precision"): "date_precision",
    ("memberships", "end_precision"): "date_precision",
    ("agreements", "kind"): "agreement_kind",
    ("agreements", "status"): "agreement_status",
    ("agreements", "signed_precision"): "date_precision",
    ("agreement_parties", "role"): "agreement_party_role",
    ("events", "kind"): "event_kind",
    ("events", "status"): "event_status",
    ("events", "date_precision"): "date_precision",
    ("event_actors", "role"): "event_actor_role",
    ("quantities", "unit"): "quantity_unit",
    ("budgets", "basis"): "budget_basis",
    ("budgets", "currency"): "currency",
    ("budgets", "period_precision"): "date_precision",
    ("statements", "said_precision"): "date_precision",
}
# (table, date column, precision column, date required when precision is known)
DATED = [
    ("sources", "published_on", "published_on_precision", True),
    ("actor_roles", "start_on", "start_precision", True),
    ("actor_roles", "end_on", "end_precision", True),
    ("actor_roles", "observed_on", "observed_precision", True),
    ("memberships", "start_on", "start_precision", True),
    ("memberships", "end_on", "end_precision", True),
    ("agreements", "signed_on", "signed_precision", True),
    ("events", "start_on", "date_precision", True),
    ("events", "end_on", "date_precision", False),
    ("budgets", "period_start", "period_precision", True),
    ("statements", "said_on", "said_precision", True),
]
SPANS = [
    ("actor_roles", "end_on", "start_on"),
    ("memberships", "end_on", "start_on"),
    ("events", "end_on", "start_on"),
    ("budgets", "period_end", "period_start"),
]
PRECISION_REGEX = {"month": r"^\d{4}-\d{2}-01$", "year": r"^\d{4}-01-01$", "decade": r"^\d{3}0-01-01$"}
PADDED = r"^\s|\s$|^$"


def _e(type_: str, check: str, severity: str = "critical", **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"check": check}, "severity": severity}


def _when(precision_col: str, value: str, negate: bool = False) -> dict:
    op = "!=" if negate else "=="
    return {"row_condition": f'{precision_col}{op}"{value}"', "condition_parser": "pandas"}


def suite_for(table: str) -> dict:
    """The expectation suite for one table, derived from its model and the vocabularies."""
    from japan_nato.schema.vocab import VOCABULARIES

    cols = TABLES[table].__table__.columns
    pk = primary_key(table)
    ex: list[dict] = []
    if len(pk) == 1:
        ex.append(_e("expect_column_values_to_be_unique", "primary_key_unique", column=pk[0]))
    else:
        ex.append(_e("expect_compound_columns_to_be_unique", "primary_key_unique", column_list=pk))
    if table not in ("citations", "vocabularies"):
        ex.append(_e("expect_column_values_to_match_regex", "id_is_slug", column=pk[0], regex=SLUG_RE.pattern))
    for c in cols:
        if not c.nullable:
            ex.append(_e("expect_column_values_to_not_be_null", "not_null", column=c.name))
    for c in cols:
        if getattr(c.type, "impl", c.type).python_type is str:
            ex.append(
                _e("expect_column_values_to_not_match_regex", "text_not_empty_or_padded", column=c.name, regex=PADDED)
            )
    for (t, col), vocab in VOCAB_COLUMNS.items():
        if t == table:
            ex.append(
                _e(
                    "expect_column_values_to_be_in_set",
                    f"accepted_values:{vocab}",
                    column=col,
                    value_set=list(VOCABULARIES[vocab]),
                )
            )
    if table == "citations":
        ex.append(
            _e(
                "expect_column_values_to_be_in_set",
                "accepted_values:record_table",
                column="record_table",
                value_set=CITED_TABLES,
            )
        )
    if table == "quantities":
        ex.append(
            _e(
                "expect_column_values_to_be_in_set",
                "accepted_values:record_table",
                column="record_table",
                value_set=["events", "budgets"],
            )
        )
        ex.append(
            _e(
                "expect_column_pair_values_a_to_be_greater_than_b",
                "low_not_above_high",
                column_A="high",
                column_B="low",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    for t, date_col, prec, required in DATED:
        if t != table:
            continue
        for precision, regex in PRECISION_REGEX.items():
            ex.append(
                _e(
                    "expect_column_values_to_match_regex",
                    f"{precision}_date_is_period_start",
                    column=date_col,
                    regex=regex,
                    **_when(prec, precision),
                )
            )
        ex.append(
            _e(
                "expect_column_values_to_be_null",
                "unknown_precision_has_no_date",
                column=date_col,
                **_when(prec, "unknown"),
            )
        )
        if required:
            ex.append(
                _e(
                    "expect_column_values_to_not_be_null",
                    "known_precision_has_date",
                    column=date_col,
                    **_when(prec, "unknown", negate=True),
                )
            )
    for t, end, start in SPANS:
        if t == table:
            ex.append(
                _e(
                    "expect_column_pair_values_a_to_be_greater_than_b",
                    "end_not_before_start",
                    column_A=end,
                    column_B=start,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            )
    if table == "budgets":
        ex.append(
            _e(
                "expect_column_values_to_be_between",
                "share_of_gdp_within_0_100",
                column="share_of_gdp_pct",
                min_value=0,
                max_value=100,
            )
        )
        ex.append(
            _e("expect_column_values_to_be_between", "amount_positive", column="amount", min_value=0, strict_min=True)
        )
        ex.append(
            _e(
                "expect_column_values_to_not_be_null",
                "amount_has_currency",
                column="currency",
                row_condition="amount.notnull()",
                condition_parser="pandas",
            )
        )
    if table == "actors":
        ex.append(_e("expect_column_values_to_match_regex", "iso3_format", column="iso3", regex=r"^[A-Z]{3}$"))
        ex.append(_e("expect_column_values_to_match_regex", "iso3_format", column="country_iso3", regex=r"^[A-Z]{3}$"))
        ex.append(_e("expect_column_values_to_not_be_null", "state_has_iso3", column="iso3", **_when("kind", "state")))
        ex.append(
            _e(
                "expect_column_values_to_match_regex",
                "wikidata_qid_format",
                column="wikidata_qid",
                regex=r"^Q[1-9][0-9]*$",
            )
        )
    if table == "sources":
        ex.append(_e("expect_column_values_to_match_regex", "sha256_format", column="sha256", regex=r"^[0-9a-f]{64}$"))
    return {"name": table, "expectations": ex, "meta": {"generated_by": "japan_nato.quality.gx_suites.suite_for"}}


def suite_json(table: str) -> str:
    return json.dumps(suite_for(table), indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = directory / f"{table}.json"
        path.write_text(suite_json(table), encoding="utf-8")
        written.append(path)
    return written


def load_suite_files(directory: Path = SUITES_DIR) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}


def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    # TQDM_DISABLE does not silence GX; its own setting does.
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, ctx


def frame_for_gx(con, table: str):
    """The table as pandas, dates as ISO text so precision rules can be regexes."""
    df = con.execute(f'SELECT * FROM "{table}"').df()
    for c in TABLES[table].__table__.columns:
        if getattr(c.type, "impl", c.type).python_type.__name__ == "date" and c.name in df:
            df[c.name] = df[c.name].map(lambda v: None if v is None or v != v else str(v)[:10]).astype(object)
    return df


def build_suite(gx, spec: dict, translate=None):
    expectations = []
    for e in spec["expectations"]:
        e = translate(e) if translate else e
        cls = gx.expectations.registry.get_expectation_impl(e["type"])
        expectations.append(cls(**e["kwargs"], meta=e["meta"], severity=e["severity"]))
    return gx.ExpectationSuite(name=spec["name"], expectations=expectations)


def result_format(table: str) -> dict:
    return {"result_format": "COMPLETE", "unexpected_index_column_names": primary_key(table)}


def to_check_results(table: str, outcome, engine: str, suite_spec: dict) -> list:
    """GX validation results -> CheckResults: one per expectation, naming each failing row's key.

    GX reports failing rows three ways: `unexpected_index_list` (column map expectations, both
    engines), `details.unexpected_rows` (unexpected-rows SQL expectations) and, for compound
    uniqueness on SQL, `partial_unexpected_list` of key dicts.
    """
    from japan_nato.quality.gate import MAX_KEYS, CheckResult

    pk = primary_key(table)
    originals = {e["meta"]["check"] + "|" + _column_of(e["kwargs"]) for e in suite_spec["expectations"]}
    results = []
    for r in outcome.results:
        cfg = r.expectation_config
        check = cfg.meta["check"]
        column = cfg.meta.get("column") or _column_of(cfg.kwargs)
        assert f"{check}|{column}" in originals, (check, column)
        # GX gives an enum (FailureSeverity.CRITICAL); its value is the suite file's "critical".
        level = str(getattr(cfg.severity, "value", cfg.severity)).lower()
        severity = "error" if level == "critical" else "warning"
        if r.exception_info.get("raised_exception"):
            message = f"expectation raised: {r.exception_info.get('exception_message')}"
            cr = CheckResult(check, table, column, severity, False, message, ["-"], 1, engine, cfg.type)
            cr._observations = [message]
            results.append(cr)
            continue
        res = r.result or {}
        if "unexpected_index_list" in res:
            rows = res["unexpected_index_list"] or []
        elif "details" in res:
            rows = res["details"].get("unexpected_rows") or []
        else:
            rows = [x for x in res.get("partial_unexpected_list") or [] if isinstance(x, dict)]
        keys = [" | ".join(_key_text(row.get(k)) for k in pk) for row in rows]
        shown = [c for c in column.split(",") if c and c not in pk] or [c for c in column.split(",") if c]
        observed = [", ".join(f"{c}={_plain(row.get(c))!r}" for c in shown if c in row) or "duplicate" for row in rows]
        count = res.get("unexpected_count")
        if count is None:
            count = res.get("observed_value") if isinstance(res.get("observed_value"), int) else len(keys)
        cr = CheckResult(
            check,
            table,
            column,
            severity,
            bool(r.success),
            "ok" if r.success else f"{count} unexpected value(s)",
            keys[:MAX_KEYS],
            count,
            engine,
            cfg.type,
        )
        cr._observations = observed[:MAX_KEYS]
        results.append(cr)
    return results


def _column_of(kwargs: dict) -> str:
    return kwargs.get("column") or kwargs.get("column_A") or ",".join(kwargs.get("column_list") or [])


def validate_frames(frames: dict, suites: dict[str, dict]) -> list:
    """GX over pandas: run each table's suite on its DataFrame. Returns CheckResults."""
    gx, ctx = _context()
    source = ctx.data_sources.add_pandas("japan_nato")
    results = []
    for table, spec in suites.items():
        if table not in frames:
            continue
        batch = (
            source.add_dataframe_asset(table)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": frames[table]})
        )
        outcome = batch.validate(build_suite(gx, spec), result_format=result_format(table))
        results += to_check_results(table, outcome, "gx-pandas", spec)
    return results


def _plain(value):
    """numpy scalars and dates as the plain values a reader expects (140.0, '2024-06-17')."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _key_text(value) -> str:
    # pandas turns a missing key into NaN; a reader should see NULL.
    return "NULL" if value is None or value != value else str(value)


def run_suites_pandas(con, suites: dict[str, dict] | None = None) -> list:
    suites = suites if suites is not None else load_suite_files()
    frames = {t: frame_for_gx(con, t) for t in suites if t in TABLES}
    return validate_frames(frames, suites)
