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
    meta = {"generated_by": "japan_nato.quality.gx_suites.suite_for", "primary_key": pk}
    return {"name": table, "expectations": ex, "meta": meta}


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
