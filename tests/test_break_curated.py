"""Contributors break the curated files: each break is reported with table, key and reason, the build
exits 1, and build/japan_nato.duckdb stays byte-identical. Loader and gate failures alike.

Most breaks go through the loader in this process, the same code path as `build`; a few run the
whole command line, end to end."""

import hashlib

import pytest
from japan_nato.loaders.build import build_database
from japan_nato.loaders.problems import CuratedDataError
from japan_nato.quality.gate import GateFailed, gate_for_build
from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import sources_dir
from .curated_edit import edit, registry, source

S2026, S2025, S2024, S2023 = (
    "japan-military-revival-2026",
    "japan-mission-to-nato-2025",
    "japan-warms-up-to-nato-2024",
    "japan-regional-security-nato-2023",
)


def _first(section: str, pick=lambda r: True):
    """A change to the first record of `section` that `pick` accepts; it returns that record's ID."""

    def make(change):
        def apply(data, found):
            record = next(r for r in data[section] if pick(r))
            found.append(next(v for k, v in record.items() if k.endswith("_id")))
            change(record)

        return apply

    return make


def _set(**values):
    return lambda r: r.update(values)


BREAKS = {
    # name: (source file, change(data, found ids), report table, reason in the line)
    "evidence not in its source": (
        S2024,
        _first("events")(lambda r: r.update(evidence="Japan invaded the Moon in 1999.")),
        "events",
        "[evidence]",
    ),
    "verbatim quote altered": (
        S2026,
        _first("statements", lambda r: r["is_verbatim"])(lambda r: r.update(text=r["text"] + " (sic)")),
        "statements",
        "[quote]",
    ),
    "month date not on the 1st": (
        S2026,
        _first("events", lambda r: r.get("date_precision") == "month")(_set(start_on="2024-06-17")),
        "events",
        "must be the 1st of the month",
    ),
    "event ends before it starts": (
        S2024,
        _first("events", lambda r: r.get("date_precision") == "year" and r.get("start_on"))(_set(end_on="1900-01-01")),
        "events",
        "end_not_before_start",
    ),
    "range low above high": (
        S2026,
        _first("events", lambda r: any(q.get("high") is not None for q in r.get("quantities") or []))(
            lambda r: next(q for q in r["quantities"] if q.get("high") is not None).update(low=10**9)
        ),
        "quantities",
        "low_not_above_high",
    ),
    "share of GDP above 100": (
        S2026,
        _first("budgets", lambda r: r.get("share_of_gdp_pct") is not None)(_set(share_of_gdp_pct=250.0)),
        "budgets",
        "share_of_gdp_pct_within_0_100",
    ),
    "negative amount": (
        S2025,
        _first("budgets", lambda r: r.get("amount") is not None)(_set(amount=-55.0)),
        "budgets",
        "amount_positive",
    ),
    "occurred after its source": (
        S2026,
        _first("events", lambda r: r.get("status", "occurred") == "occurred" and r.get("date_precision") == "month")(
            _set(start_on="2029-03-01")
        ),
        "events",
        "occurred_not_after_source",
    ),
    "date with unknown precision": (
        S2026,
        _first("statements", lambda r: r.get("said_precision", "unknown") == "unknown")(_set(said_on="2024-01-01")),
        "statements",
        "said_precision is unknown",
    ),
    "source text hash changed": (
        S2023,
        lambda d, found: (found.append(d["source"]["source_id"]), d["source"].update(sha256="0" * 64)),
        "sources",
        "[sha256]",
    ),
    "unknown vocabulary value": (
        S2023,
        _first("agreements")(_set(status="signed-ish")),
        "agreements",
        "agreement_status",
    ),
    "unknown referenced actor": (
        S2026,
        _first("memberships")(_set(group="nato-2")),
        "memberships",
        "unknown actor ID 'nato-2'",
    ),
}


def _break(curated, name) -> tuple[str, str, str]:
    file, change, table, reason = BREAKS[name]
    found: list[str] = []
    edit(source(curated, file), lambda data: change(data, found))
    return found[0], table, reason


@pytest.mark.parametrize("name", list(BREAKS))
def test_break_is_reported_and_changes_nothing(name, curated_copy, existing_db):
    if sources_dir() is None:
        pytest.skip("needs the source texts")
    key, table, reason = _break(curated_copy, name)
    before = hashlib.sha256(existing_db.read_bytes()).hexdigest()
    with pytest.raises((CuratedDataError, GateFailed)) as caught:
        build_database(
            curated_copy, existing_db, gate=gate_for_build(sources_dir()), sources_dir=sources_dir(), require_texts=True
        )
    lines = (
        [str(p) for p in caught.value.problems] if isinstance(caught.value, CuratedDataError) else caught.value.lines
    )
    hits = [ln for ln in lines if reason in ln]
    assert hits, lines
    if table == "quantities":
        assert any("quantities[" in ln for ln in hits), hits
    else:
        assert any(f"{table}[{key}]" in ln for ln in hits), (key, hits)
    assert hashlib.sha256(existing_db.read_bytes()).hexdigest() == before
    assert [p.name for p in existing_db.parent.iterdir()] == [existing_db.name]


@pytest.mark.parametrize("name", ["evidence not in its source", "share of GDP above 100", "unknown referenced actor"])
def test_a_break_through_the_command_line(name, curated_copy, existing_db):
    """End to end: the command exits 1, prints the line, and the database is byte-identical."""
    key, table, reason = _break(curated_copy, name)
    before = hashlib.sha256(existing_db.read_bytes()).hexdigest()
    args = ["build", "--db", str(existing_db), "--curated", str(curated_copy)]
    if sources_dir():
        args += ["--sources-dir", str(sources_dir())]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert any(reason in ln and f"{table}[" in ln for ln in result.stderr.splitlines()), result.stderr
    assert hashlib.sha256(existing_db.read_bytes()).hexdigest() == before


def test_a_registry_break_is_reported_at_its_line(curated_copy, existing_db):
    def unknown_kind(data):
        data[0]["kind"] = "country"

    edit(registry(curated_copy), unknown_kind)
    with pytest.raises(CuratedDataError) as caught:
        build_database(curated_copy, existing_db, sources_dir=sources_dir())
    assert any("registry/actors.yaml:" in str(p) and "actor_kind" in str(p) for p in caught.value.problems)


def test_at_least_ten_different_breaks():
    assert len({reason for *_, reason in BREAKS.values()}) >= 10
