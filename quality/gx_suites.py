"""Great Expectations suites, one per table, kept as reviewable JSON in `quality/expectations/`.

The suites are derived from the columns' declarations (`japan_nato.schema.catalog`), written
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

from japan_nato.schema import catalog
from japan_nato.schema.declare import FORMATS
from japan_nato.schema.vocab import VOCABULARIES

SUITES_DIR = Path(__file__).parent / "expectations"

PRECISION_REGEX = {"month": r"^\d{4}-\d{2}-01$", "year": r"^\d{4}-01-01$", "decade": r"^\d{3}0-01-01$"}
PADDED = r"^\s|\s$|^$"
# The check name each declared format gets (the primary key's format is `id_is_slug`).
FORMAT_CHECKS = {
    "iso3": "iso3_format",
    "qid": "wikidata_qid_format",
    "sha256": "sha256_format",
    "measure": "measure_format",
}


def _e(type_: str, check: str, severity: str = "critical", **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"check": check}, "severity": severity}


def _when(column: str, value: str, negate: bool = False) -> dict:
    op = "!=" if negate else "=="
    return {"row_condition": f'{column}{op}"{value}"', "condition_parser": "pandas"}


def _number(value: float) -> str:
    return f"{value:g}"


def _column_expectations(c: catalog.ColumnSpec) -> list[dict]:
    """What one column's declaration asks of every row."""
    ex: list[dict] = []
    if c.required:
        ex.append(_e("expect_column_values_to_not_be_null", "not_null", column=c.name))
    if c.is_text:
        ex.append(
            _e("expect_column_values_to_not_match_regex", "text_not_empty_or_padded", column=c.name, regex=PADDED)
        )
    if c.vocabulary:
        check = f"accepted_values:{c.vocabulary}"
        ex.append(
            _e("expect_column_values_to_be_in_set", check, column=c.name, value_set=list(VOCABULARIES[c.vocabulary]))
        )
    if c.targets:
        targets = catalog.targets_of(c)
        ex.append(
            _e("expect_column_values_to_be_in_set", f"accepted_values:{c.name}", column=c.name, value_set=targets)
        )
    if c.format and c.format in FORMAT_CHECKS and not c.references:
        regex = FORMATS[c.format][0]
        ex.append(_e("expect_column_values_to_match_regex", FORMAT_CHECKS[c.format], column=c.name, regex=regex))
    if c.max_length and not c.references:
        ex.append(
            _e(
                "expect_column_value_lengths_to_be_between",
                f"at_most_{c.max_length}_characters",
                column=c.name,
                max_value=c.max_length,
            )
        )
    if c.precision:
        for precision, regex in PRECISION_REGEX.items():
            check = f"{precision}_date_is_period_start"
            ex.append(
                _e(
                    "expect_column_values_to_match_regex",
                    check,
                    column=c.name,
                    regex=regex,
                    **_when(c.precision, precision),
                )
            )
        ex.append(
            _e(
                "expect_column_values_to_be_null",
                "unknown_precision_has_no_date",
                column=c.name,
                **_when(c.precision, "unknown"),
            )
        )
        if c.date_required:
            ex.append(
                _e(
                    "expect_column_values_to_not_be_null",
                    "known_precision_has_date",
                    column=c.name,
                    **_when(c.precision, "unknown", negate=True),
                )
            )
    if c.at_least:
        check = "end_not_before_start" if c.type == "date" else "low_not_above_high"
        ex.append(
            _e(
                "expect_column_pair_values_a_to_be_greater_than_b",
                check,
                column_A=c.name,
                column_B=c.at_least,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    if c.minimum is not None and c.maximum is not None:
        check = f"{c.name}_within_{_number(c.minimum)}_{_number(c.maximum)}"
        ex.append(
            _e("expect_column_values_to_be_between", check, column=c.name, min_value=c.minimum, max_value=c.maximum)
        )
    elif c.minimum is not None:
        check = (
            f"{c.name}_positive"
            if c.minimum == 0 and c.exclusive_minimum
            else f"{c.name}_at_least_{_number(c.minimum)}"
        )
        ex.append(
            _e(
                "expect_column_values_to_be_between",
                check,
                column=c.name,
                min_value=c.minimum,
                strict_min=c.exclusive_minimum,
            )
        )
    if c.required_when:
        other, values = c.required_when
        for value in (values,) if isinstance(values, str) else values:
            ex.append(
                _e("expect_column_values_to_not_be_null", f"{value}_has_{c.name}", column=c.name, **_when(other, value))
            )
    for other in (c.required_with,) if isinstance(c.required_with, str) else c.required_with or ():
        ex.append(
            _e(
                "expect_column_values_to_not_be_null",
                f"{other}_has_{c.name}",
                column=c.name,
                row_condition=f"{other}.notnull()",
                condition_parser="pandas",
            )
        )
    return ex


def suite_for(table: str) -> dict:
    """The expectation suite for one table, derived from its columns' declarations."""
    spec = catalog.table(table)
    pk = list(spec.primary_key)
    ex: list[dict] = []
    if len(pk) == 1:
        ex.append(_e("expect_column_values_to_be_unique", "primary_key_unique", column=pk[0]))
    else:
        ex.append(_e("expect_compound_columns_to_be_unique", "primary_key_unique", column_list=pk))
    key = spec.column(pk[0])
    if len(pk) == 1 and key.format == "slug":
        ex.append(_e("expect_column_values_to_match_regex", "id_is_slug", column=key.name, regex=FORMATS["slug"][0]))
    for c in spec.columns:
        ex += _column_expectations(c)
    meta = {"generated_by": "japan_nato.quality.gx_suites.suite_for", "primary_key": pk}
    return {"name": table, "expectations": ex, "meta": meta}


def suite_json(table: str) -> str:
    return json.dumps(suite_for(table), indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in catalog.table_names():
        path = directory / f"{table}.json"
        path.write_text(suite_json(table), encoding="utf-8")
        written.append(path)
    return written


def load_suite_files(directory: Path = SUITES_DIR) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}
