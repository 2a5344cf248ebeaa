"""Migrations users can rely on: upgrades carry data forward and keep users' own tables, every
revision goes both ways on empty and populated databases, and old releases restore into head."""

import hashlib
import json
import shutil

import duckdb
import pytest
from alembic import command
from japan_nato.schema import migrate
from japan_nato.schema.catalog import primary_key
from japan_nato.schema.models import TABLES
from typer.testing import CliRunner

from japan_nato import releases as release
from japan_nato.cli import app
from japan_nato.releases import export as release_export

from .conftest import ROOT

V1 = "0001_schema_v1"
REPO_RELEASES = ROOT / "datasets" / "releases"

# Fixture rows at revision 1 (before role_class existed), written as a user of 1.0.0 would have them.
FIXTURE_SQL = """
INSERT INTO actors (actor_id, name, kind, iso3) VALUES ('jpn', 'Japan', 'state', 'JPN'),
    ('nato', 'NATO', 'organization', NULL), ('gen-nakatani', 'Gen Nakatani', 'person', NULL),
    ('fumio-kishida', 'Fumio Kishida', 'person', NULL), ('osamu-izawa', 'Osamu Izawa', 'person', NULL);
INSERT INTO actor_roles (role_id, person_id, role, organization_id, start_precision, end_precision,
                         observed_precision, posted_to_id) VALUES
    ('gen-nakatani--defense-minister', 'gen-nakatani', 'Defense Minister', 'jpn', 'unknown', 'unknown', 'unknown',
     NULL),
    ('fumio-kishida--prime-minister', 'fumio-kishida', 'Prime Minister', 'jpn', 'unknown', 'unknown', 'unknown', NULL),
    ('osamu-izawa--ambassador-to-nato', 'osamu-izawa', 'Ambassador to NATO', 'jpn', 'unknown', 'unknown', 'unknown',
     'nato'),
    ('fumio-kishida--chair', 'fumio-kishida', 'Party chairman', 'jpn', 'unknown', 'unknown', 'unknown', NULL);
INSERT INTO vocabularies VALUES ('actor_kind', 'state', 'a state');
"""
# A user's own tables: one of them references ours by foreign key, which DuckDB then protects.
USER_SQL = """
CREATE TABLE my_role_notes (note_id INTEGER PRIMARY KEY, role_id VARCHAR REFERENCES actor_roles (role_id),
                            body VARCHAR NOT NULL);
CREATE INDEX my_role_notes_body ON my_role_notes (body);
CREATE TABLE my_note_tags (note_id INTEGER REFERENCES my_role_notes (note_id), tag VARCHAR);
INSERT INTO my_role_notes VALUES (1, 'fumio-kishida--prime-minister', 'met Stoltenberg'),
                                 (2, 'gen-nakatani--defense-minister', 'IP4 meeting');
INSERT INTO my_note_tags VALUES (1, 'summit'), (2, 'ministers');
CREATE TABLE my_scratch AS SELECT 42 AS answer;
"""


def _content(db) -> dict[str, str]:
    """Every table's rows, as a digest per table, order-independent."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        out = {}
        for t in names:
            rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{t}"').fetchall())
            out[t] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def _sql(db, script: str, read_only=False):
    con = duckdb.connect(str(db), read_only=read_only)
    try:
        for stmt in filter(str.strip, script.split(";")):
            con.execute(stmt)
    finally:
        con.close()


def _rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def v1_db(tmp_path):
    db = tmp_path / "mine.duckdb"
    migrate.upgrade(db, V1)
    _sql(db, FIXTURE_SQL)
    _sql(db, USER_SQL)
    return db


def test_upgrade_carries_data_forward_transformed_and_keeps_user_tables(v1_db):
    before = _content(v1_db)
    result = CliRunner().invoke(app, ["upgrade", str(v1_db)])
    assert result.exit_code == 0, result.output
    assert migrate.current_revision(v1_db) == migrate.head_revision()
    # transformed: role_class derived from the free-text role
    classes = dict(_rows(v1_db, "SELECT role_id, role_class FROM actor_roles"))
    assert classes == {
        "gen-nakatani--defense-minister": "defence_minister",
        "fumio-kishida--prime-minister": "head_of_government",
        "osamu-izawa--ambassador-to-nato": "ambassador",
        "fumio-kishida--chair": "other",
    }
    # preserved: every other column of every row, and the other tables
    after = _content(v1_db)
    old_cols = _rows(v1_db, "SELECT * EXCLUDE (role_class) FROM actor_roles ORDER BY role_id")
    assert len(old_cols) == 4 and old_cols[2][7] == "unknown"
    for table in ("actors", "my_role_notes", "my_note_tags", "my_scratch"):
        assert after[table] == before[table], table
    # the user's foreign keys and index survive, and are still enforced
    ddl = _rows(v1_db, "SELECT sql FROM duckdb_tables() WHERE table_name = 'my_role_notes'")[0][0]
    assert "REFERENCES actor_roles(role_id)" in ddl
    assert _rows(v1_db, "SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'my_role_notes_body'")[0][0] == 1
    with pytest.raises(duckdb.ConstraintException):
        _sql(v1_db, "INSERT INTO my_role_notes VALUES (3, 'no-such-role', 'x')")
    # the vocabulary arrived with the revision
    assert _rows(v1_db, "SELECT count(*) FROM vocabularies WHERE vocabulary = 'role_class'")[0][0] >= 10
    # and a backup of the revision-1 file was written beside it
    backup = v1_db.with_name(v1_db.name + ".backup-" + V1)
    assert backup.exists() and migrate.current_revision(backup) == V1
    assert _content(backup) == before


def test_downgrade_then_upgrade_gives_the_same_content(v1_db):
    migrate.migrate_file(v1_db, "head")
    at_head = _content(v1_db)
    migrate.migrate_file(v1_db, V1)
    assert "role_class" not in [
        r[0]
        for r in _rows(v1_db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'actor_roles'")
    ]
    assert _rows(v1_db, "SELECT count(*) FROM my_note_tags")[0][0] == 2
    migrate.migrate_file(v1_db, "head")
    assert _content(v1_db) == at_head


@pytest.mark.parametrize("populated", [False, True])
def test_every_revision_goes_up_and_down(tmp_path, populated):
    db = tmp_path / "x.duckdb"
    revs = [r.revision for r in migrate.revisions()]
    assert revs[0] == V1 and len(revs) >= 2
    migrate.upgrade(db, revs[0])
    if populated:
        _sql(db, FIXTURE_SQL)
        _sql(db, USER_SQL)
    snapshots = {revs[0]: _content(db)}
    for rev in revs[1:]:
        migrate.upgrade(db, rev)
        assert migrate.current_revision(db) == rev
        snapshots[rev] = _content(db)
    for rev, down_to in zip(reversed(revs[1:]), reversed(revs[:-1]), strict=True):
        migrate.downgrade(db, down_to)
        assert migrate.current_revision(db) == down_to
        assert _content(db) == snapshots[down_to], f"downgrade of {rev} did not restore {down_to}"
    if populated:
        # Revision 1 cannot drop tables a user's table still references: it refuses, changing nothing.
        with pytest.raises(Exception, match="main key table"):
            migrate.downgrade(db, "base")
        assert migrate.current_revision(db) == revs[0] and _content(db) == snapshots[revs[0]]
    else:
        migrate.downgrade(db, "base")
        assert {r[0] for r in _rows(db, "SELECT table_name FROM duckdb_tables()")} == {"alembic_version"}


def test_downgrade_to_base_refuses_while_user_tables_reference_ours(v1_db):
    result = CliRunner().invoke(app, ["downgrade", str(v1_db), "--to", "base"])
    assert result.exit_code == 1
    assert "failed" in result.stderr and "nothing changed" in result.stderr
    assert migrate.current_revision(v1_db) == V1  # nothing half-done
    assert sorted(p.name for p in v1_db.parent.iterdir() if p.name.startswith(v1_db.name)) == [v1_db.name]
    assert _rows(v1_db, "SELECT count(*) FROM my_role_notes")[0][0] == 2


def test_alembic_check_reports_no_drift(tmp_path):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    cfg = migrate.alembic_config()
    with migrate.connect(db) as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises AutogenerateDiffsDetected on drift


def test_migrations_lists_revisions_and_the_current_one(v1_db):
    result = CliRunner().invoke(app, ["migrations", "--db", str(v1_db)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith(V1) and "current" in line for line in lines)
    assert any(line.startswith(migrate.head_revision()) and "head" in line for line in lines)


def test_restore_of_1_0_0_matches_the_current_build(built_db, tmp_path):
    assert "1.0.0" in release.versions(REPO_RELEASES)
    restored = tmp_path / "restored.duckdb"
    result = CliRunner().invoke(
        app, ["restore", "--version", "1.0.0", "--db", str(restored), "--releases", str(REPO_RELEASES)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((REPO_RELEASES / "1.0.0" / "manifest.json").read_text())
    assert manifest["schema_revision"] == V1
    assert migrate.current_revision(restored) == migrate.head_revision()
    # Which rows changed since 1.0.0: the diff between the release and today's build, exported.
    export = tmp_path / "now"
    export.mkdir()
    release_export.export_tables(built_db, export, "candidate", None)
    diff = {t.table: t for t in release.diff_releases(REPO_RELEASES / "1.0.0", export).tables}
    con = duckdb.connect()
    con.execute(f"ATTACH '{restored}' AS restored (READ_ONLY); ATTACH '{built_db}' AS built (READ_ONLY)")
    compared = 0
    for table in TABLES:
        pk = primary_key(table)
        key = " || ' | ' || ".join(f'CAST("{k}" AS VARCHAR)' for k in pk)
        changed = set(diff[table].rows_changed) | set(diff[table].rows_added) | set(diff[table].rows_removed)
        con.execute("CREATE OR REPLACE TEMP TABLE skip (k VARCHAR)")
        if changed:
            con.executemany("INSERT INTO skip VALUES (?)", [(k,) for k in changed])
        # The columns 1.0.0 has: later revisions' columns are filled by their rules on restore, by the
        # curators in a build.
        if not (REPO_RELEASES / "1.0.0" / f"{table}.parquet").exists():
            continue
        cols = ", ".join(
            f'"{c}"' for c in release.metadata.parquet_columns_names(REPO_RELEASES / "1.0.0" / f"{table}.parquet")
        )
        rows = {}
        for db in ("restored", "built"):
            rows[db] = con.execute(
                f'SELECT {cols} FROM {db}."{table}" WHERE {key} NOT IN (SELECT k FROM skip) ORDER BY {", ".join(pk)}'
            ).fetchall()
        assert rows["restored"] == rows["built"], f"{table}: unchanged rows differ after restore + upgrade"
        compared += len(rows["built"])
    con.close()
    assert compared >= 1000  # most of the dataset, not a handful of rows
    assert (
        CliRunner()
        .invoke(app, ["restore", "--version", "1.0.0", "--db", str(restored), "--releases", str(REPO_RELEASES)])
        .exit_code
        == 1
    )  # never overwrites


V2 = "0002_role_class"
V3 = "0003_attribution"
# Rows at revision 2, as a user of release 2.1.1 would have them: a relayed statement, an own one, a
# planned event, figures open above and below, a dated event with a curator's note.
V2_SQL = """
INSERT INTO statements (statement_id, speaker_id, said_precision, text, is_verbatim, reported_by_id) VALUES
    ('ap--tomahawk', 'associated-press', 'unknown', 'Tomahawks to Japan', false, 'associated-press'),
    ('gen-nakatani--quote', 'gen-nakatani', 'unknown', 'a quote', true, NULL);
INSERT INTO events (event_id, kind, status, summary, start_on, date_precision, note) VALUES
    ('planned-deployment', 'troop_deployment', 'planned', 'A deployment', NULL, 'unknown', NULL),
    ('visit-2025', 'visit', 'occurred', 'A visit', DATE '2025-01-01', 'month', '"last week" resolved against the date'),
    ('summit-2023', 'summit', 'occurred', 'A summit', DATE '2023-07-01', 'month', 'Year inferred from the caption');
INSERT INTO quantities (quantity_id, record_table, record_id, measure, low, high, unit) VALUES
    ('q-at-least', 'events', 'planned-deployment', 'troops', 2, NULL, 'count'),
    ('q-up-to', 'events', 'planned-deployment', 'troops', NULL, 2, 'count'),
    ('q-range', 'events', 'planned-deployment', 'troops', 11000, 13000, 'count');
CREATE TABLE my_statement_notes (statement_id VARCHAR REFERENCES statements (statement_id), body VARCHAR);
INSERT INTO my_statement_notes VALUES ('ap--tomahawk', 'check the AP wire');
"""


def test_revision_3_upgrades_a_revision_2_database_and_downgrades_back(v1_db):
    migrate.migrate_file(v1_db, V2, backup=False)
    _sql(v1_db, V2_SQL)
    at_v2 = _content(v1_db)
    before, after, backup = migrate.migrate_file(v1_db, V3)
    assert (before, after) == (V2, V3) and backup.exists()
    assert dict(_rows(v1_db, "SELECT statement_id, asserted_by FROM statements")) == {
        "ap--tomahawk": "relayed",
        "gen-nakatani--quote": "actor",
    }
    assert dict(_rows(v1_db, "SELECT event_id, certainty FROM events")) == {
        "planned-deployment": "planned",
        "visit-2025": "stated",
        "summit-2023": "stated",
    }
    assert dict(_rows(v1_db, "SELECT event_id, date_basis FROM events")) == {
        "planned-deployment": None,
        "visit-2025": "resolved",
        "summit-2023": "inferred",
    }
    assert dict(_rows(v1_db, "SELECT quantity_id, qualifier FROM quantities")) == {
        "q-at-least": "at_least",
        "q-up-to": "at_most",
        "q-range": "exact",
    }
    assert _rows(v1_db, "SELECT count(*) FROM vocabularies WHERE vocabulary = 'certainty'")[0][0] == 5
    assert _rows(v1_db, "SELECT count(*) FROM source_anomalies")[0][0] == 0
    # The user's table that references statements is kept, with its rows and its foreign key.
    assert _rows(v1_db, "SELECT body FROM my_statement_notes") == [("check the AP wire",)]
    with pytest.raises(duckdb.ConstraintException):
        _sql(v1_db, "INSERT INTO my_statement_notes VALUES ('no-such-statement', 'x')")
    for table in ("my_role_notes", "my_note_tags", "my_scratch"):
        assert _content(v1_db)[table] == at_v2[table]
    migrate.migrate_file(v1_db, V2, backup=False)
    assert _content(v1_db) == at_v2


def test_restore_refuses_a_tampered_release(tmp_path):
    root = tmp_path / "releases"
    shutil.copytree(REPO_RELEASES / "1.0.0", root / "1.0.0")
    path = root / "1.0.0" / "actors.parquet"
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    result = CliRunner().invoke(
        app, ["restore", "--version", "1.0.0", "--db", str(tmp_path / "r.duckdb"), "--releases", str(root)]
    )
    assert result.exit_code == 1 and "does not match its manifest" in result.stderr
    assert not (tmp_path / "r.duckdb").exists()
