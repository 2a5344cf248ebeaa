"""`japan-nato export iceberg`: every release an Iceberg snapshot per table, tagged, read back exactly.

One export is shared by the module: every release but the newest first, then the newest, as a
user who exports after each publish would; each test reads that catalog. Rows are compared with
the release's own parquet, every table at every tag.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from japan_nato.schema import catalog
from typer.testing import CliRunner

from japan_nato.cli import app
from japan_nato.releases import ReleaseError, versions
from japan_nato.releases.iceberg import export_iceberg, open_catalog

ROOT = Path(__file__).resolve().parents[1]
RELEASES = ROOT / "datasets" / "releases"
PUBLISHED = versions(RELEASES)
NAMESPACE = "japan_nato"


def link_releases(root: Path, names: list[str]) -> Path:
    """A releases folder holding `names` (links to the published folders, which stay untouched)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not (root / name).exists():
            (root / name).symlink_to(RELEASES / name, target_is_directory=True)
    return root


def history(cat) -> dict[str, dict]:
    """Per table: its snapshots (id, parent, operation, manifest list, summary) and its tags."""
    found = {}
    for ident in cat.list_tables(NAMESPACE):
        tbl = cat.load_table(ident)
        found[ident[-1]] = {
            "snapshots": [
                (
                    s.snapshot_id,
                    s.parent_snapshot_id,
                    s.summary.operation.value,
                    s.manifest_list,
                    dict(s.summary.additional_properties),
                )
                for s in tbl.snapshots()
            ],
            "tags": {n: r.snapshot_id for n, r in tbl.metadata.refs.items() if r.snapshot_ref_type.value == "tag"},
            "metadata": tbl.metadata_location,
        }
    return found


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    base = tmp_path_factory.mktemp("lake")
    uri, warehouse = str(base / "catalog.db"), str(base / "warehouse")
    root = link_releases(base / "releases", PUBLISHED[:-1])
    first = export_iceberg(root, uri, warehouse)
    cat = open_catalog(uri, warehouse)
    before = history(cat)
    link_releases(root, PUBLISHED[-1:])
    second = export_iceberg(root, uri, warehouse)
    return {
        "catalog": cat,
        "uri": uri,
        "warehouse": warehouse,
        "root": root,
        "first": first,
        "second": second,
        "before": before,
        "after": history(cat),
    }


def releases_with(table: str) -> list[str]:
    """The published versions that hold `table` (a table a later revision adds is absent before it)."""
    return [v for v in PUBLISHED if (RELEASES / v / f"{table}.parquet").exists()]


def sort_key(table: str):
    key = catalog.primary_key(table)
    return lambda row: tuple(row[k] for k in key)


def test_there_are_releases_to_export():
    assert len(PUBLISHED) >= 2, "the export tests need at least two published releases"


def test_time_travel_by_tag_returns_each_release_rows_for_every_table(lake):
    cat = lake["catalog"]
    mismatches = []
    for table in catalog.table_names():
        tbl = cat.load_table((NAMESPACE, table))
        absent = [v for v in PUBLISHED if v not in releases_with(table)]
        if any(tbl.snapshot_by_name(v) for v in absent):
            mismatches.append(f"{table}: tagged at {absent}, releases that do not hold it")
        for version in releases_with(table):
            expected = pq.read_table(RELEASES / version / f"{table}.parquet")
            got = tbl.scan(snapshot_id=tbl.snapshot_by_name(version).snapshot_id).to_arrow()
            if got.column_names != expected.column_names:
                mismatches.append(f"{table}@{version}: columns {got.column_names} != {expected.column_names}")
                continue
            key = sort_key(table)
            if sorted(got.to_pylist(), key=key) != sorted(expected.to_pylist(), key=key):
                mismatches.append(f"{table}@{version}: rows differ ({got.num_rows} vs {expected.num_rows})")
    assert not mismatches, mismatches


def test_each_release_is_exactly_one_snapshot_per_table_in_version_order(lake):
    assert {t: len(releases_with(t)) for t in catalog.table_names()}["source_anomalies"] < len(PUBLISHED)
    for table, h in lake["after"].items():
        snapshots, held = h["snapshots"], releases_with(table)
        assert len(snapshots) == len(held), f"{table}: {[s[2] for s in snapshots]}"
        # Each snapshot is the child of the one before and carries its release's tag: no empty
        # DELETE snapshot between two releases.
        assert [s[1] for s in snapshots] == [None] + [s[0] for s in snapshots[:-1]]
        assert [s[2] for s in snapshots] == ["append"] + ["overwrite"] * (len(held) - 1)
        assert h["tags"] == {v: s[0] for v, s in zip(held, snapshots, strict=True)}
        for version, s in zip(held, snapshots, strict=True):
            rows = pq.ParquetFile(RELEASES / version / f"{table}.parquet").metadata.num_rows
            assert s[4]["japan-nato.version"] == version
            assert int(s[4]["total-records"]) == rows, f"{table}@{version}"


def test_the_next_release_adds_one_snapshot_per_table_and_changes_none_before(lake):
    before, after = lake["before"], lake["after"]
    newest = PUBLISHED[-1]
    added = {t for t in catalog.table_names() if releases_with(t) == [newest]}  # tables its revision adds
    assert set(after) == set(before) | added == set(catalog.table_names())
    assert lake["second"].exported == {newest: catalog.table_names()}
    assert lake["second"].skipped == PUBLISHED[:-1]
    for table in added:
        assert len(after[table]["snapshots"]) == 1 and set(after[table]["tags"]) == {newest}
    for table in set(after) - added:
        assert after[table]["snapshots"][:-1] == before[table]["snapshots"], table
        assert len(after[table]["snapshots"]) == len(before[table]["snapshots"]) + 1
        assert {t: s for t, s in after[table]["tags"].items() if t != newest} == before[table]["tags"]


def test_a_column_added_in_a_release_is_a_schema_change_not_a_rewrite(lake):
    tbl = lake["catalog"].load_table((NAMESPACE, "actor_roles"))
    first, second = (tbl.snapshot_by_name(v) for v in PUBLISHED[:2])
    old, new = tbl.schemas()[first.schema_id], tbl.schemas()[second.schema_id]
    assert "role_class" not in old.column_names and "role_class" in new.column_names
    # The same table (no drop and recreate): the columns it had keep their field IDs.
    assert {f.name: f.field_id for f in old.fields} == {
        f.name: f.field_id for f in new.fields if f.name in old.column_names
    }
    assert tbl.snapshot_by_name(PUBLISHED[0]).snapshot_id == lake["before"]["actor_roles"]["tags"][PUBLISHED[0]]


def test_required_columns_keys_and_docs_come_from_the_declarations(lake):
    # The premise: releases before 2.1.1 wrote every column nullable.
    assert pq.read_schema(RELEASES / PUBLISHED[0] / "events.parquet").field("event_id").nullable
    for spec in catalog.tables():
        tbl = lake["catalog"].load_table((NAMESPACE, spec.name))
        schema = tbl.schema()
        assert schema.identifier_field_names() == set(spec.primary_key), spec.name
        assert tbl.properties["comment"] == spec.description
        for c in spec.columns:
            f = schema.find_field(c.name)
            assert (f.required, f.doc) == (c.required, c.description), f"{spec.name}.{c.name}"
        # ...and old snapshots are read with the required fields too.
        first = tbl.schemas()[tbl.snapshot_by_name(releases_with(spec.name)[0]).schema_id]
        assert first.identifier_field_names() == set(spec.primary_key)


def test_re_running_the_export_changes_nothing(lake):
    again = export_iceberg(lake["root"], lake["uri"], lake["warehouse"])
    assert again.exported == {} and again.skipped == PUBLISHED
    assert history(lake["catalog"]) == lake["after"]


def test_a_tampered_release_is_refused_and_nothing_is_written(tmp_path):
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / PUBLISHED[0], root / PUBLISHED[0])
    events = root / PUBLISHED[0] / "events.parquet"
    data = bytearray(events.read_bytes())
    data[len(data) // 2] ^= 0xFF
    events.write_bytes(bytes(data))
    result = CliRunner().invoke(
        app,
        [
            "export",
            "iceberg",
            "--catalog",
            str(tmp_path / "catalog.db"),
            "--warehouse",
            str(tmp_path / "wh"),
            "--releases",
            str(root),
        ],
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"error: release {PUBLISHED[0]} does not match its manifest")
    assert "events.parquet" in lines[0]
    assert not (tmp_path / "catalog.db").exists() and not (tmp_path / "wh").exists()


def test_an_older_release_after_a_newer_one_is_refused(tmp_path, lake):
    # A catalog that holds only the newest release cannot take an older one after it.
    uri, warehouse = str(tmp_path / "catalog.db"), str(tmp_path / "wh")
    export_iceberg(link_releases(tmp_path / "newest", PUBLISHED[-1:]), uri, warehouse)
    before = history(open_catalog(uri, warehouse))
    with pytest.raises(ReleaseError, match=f"newer than {PUBLISHED[0]}.*nothing was exported"):
        export_iceberg(link_releases(tmp_path / "all", PUBLISHED), uri, warehouse)
    assert history(open_catalog(uri, warehouse)) == before


def test_export_iceberg_explains_itself_and_rejects_a_bad_catalog(tmp_path):
    help_text = CliRunner().invoke(app, ["export", "iceberg", "--help"]).output
    assert "--catalog" in help_text and "--warehouse" in help_text and "--namespace" in help_text
    result = CliRunner().invoke(
        app, ["export", "iceberg", "--catalog", "http://localhost/x", "--warehouse", str(tmp_path / "wh")]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: --catalog http://localhost/x: not a SQL catalog; give a SQLAlchemy URL such as "
        "sqlite:////abs/path/catalog.db"
    ]
    assert not (tmp_path / "wh").exists()
    result = CliRunner().invoke(
        app, ["export", "iceberg", "--catalog", str(tmp_path / "c.db"), "--warehouse", "s3://bucket/warehouse"]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: --warehouse s3://bucket/warehouse: only a folder or a file:// URI is supported; give a local folder"
    ]
    assert not (tmp_path / "c.db").exists()


def duckdb_with_iceberg():
    """DuckDB with the iceberg extension (and avro, which it needs) loaded from their wheels, offline."""
    import duckdb
    import duckdb_extension_avro
    import duckdb_extension_iceberg

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for module, name in ((duckdb_extension_avro, "avro"), (duckdb_extension_iceberg, "iceberg")):
        con.load_extension(
            str(Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension")
        )
    return con


def test_duckdb_iceberg_scan_reads_each_tag_offline(lake):
    con = duckdb_with_iceberg()
    for table in ("actor_roles", "events"):
        tbl = lake["catalog"].load_table((NAMESPACE, table))
        metadata = tbl.metadata_location.removeprefix("file://")
        for version in (PUBLISHED[0], PUBLISHED[-1]):
            snapshot = tbl.snapshot_by_name(version).snapshot_id
            scan = f"iceberg_scan('{metadata}', snapshot_from_id = {snapshot})"
            release = f"read_parquet('{RELEASES / version / table}.parquet')"
            columns = [d[0] for d in con.sql(f"SELECT * FROM {scan} LIMIT 0").description]
            assert columns == pq.read_schema(RELEASES / version / f"{table}.parquet").names
            differ = con.sql(
                f"SELECT count(*) FROM ((FROM {scan} EXCEPT ALL FROM {release}) UNION ALL "
                f"(FROM {release} EXCEPT ALL FROM {scan}))"
            ).fetchone()[0]
            count = con.sql(f"SELECT count(*) FROM {scan}").fetchone()[0]
            assert (differ, count) == (0, pq.ParquetFile(RELEASES / version / f"{table}.parquet").metadata.num_rows)


def spark_session():
    """Local Spark with the Iceberg runtime jar from PyPI (no Maven): Spark 3.5, Scala 2.12."""
    import snowpark_connect_deps_iceberg
    from pyspark.sql import SparkSession

    jar = next(snowpark_connect_deps_iceberg.get_jars_dir().glob("iceberg-spark-runtime-3.5_2.12-*.jar"))
    return (
        SparkSession.builder.master("local[2]")
        .appName("japan-nato-iceberg-test")
        .config("spark.jars", str(jar))
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )


JOIN = """
    SELECT e.event_id, ea.role, a.actor_id, a.name
    FROM events e JOIN event_actors ea ON ea.event_id = e.event_id JOIN actors a ON a.actor_id = ea.actor_id
    WHERE ea.role = 'initiator'
"""


@pytest.mark.slow
def test_spark_reads_the_tables_at_two_tags_and_joins_them(lake):
    """Spark's own Iceberg reader (the Java one) resolves each tag, its schema and its files from the
    table metadata pyiceberg wrote; the join matches the same join over the release's parquet."""
    import duckdb

    spark = spark_session()
    try:
        for version in (PUBLISHED[0], PUBLISHED[-1]):
            for table in ("events", "event_actors", "actors", "actor_roles"):
                metadata = lake["catalog"].load_table((NAMESPACE, table)).metadata_location
                frame = spark.read.format("iceberg").option("tag", version).load(metadata)
                frame.createOrReplaceTempView(table)
            roles = spark.table("actor_roles").columns
            assert ("role_class" in roles) == (version != PUBLISHED[0])
            got = sorted(tuple(r) for r in spark.sql(JOIN).collect())
            con = duckdb.connect()
            for table in ("events", "event_actors", "actors"):
                con.execute(f"CREATE VIEW {table} AS FROM read_parquet('{RELEASES / version / table}.parquet')")
            expected = sorted(con.sql(JOIN).fetchall())
            assert got == expected and len(got) > 10, version
    finally:
        spark.stop()


DOC = ROOT / "docs" / "lakehouse.md"
SQLITE_JDBC = Path("/usr/share/java/sqlite-jdbc.jar")


def doc_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def doc_folder(tmp_path_factory):
    """A folder laid out like the repository, with the export docs/lakehouse.md tells users to run."""
    folder = tmp_path_factory.mktemp("doc")
    link_releases(folder / "datasets" / "releases", PUBLISHED)
    (folder / "build" / "lake").mkdir(parents=True)
    command = re.search(r"^(japan-nato export iceberg .*)$", DOC.read_text(encoding="utf-8"), flags=re.M).group(1)
    args = command.split()[1:]
    out = subprocess.run([sys.executable, "-m", "japan_nato.cli", *args], cwd=folder, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("code", doc_blocks(), ids=lambda c: c.strip().splitlines()[-1][:50])
def test_lakehouse_doc_example_runs(code, doc_folder):
    if "sqlite-jdbc.jar" in code and not SQLITE_JDBC.exists():
        pytest.skip(f"needs the SQLite JDBC driver at {SQLITE_JDBC}: apt-get install libxerial-sqlite-jdbc-java")
    out = subprocess.run([sys.executable, "-c", code], cwd=doc_folder, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip(), "the example printed nothing"


def test_a_null_in_a_required_column_is_refused_and_nothing_is_written(tmp_path):
    """An old (all-nullable) release whose file, with a manifest to match, has an empty primary key."""
    from japan_nato.releases.export import file_entries

    folder = tmp_path / "releases" / PUBLISHED[0]
    shutil.copytree(RELEASES / PUBLISHED[0], folder)
    events = pq.read_table(folder / "events.parquet")
    ids = events.column("event_id").to_pylist()
    ids[0] = None
    pq.write_table(events.set_column(0, "event_id", pa.array(ids, pa.string())), folder / "events.parquet")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"].update(file_entries(folder, ["events.parquet"]))
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ReleaseError, match="1 empty value.s. in event_id, which the schema declares required"):
        export_iceberg(folder.parent, str(tmp_path / "catalog.db"), str(tmp_path / "wh"))
    assert not (tmp_path / "catalog.db").exists() and not (tmp_path / "wh").exists()


def test_export_json_is_one_document_saying_what_it_skipped(lake):
    args = ["export", "iceberg", "--catalog", lake["uri"], "--warehouse", lake["warehouse"]]
    result = CliRunner().invoke(app, [*args, "--releases", str(lake["root"]), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "namespace": NAMESPACE, "exported": {}, "skipped": PUBLISHED}
