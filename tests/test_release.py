"""Releases: reproducible bytes, computed versions, standard metadata, atomic publish, verification."""

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from japan_nato.loaders.build import build_database
from japan_nato.quality.gate import gate_for_build, run_gate
from typer.testing import CliRunner

from japan_nato import releases as release
from japan_nato.cli import app
from japan_nato.releases import publishing as publish_module

from .conftest import CURATED, ROOT, sources_dir

REPO_RELEASES = ROOT / "datasets" / "releases"


@pytest.fixture(scope="module")
def gate_report(built_db):
    report = run_gate(built_db, sources_dir(), record=False)
    assert report.passed
    return report


@pytest.fixture
def unchecked_metadata(monkeypatch):
    """For tests about versions and bytes: skip frictionless' and Croissant's validation of each
    staged release (about 1.5 s a publish); tests/test_release_metadata.py validates them."""
    monkeypatch.setattr(publish_module, "validate_metadata", lambda folder: [])


def _publish(db, report, root):
    return release.publish(Path(db), report, Path(root), ROOT)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))}


def test_publishing_twice_from_the_same_inputs_gives_identical_parquet(
    built_db, gate_report, tmp_path, unchecked_metadata
):
    second_db = tmp_path / "again.duckdb"
    texts = sources_dir()
    report2 = build_database(CURATED, second_db, gate=gate_for_build(texts), sources_dir=texts).gate
    a = _publish(built_db, gate_report, tmp_path / "a")
    b = _publish(second_db, report2, tmp_path / "b")
    assert a.version == b.version == "1.0.0"
    da, db_ = _digests(tmp_path / "a" / "1.0.0"), _digests(tmp_path / "b" / "1.0.0")
    assert len(da) >= 16 and da == db_
    ma = json.loads((tmp_path / "a" / "1.0.0" / "manifest.json").read_text())
    assert {k: v["sha256"] for k, v in ma["files"].items() if k.endswith(".parquet")} == da
    assert set(ma["files"]) == {p.name for p in (tmp_path / "a" / "1.0.0").iterdir()} - {"manifest.json"}


def test_version_bumps_follow_the_diff(built_db, gate_report, tmp_path, unchecked_metadata):
    root = tmp_path / "releases"
    work = tmp_path / "work.duckdb"
    shutil.copy(built_db, work)
    assert _publish(work, gate_report, root).version == "1.0.0"

    def step(sql: str):
        con = duckdb.connect(str(work))
        con.execute(sql)
        con.close()
        return _publish(work, gate_report, root)

    plan = step("UPDATE events SET summary = 'A changed summary.' WHERE event_id = 'korean-war'")
    assert (plan.version, plan.diff.bump) == ("1.0.1", "patch")
    events = next(t for t in plan.diff.tables if t.table == "events")
    assert events.rows_changed == {"korean-war": ["summary"]}

    plan = step(
        "INSERT INTO events SELECT * REPLACE ('a-new-event' AS event_id) FROM events WHERE event_id = 'korean-war'"
    )
    assert (plan.version, plan.diff.bump) == ("1.1.0", "minor")
    assert next(t for t in plan.diff.tables if t.table == "events").rows_added == ["a-new-event"]

    plan = step("ALTER TABLE budgets ADD COLUMN source_currency_note VARCHAR")
    assert (plan.version, plan.diff.bump) == ("1.2.0", "minor")
    assert next(t for t in plan.diff.tables if t.table == "budgets").columns_added == ["source_currency_note"]

    plan = step("ALTER TABLE events DROP COLUMN location")
    assert (plan.version, plan.diff.bump) == ("2.0.0", "major")
    assert next(t for t in plan.diff.tables if t.table == "events").columns_removed == ["location"]

    result = CliRunner().invoke(app, ["diff", "1.0.0", "2.0.0", "--releases", str(root)])
    assert result.exit_code == 0, result.output
    for expected in (
        "bump major",
        "events: column removed location",
        "budgets: column added source_currency_note",
        "events: 1 row(s) added: a-new-event",
        "korean-war (summary)",
    ):
        assert expected in result.stdout, result.stdout
    payload = json.loads(CliRunner().invoke(app, ["diff", "1.1.0", "1.2.0", "--releases", str(root), "--json"]).stdout)
    assert payload["bump"] == "minor"
    assert payload["tables"] == [
        {**payload["tables"][0], "table": "budgets", "columns_added": ["source_currency_note"]}
    ]

    plan = step("DELETE FROM citations WHERE citation_id = (SELECT min(citation_id) FROM citations)")
    assert (plan.version, plan.diff.bump) == ("2.0.1", "patch")  # a derived row removed: a correction
    plan = step("DELETE FROM events WHERE event_id = 'a-new-event'")
    assert (plan.version, plan.diff.bump) == ("3.0.0", "major")  # a public ID disappears

    with pytest.raises(release.ReleaseError, match="nothing changed since 3.0.0"):
        _publish(work, gate_report, root)
    changelog = (root / "CHANGELOG.md").read_text()
    assert changelog.index("## 3.0.0") < changelog.index("## 2.0.0") < changelog.index("## 1.0.0")


def test_publish_refuses_to_overwrite_a_version(built_db, gate_report, tmp_path):
    root = tmp_path / "releases"
    (root / "1.0.0").mkdir(parents=True)
    (root / "1.0.0" / "note.txt").write_text("someone's folder")
    # A folder without a manifest is not a release, so the next version is still 1.0.0: refused.
    with pytest.raises(release.ReleaseError, match="already exists"):
        _publish(built_db, gate_report, root)
    assert (root / "1.0.0" / "note.txt").read_text() == "someone's folder"


def test_publish_refuses_a_failed_gate(built_db, gate_report, tmp_path):
    class Failed:
        passed = False

        def summary_line(self):
            return "quality gate: 1 error(s)"

    with pytest.raises(release.ReleaseError, match="quality gate failed"):
        _publish(built_db, Failed(), tmp_path / "r")
    assert not (tmp_path / "r" / "1.0.0").exists()


def test_fault_mid_publish_leaves_no_release_behind(built_db, gate_report, tmp_path, monkeypatch):
    root = tmp_path / "releases"

    def explode(*args, **kwargs):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(release.metadata, "datapackage", explode)  # after the parquet and manifest are written
    with pytest.raises(OSError, match="injected"):
        _publish(built_db, gate_report, root)
    assert list(root.iterdir()) == []


def test_verify_fails_loudly_on_a_tampered_file(built_db, gate_report, tmp_path, unchecked_metadata):
    root = tmp_path / "releases"
    _publish(built_db, gate_report, root)
    ok = CliRunner().invoke(app, ["verify", "--releases", str(root)])
    assert ok.exit_code == 0 and "ok 1.0.0" in ok.stdout
    target = root / "1.0.0" / "events.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    bad = CliRunner().invoke(app, ["verify", "--releases", str(root)])
    assert bad.exit_code == 1
    assert f"{target}: sha256" in bad.stderr and "does not match the manifest" in bad.stderr


def test_frictionless_validates_the_datapackage_with_foreign_keys(built_db, gate_report, tmp_path):
    import frictionless

    root = tmp_path / "releases"
    _publish(built_db, gate_report, root)
    package = root / "1.0.0" / "datapackage.json"
    meta = json.loads(package.read_text())
    assert any(r["schema"].get("foreignKeys") for r in meta["resources"])
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    # And the foreign keys are really checked: a statement by an unknown speaker is caught.
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE ('nobody-known' AS speaker_id) FROM "
        f"read_parquet('{root / '1.0.0' / 'statements.parquet'}')) TO '{tmp_path / 's.parquet'}' "
        "(FORMAT parquet)"
    )
    shutil.copy(tmp_path / "s.parquet", root / "1.0.0" / "statements.parquet")
    broken = frictionless.validate(str(package))
    assert not broken.valid
    assert any(e[0] == "foreign-key" for e in broken.flatten(["type"]))


def test_every_engine_reads_every_published_file_with_manifest_counts():
    published = release.versions(REPO_RELEASES)
    assert published, "no release is published in datasets/releases"
    for version in published:
        folder = REPO_RELEASES / version
        manifest = json.loads((folder / "manifest.json").read_text())
        assert release.verify_release(folder) == []
        for name, entry in manifest["files"].items():
            if not name.endswith(".parquet"):
                continue
            path = folder / name
            assert pq.read_table(path).num_rows == entry["rows"]
            assert len(pd.read_parquet(path)) == entry["rows"]
            assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == entry["rows"]


def test_connect_to_a_release_and_latest_says_which(capsys):
    import japan_nato

    published = release.versions(REPO_RELEASES)
    con = japan_nato.connect(version=published[0], releases=REPO_RELEASES)
    manifest = json.loads((REPO_RELEASES / published[0] / "manifest.json").read_text())
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == manifest["files"]["events.parquet"]["rows"]
    assert con.execute("SELECT version FROM release_info").fetchone()[0] == published[0]
    con = japan_nato.connect(releases=REPO_RELEASES)
    assert f"'latest' is release {published[-1]}" in capsys.readouterr().err
    result = CliRunner().invoke(
        app, ["sql", "--version", published[0], "--releases", str(REPO_RELEASES), "SELECT count(*) AS n FROM actors"]
    )
    assert result.exit_code == 0 and str(manifest["files"]["actors.parquet"]["rows"]) in result.stdout
    with pytest.raises(release.ReleaseError, match="no release 9.9.9"):
        japan_nato.connect(version="9.9.9", releases=REPO_RELEASES)


def test_failed_publish_leaves_every_release_as_it_was(curated_copy, tmp_path):
    """Broken curated input: publish exits 1 and no byte of any existing release changes."""
    from .curated_edit import edit, source

    root = tmp_path / "releases"
    shutil.copytree(REPO_RELEASES, root)
    before = {p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    path = source(curated_copy, "japan-warms-up-to-nato-2024")
    edit(path, lambda d: d["events"][0].update(status="happened"))
    args = ["publish", "--curated", str(curated_copy), "--releases", str(root)]
    if sources_dir():
        args += ["--sources-dir", str(sources_dir())]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert path.name in result.stderr and "status" in result.stderr and "nothing was published" in result.stderr
    after = {p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    assert after == before
