"""A new release describes itself: parquet schemas and metadata, a Frictionless package that
catches bad rows, Croissant metadata that validates, CITATION.cff and LICENSE."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml
from japan_nato.quality.gate import run_gate
from japan_nato.schema import catalog

from japan_nato import releases

from .conftest import ROOT, sources_dir


@pytest.fixture(scope="module")
def new_release(built_db, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("releases")
    report = run_gate(built_db, sources_dir(), record=False)
    plan = releases.publish(built_db, report, root, ROOT)
    return root / plan.version


def test_every_file_has_required_fields_and_its_metadata(new_release):
    files = sorted(new_release.glob("*.parquet"))
    assert len(files) == len(catalog.table_names()) + 1  # and quality_results
    for path in files:
        schema = pq.read_schema(path)
        meta = schema.metadata
        assert meta[b"dataset"] == b"japan-nato" and meta[b"version"] == new_release.name.encode()
        assert meta[b"description"]
        for field in schema:
            assert field.metadata and field.metadata[b"description"], (path.name, field.name)
        if path.stem not in catalog.table_names():
            continue
        spec = catalog.table(path.stem)
        assert json.loads(meta[b"primary_key"]) == list(spec.primary_key)
        assert meta[b"schema_revision"] and b"CC-BY-4.0" in meta[b"license"]
        assert meta[b"datapackage"].startswith(b"datapackage.json")
        assert json.loads(meta[b"columns"]) == {c.name: c.description for c in spec.columns}
        for c in spec.columns:
            field = schema.field(c.name)
            assert field.nullable is (not c.required), (path.name, c.name)
            assert field.metadata[b"description"].decode() == c.description
            if c.vocabulary:
                assert json.loads(field.metadata[b"values"]) == list(c.values)
        # A reader that never heard of pyarrow's schema sees the parquet repetition itself.
        parquet = pq.ParquetFile(path).schema
        for i, c in enumerate(spec.columns):
            assert (parquet.column(i).max_definition_level == 0) is c.required, (path.name, c.name)


def test_the_release_lists_and_hashes_every_file(new_release):
    manifest = json.loads((new_release / "manifest.json").read_text())
    assert set(manifest["files"]) == {p.name for p in new_release.iterdir()} - {"manifest.json"}
    assert {"datapackage.json", "croissant.json", "CITATION.cff", "LICENSE", "CHANGES.md"} <= set(manifest["files"])
    assert releases.verify_release(new_release) == []


def _crafted(new_release: Path, tmp_path: Path, table: str, sql: str) -> Path:
    """A copy of the release with one table's file rewritten by `sql` over it (as `t`)."""
    copy = tmp_path / "copy"
    shutil.copytree(new_release, copy)
    target = copy / f"{table}.parquet"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{new_release / f'{table}.parquet'}')")
    con.execute(sql)
    con.execute(f"COPY t TO '{target}' (FORMAT parquet)")
    con.close()
    return copy / "datapackage.json"


def _errors(package: Path) -> set[str]:
    import frictionless

    report = frictionless.validate(str(package))
    return {row[0] for row in report.flatten(["type"])}


def test_frictionless_accepts_the_release(new_release):
    assert _errors(new_release / "datapackage.json") == set()
    package = json.loads((new_release / "datapackage.json").read_text())
    events = next(r for r in package["resources"] if r["name"] == "events")
    kind = next(f for f in events["schema"]["fields"] if f["name"] == "kind")
    assert kind["constraints"] == {"required": True, "enum": list(catalog.table("events").column("kind").values)}


@pytest.mark.parametrize(
    "case, table, sql, error",
    [
        (
            "null in a required column",
            "events",
            "UPDATE t SET summary = NULL WHERE event_id = 'korean-war'",
            "constraint-error",
        ),
        (
            "value outside its vocabulary",
            "events",
            "UPDATE t SET kind = 'not-a-kind' WHERE event_id = 'korean-war'",
            "constraint-error",
        ),
        (
            "dangling foreign key",
            "statements",
            "UPDATE t SET speaker_id = 'nobody-known' WHERE rowid = 0",
            "foreign-key",
        ),
        ("duplicate primary key", "actors", "INSERT INTO t SELECT * FROM t WHERE actor_id = 'jpn'", "primary-key"),
    ],
)
def test_frictionless_rejects_a_crafted_copy(new_release, tmp_path, case, table, sql, error):
    assert error in _errors(_crafted(new_release, tmp_path, table, sql)), case


@pytest.mark.slow
def test_mlcroissant_validates_the_croissant_file(new_release):
    exe = Path(sys.executable).parent / "mlcroissant"
    out = subprocess.run(
        [str(exe), "validate", "--jsonld", str(new_release / "croissant.json")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_croissant_names_every_file_with_its_hash_and_every_table_with_its_key(new_release):
    meta = json.loads((new_release / "croissant.json").read_text())
    manifest = json.loads((new_release / "manifest.json").read_text())
    assert meta["conformsTo"] == "http://mlcommons.org/croissant/1.1" and meta["version"] == new_release.name
    assert meta["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert new_release.name in meta["citeAs"]
    hashes = {f["contentUrl"]: f["sha256"] for f in meta["distribution"]}
    assert hashes == {n: e["sha256"] for n, e in manifest["files"].items() if n.endswith(".parquet")}
    sets = {r["@id"]: r for r in meta["recordSet"]}
    assert set(sets) == set(catalog.table_names())
    events = sets["events"]
    assert events["key"] == [{"@id": "events/event_id"}]
    agreement = next(f for f in events["field"] if f["name"] == "agreement_id")
    assert agreement["references"] == {"field": {"@id": "agreements/agreement_id"}}


def test_citation_and_licence_files(new_release):
    cff = yaml.safe_load((new_release / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["version"] == new_release.name and cff["license"] == "CC-BY-4.0"
    assert cff["type"] == "dataset" and cff["authors"] and cff["message"]
    assert "CC BY 4.0" in (new_release / "LICENSE").read_text()
    newest = releases.versions(ROOT / "datasets" / "releases")[-1]
    # The repository's citation is the newest release's (publish copies it).
    assert (ROOT / "CITATION.cff").read_text() == (ROOT / "datasets" / "releases" / newest / "CITATION.cff").read_text()
    root_license = (ROOT / "LICENSE").read_text()
    assert "MIT License" in root_license and "CC BY 4.0" in root_license
