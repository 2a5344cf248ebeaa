"""Contributors break the curated files: each break is reported with table, key and reason, the build
exits 1, and build/japan_nato.duckdb stays byte-identical. Loader and gate failures alike."""

import hashlib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import sources_dir


def _edit(curated: Path, table: str, pick, change) -> str:
    """Change the first record `pick` accepts; return its ID."""
    path = curated / f"{table}.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    row = next(r for r in rows if pick(r))
    key = next(v for k, v in row.items() if k.endswith("_id"))
    change(row)
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return key


def _set(**values):
    return lambda r: r.update(values)


def _first_citation(change):
    return lambda r: change(r["citations"][0])


BREAKS = {
    # name: (table, pick, change, expected table in the report, expected reason)
    "evidence not in its source": (
        "events",
        lambda r: True,
        _first_citation(lambda c: c.update(evidence="Japan invaded the Moon in 1999.")),
        "citations",
        "evidence_in_source",
    ),
    "verbatim quote altered": (
        "statements",
        lambda r: r["is_verbatim"],
        lambda r: r.update(text=r["text"] + " (sic)"),
        "statements",
        "verbatim_quote_in_source",
    ),
    "month date not on the 1st": (
        "events",
        lambda r: r["date_precision"] == "month",
        lambda r: r.update(start_on="2024-06-17"),
        "events",
        "month_date_is_period_start",
    ),
    "event ends before it starts": (
        "events",
        lambda r: r["date_precision"] == "year" and r.get("start_on"),
        lambda r: r.update(end_on="1900-01-01"),
        "events",
        "end_not_before_start",
    ),
    "range low above high": (
        "events",
        lambda r: any(q.get("high") is not None for q in r.get("quantities") or []),
        lambda r: next(q for q in r["quantities"] if q.get("high") is not None).update(low=10**9),
        "quantities",
        "low_not_above_high",
    ),
    "share of GDP above 100": (
        "budgets",
        lambda r: r.get("share_of_gdp_pct") is not None,
        _set(share_of_gdp_pct=250.0),
        "budgets",
        "share_of_gdp_pct_within_0_100",
    ),
    "negative amount": (
        "budgets",
        lambda r: r.get("amount") is not None,
        _set(amount=-55.0),
        "budgets",
        "amount_positive",
    ),
    "occurred after its source": (
        "events",
        lambda r: r["status"] == "occurred" and r["date_precision"] == "month",
        _set(start_on="2029-03-01"),
        "events",
        "occurred_not_after_source",
    ),
    "date with unknown precision": (
        "statements",
        lambda r: r["said_precision"] == "unknown",
        _set(said_on="2024-01-01"),
        "statements",
        "unknown_precision_has_no_date",
    ),
    "state without ISO code": ("actors", lambda r: r["kind"] == "state", _set(iso3=None), "actors", "state_has_iso3"),
    "source text hash changed": ("sources", lambda r: True, _set(sha256="0" * 64), "sources", "source_sha256_matches"),
    "unknown vocabulary value": (
        "agreements",
        lambda r: True,
        _set(status="signed-ish"),
        "agreements",
        "agreement_status",
    ),
    "unknown referenced actor": (
        "memberships",
        lambda r: True,
        _set(group="nato-2"),
        "memberships",
        "unknown actor ID 'nato-2'",
    ),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_break_is_reported_and_changes_nothing(name, curated_copy, existing_db):
    needs_text = name in ("evidence not in its source", "verbatim quote altered", "source text hash changed")
    if needs_text and sources_dir() is None:
        pytest.skip("needs the source texts")
    table, pick, change, report_table, reason = BREAKS[name]
    key = _edit(curated_copy, table, pick, change)
    before = hashlib.sha256(existing_db.read_bytes()).hexdigest()
    args = ["build", "--db", str(existing_db), "--curated", str(curated_copy)]
    if sources_dir():
        args += ["--sources-dir", str(sources_dir())]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.stderr.splitlines() if reason in ln]
    assert lines, result.stderr
    if report_table == "citations":
        assert any(ln.startswith("ERROR citations[") for ln in lines), lines  # keyed by its citation_id
    elif report_table == "quantities":
        assert any(ln.startswith("ERROR quantities[") for ln in lines), lines
    else:
        assert any(f"{report_table}[{key}]" in ln for ln in lines), (key, lines)
    assert hashlib.sha256(existing_db.read_bytes()).hexdigest() == before
    assert [p.name for p in existing_db.parent.iterdir()] == [existing_db.name]


def test_at_least_ten_different_breaks():
    assert len({reason for *_, reason in BREAKS.values()}) >= 10
