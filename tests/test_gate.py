"""The quality gate: every check fails on a row crafted to break it and passes on the real data."""

import shutil
import xml.etree.ElementTree as ET

import duckdb
import pandas as pd
import pytest
from japan_nato.quality import gx_pandas, gx_suites
from japan_nato.quality.attribution_checks import evidence_columns
from japan_nato.quality.checks import composite_keys, sql_checks
from japan_nato.quality.gate import run_gate
from japan_nato.schema import catalog
from japan_nato.schema.catalog import primary_key
from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import sources_dir


@pytest.fixture(scope="module")
def real_report(built_db):
    return run_gate(built_db, sources_dir(), record=False)


def test_real_data_passes_every_check(real_report):
    assert real_report.results, "the gate ran no checks"
    not_passed = [(r.table, r.check, r.column, r.observed) for r in real_report.results if r.success is not True]
    assert not not_passed, not_passed
    assert len(real_report.results) >= 300


def test_every_suite_file_matches_its_derivation():
    """quality/expectations/*.json are what suite_for() derives from the models and vocabularies."""
    committed = gx_suites.load_suite_files()
    from japan_nato.schema.models import TABLES

    assert set(committed) == set(TABLES)
    for table in TABLES:
        assert committed[table] == gx_suites.suite_for(table), (
            f"quality/expectations/{table}.json is stale: run `japan-nato suites --write`"
        )


# ---- GX suites: one crafted bad row per expectation ----------------------------------------------


def _bad_value_row(df: pd.DataFrame, table: str, exp: dict, n: int) -> tuple[pd.DataFrame, str]:
    """Append a copy of a real row, changed so that exactly this expectation should reject it."""
    pk = primary_key(table)
    row = df.iloc[0].to_dict()
    key = f"crafted-{n}"
    if len(pk) == 1:
        row[pk[0]] = key
    else:  # vocabularies: (vocabulary, value)
        row[pk[-1]] = key
    kw, kind, check = exp["kwargs"], exp["type"], exp["meta"]["check"]
    col = kw.get("column")
    cond = kw.get("row_condition", {})
    cond = cond.get("pass_through_filter") if isinstance(cond, dict) else cond
    if cond and "==" in cond and "notnull" not in cond:  # precision=="month", kind=="state"
        ccol, cval = cond.split("==")
        row[ccol] = cval.strip('"')
    if cond and "!=" in cond:  # precision!="unknown"
        row[cond.split("!=")[0]] = "year"
    if kind == "expect_column_values_to_be_unique":
        row[col] = df.iloc[0][col]
        key = str(df.iloc[0][col])
    elif kind == "expect_compound_columns_to_be_unique":
        for c in kw["column_list"]:
            row[c] = df.iloc[0][c]
        key = " | ".join(str(df.iloc[0][c]) for c in pk)
    elif check == "id_is_slug":
        key = f"Crafted ID {n}"
        row[col] = key
    elif kind == "expect_column_values_to_not_be_null":
        if cond and cond.endswith(".notnull()"):  # required with another column: give that one a value
            row[cond.removesuffix(".notnull()")] = _sample_value(table, cond.removesuffix(".notnull()"))
        row[col] = None
    elif check == "text_not_empty_or_padded":
        row[col] = " padded "
    elif kind == "expect_column_values_to_be_in_set":
        row[col] = "not-in-vocabulary"
    elif check.endswith("_date_is_period_start"):
        row[col] = "2020-02-15"
    elif kind == "expect_column_values_to_be_null":
        row[col] = "2020-01-01"
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kw["column_A"], kw["column_B"]
        row[a], row[b] = ("2020-01-01", "2021-01-01") if "on" in a or "period" in a else (1.0, 5.0)
    elif kind == "expect_column_values_to_be_between":
        row[col] = 150.0 if kw.get("max_value") == 100 else -5.0
    elif kind == "expect_column_values_to_match_regex":
        row[col] = "not valid"
    elif kind == "expect_column_value_lengths_to_be_between":
        row[col] = "a" * (kw["max_value"] + 1)
    else:
        raise AssertionError(f"no crafted row for {kind} ({check})")
    # The key the gate should name: the crafted row's own key, as changed above.
    key = " | ".join("NULL" if row[c] is None else str(row[c]) for c in pk)
    return pd.concat([df, pd.DataFrame([row])], ignore_index=True), key


def _sample_value(table: str, column: str):
    """A valid-looking value of the column's type (a date, a number or a text)."""
    from japan_nato.schema.models import TABLES

    kind = getattr(TABLES[table].__table__.columns[column].type, "impl", None)
    kind = (kind or TABLES[table].__table__.columns[column].type).python_type.__name__
    return {"date": "2020-01-01", "float": 1.0, "int": 1, "bool": True}.get(kind, "x")


def _frames_to_db(frames: dict, path) -> None:
    """Crafted frames into a DuckDB file without constraints (a duplicate key must be storable)."""
    from japan_nato.schema.models import TABLES

    con = duckdb.connect(str(path))
    for table, df in frames.items():
        con.register("crafted", df)
        cols = []
        for c in TABLES[table].__table__.columns:
            kind = getattr(c.type, "impl", c.type).python_type.__name__
            cast = {"date": "DATE", "float": "DOUBLE", "bool": "BOOLEAN"}.get(kind)
            cols.append(f'TRY_CAST("{c.name}" AS {cast}) AS "{c.name}"' if cast else f'"{c.name}"')
        con.execute(f'CREATE TABLE "{table}" AS SELECT {", ".join(cols)} FROM crafted')
        con.unregister("crafted")
    con.close()


@pytest.mark.parametrize("engine", ["sql", "pandas"])
def test_every_gx_expectation_rejects_its_crafted_row(built_db, engine, tmp_path):
    suites = gx_suites.load_suite_files()
    con = duckdb.connect(str(built_db), read_only=True)
    frames = {t: gx_pandas.frame_for_gx(con, t) for t in suites}
    con.close()
    expected = []
    n = 0
    for table, spec in suites.items():
        for exp in spec["expectations"]:
            n += 1
            frames[table], key = _bad_value_row(frames[table], table, exp, n)
            column = (
                exp["kwargs"].get("column")
                or exp["kwargs"].get("column_A")
                or ",".join(exp["kwargs"].get("column_list") or [])
            )
            expected.append((table, exp["meta"]["check"], column, key))
    if engine == "pandas":
        results = gx_pandas.validate_frames(frames, suites)
    else:
        from japan_nato.quality.gx_sql import validate_sql

        _frames_to_db(frames, tmp_path / "crafted.duckdb")
        results = validate_sql(tmp_path / "crafted.duckdb", suites)
    missed = []
    for table, check, column, key in expected:
        hits = [r for r in results if (r.table, r.check, r.column) == (table, check, column)]
        if not any(
            r.success is False and (key in r.failing_keys or r.failing_count > len(r.failing_keys)) for r in hits
        ):
            missed.append((table, check, column, key, [(r.success, r.observed, r.failing_keys[:3]) for r in hits]))
    assert not missed, missed
    assert len(expected) >= 250


# ---- SQL integrity checks: one crafted bad row per check -----------------------------------------


def _copy_row(con, table: str, changes: dict[str, str], where: str = "TRUE") -> None:
    replace = ", ".join(f'{v} AS "{c}"' for c, v in changes.items())
    con.execute(f'INSERT INTO "{table}" SELECT * REPLACE ({replace}) FROM "{table}" WHERE {where} LIMIT 1')


def test_every_sql_check_rejects_its_crafted_row(built_db, tmp_path):
    if sources_dir() is None:
        pytest.skip("source texts needed for the text checks")
    db = tmp_path / "broken.duckdb"
    shutil.copy(built_db, db)
    con = duckdb.connect(str(db))
    expect: list[tuple[str, str, str]] = []  # (table, check, key)
    for i, (table, column, _target) in enumerate(catalog.references()):
        key = f"bad-ref-{i}"
        _copy_row(con, table, {primary_key(table)[0]: f"'{key}'", column: "'no-such-id'"})
        expect.append((table, f"reference_resolves:{column}", key))
    for table, cols in composite_keys():
        if table == "vocabularies":
            continue  # its composite key is its primary key, which DuckDB itself enforces
        # The built database enforces these UNIQUE constraints itself; the check guards copies that do
        # not (a user's edited table, a release read back from parquet): rebuild the table without them.
        con.execute(
            f'CREATE TABLE "_plain" AS SELECT * FROM "{table}"; DROP TABLE "{table}"; '
            f'ALTER TABLE "_plain" RENAME TO "{table}"'
        )
        key = " | ".join(["{" + c + "}" for c in cols])
        row = con.execute(f'SELECT {", ".join(cols)} FROM "{table}" LIMIT 1').fetchone()
        _copy_row(
            con,
            table,
            {primary_key(table)[0]: "'dup-composite'"},
            " AND ".join(f'"{c}" = ?' for c in cols)
            .replace("?", "{}")
            .format(
                *[
                    f"'{v}'" if isinstance(v, str) else str(v)
                    for v in [x.replace("'", "''") if isinstance(x, str) else x for x in row]
                ]
            ),
        )
        expect.append((table, "composite_key_unique", " | ".join(str(v) for v in row)))
    for table in catalog.cited_tables():
        key = f"uncited-{table.replace('_', '-')}"
        _copy_row(con, table, {primary_key(table)[0]: f"'{key}'"})
        expect.append((table, "row_is_cited", key))
    con.execute(
        "INSERT INTO citations SELECT * REPLACE ('bad-record' AS citation_id, 'no-such-record' AS record_id)"
        " FROM citations LIMIT 1"
    )
    expect.append(("citations", "record_reference_resolves", "bad-record"))
    _copy_row(con, "quantities", {"quantity_id": "'bad-quantity-record'", "record_id": "'no-such-event'"})
    expect.append(("quantities", "record_reference_resolves", "bad-quantity-record"))
    con.execute(
        "INSERT INTO citations SELECT * REPLACE ('bad-evidence' AS citation_id, "
        "'words the article never printed' AS evidence) FROM citations LIMIT 1"
    )
    expect.append(("citations", "evidence_in_source", "bad-evidence"))
    con.execute(
        "UPDATE statements SET text = 'words never said' WHERE statement_id = "
        "(SELECT min(statement_id) FROM statements WHERE is_verbatim)"
    )
    first_verbatim = con.execute("SELECT statement_id FROM statements WHERE text = 'words never said'").fetchone()[0]
    expect.append(("statements", "verbatim_quote_in_source", first_verbatim))
    con.execute("UPDATE sources SET sha256 = repeat('0', 64) WHERE source_id = 'japan-mission-to-nato-2025'")
    expect.append(("sources", "source_sha256_matches", "japan-mission-to-nato-2025"))
    _copy_row(con, "actors", {"actor_id": "'orphan-actor'"})
    expect.append(("actors", "no_orphan_actor", "orphan-actor"))
    con.execute(
        "UPDATE events SET start_on = DATE '2031-05-01', date_precision = 'month', status = 'occurred' "
        "WHERE event_id = 'prk-missile-launch-2026-01'"
    )
    expect.append(("events", "occurred_not_after_source", "prk-missile-launch-2026-01"))
    for table, column in evidence_columns():  # a hedge the row's excerpts do not print
        key = f"unprinted-{table.replace('_', '-')}"
        _copy_row(con, table, {primary_key(table)[0]: f"'{key}'", column: "'words nobody printed'"})
        expect.append((table, "hedge_in_evidence", key))
    _copy_row(con, "statements", {"statement_id": "'author-quote'", "is_verbatim": "true", "asserted_by": "'author'"})
    expect.append(("statements", "verbatim_quote_is_not_the_authors", "author-quote"))
    _copy_row(
        con,
        "statements",
        {"statement_id": "'author-not-the-articles'", "asserted_by": "'author'", "speaker_id": "'prk'"},
        "is_verbatim = false",
    )
    con.execute(
        "INSERT INTO citations SELECT * REPLACE"
        " ('author-citation' AS citation_id, 'author-not-the-articles' AS record_id)"
        " FROM citations WHERE record_table = 'statements' LIMIT 1"
    )
    expect.append(("statements", "authors_statement_is_the_articles", "author-not-the-articles"))
    for key, qualifier, low, high in [
        ("at-least-with-high", "at_least", "1", "2"),
        ("under-with-low", "under", "1", "NULL"),
        ("exact-open", "exact", "1", "NULL"),
    ]:
        _copy_row(
            con, "quantities", {"quantity_id": f"'{key}'", "qualifier": f"'{qualifier}'", "low": low, "high": high}
        )
        expect.append(("quantities", "qualifier_matches_low_high", key))
    con.close()

    report = run_gate(db, sources_dir(), gx=False, record=False)
    missed = []
    for table, check, key in expect:
        hits = [r for r in report.results if r.table == table and r.check == check]
        if not any(r.success is False and key in r.failing_keys for r in hits):
            missed.append((table, check, key, [(r.observed, r.failing_keys[:5]) for r in hits]))
    assert not missed, missed
    assert {c.name.split(":")[0] for c in sql_checks()} <= {e[1].split(":")[0] for e in expect}


def test_text_checks_are_skipped_visibly_without_sources(built_db, tmp_path, monkeypatch):
    monkeypatch.delenv("JAPAN_NATO_SOURCES", raising=False)
    monkeypatch.chdir(tmp_path)  # no ../shared/seeds from here
    report = run_gate(built_db, None, gx=False, record=False)
    skipped = {r.check for r in report.skipped}
    assert skipped == {"evidence_in_source", "verbatim_quote_in_source", "source_sha256_matches"}
    assert any(line.startswith("skipped citations: evidence_in_source") for line in report.failure_lines())
    assert report.passed


# ---- the CLI ---------------------------------------------------------------------------------------


def test_check_writes_junit_json_html_and_records_results(built_db, tmp_path):
    db = tmp_path / "db.duckdb"
    shutil.copy(built_db, db)
    junit, html = tmp_path / "out.xml", tmp_path / "report.html"
    args = ["check", "--db", str(db), "--junit", str(junit), "--html", str(html)]
    if sources_dir():
        args += ["--sources-dir", str(sources_dir())]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and int(root.get("tests")) >= 300 and root.get("failures") == "0"
    cases = root.findall("testsuite/testcase")
    assert len(cases) == int(root.get("tests"))
    assert "<table>" in html.read_text(encoding="utf-8")
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT count(DISTINCT run_id), count(*), bool_and(success) FROM quality_results").fetchone()
    con.close()
    assert runs[0] == 2 and runs[1] >= 600 and runs[2]  # the build's run and this one


def test_check_fails_with_one_line_per_failure(built_db, tmp_path):
    db = tmp_path / "db.duckdb"
    shutil.copy(built_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE budgets SET share_of_gdp_pct = 140 WHERE budget_id = (SELECT min(budget_id) FROM budgets)")
    con.execute(
        "UPDATE quantities SET low = 99999 WHERE quantity_id = (SELECT min(quantity_id) FROM quantities "
        "WHERE high IS NOT NULL)"
    )
    bid = con.execute("SELECT budget_id FROM budgets WHERE share_of_gdp_pct = 140").fetchone()[0]
    qid = con.execute("SELECT quantity_id FROM quantities WHERE low = 99999").fetchone()[0]
    con.close()
    junit = tmp_path / "out.xml"
    result = CliRunner().invoke(app, ["check", "--db", str(db), "--junit", str(junit)])
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("ERROR")]
    assert any(f"budgets[{bid}] share_of_gdp_pct: share_of_gdp_pct_within_0_100" in ln and "140" in ln for ln in lines)
    assert any(f"quantities[{qid}] high: low_not_above_high" in ln for ln in lines)
    assert len(lines) == 2, result.stderr
    failures = ET.parse(junit).getroot().findall(".//failure")
    assert len(failures) == 2

    result = CliRunner().invoke(app, ["check", "--db", str(db), "--json"])
    assert result.exit_code == 1
    import json

    payload = json.loads(result.stdout)
    assert payload["errors"] == 2
