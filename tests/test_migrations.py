"""The schema exists only through Alembic revisions, and they match the SQLModel models."""

import duckdb
import sqlalchemy as sa
from japan_nato.schema import migrate
from japan_nato.schema.models import TABLES
from sqlmodel import SQLModel

CONTRACT = {
    "sources": ["source_id", "title", "publisher", "author", "published_on", "published_on_precision", "url", "sha256"],
    "actors": ["actor_id", "name", "kind", "iso3", "country_iso3", "wikidata_qid"],
    "actor_aliases": ["actor_id", "alias"],
    "actor_roles": ["person_id", "role", "organization_id", "start_on", "start_precision", "end_on", "end_precision"],
    "memberships": ["member_id", "group_id", "status", "start_on", "start_precision", "end_on", "end_precision"],
    "agreements": ["agreement_id", "name", "kind", "signed_on", "signed_precision", "status", "summary"],
    "agreement_parties": ["agreement_id", "actor_id", "role"],
    "events": ["event_id", "kind", "status", "summary", "start_on", "end_on", "date_precision"],
    "event_actors": ["event_id", "actor_id", "role"],
    "quantities": ["quantity_id", "record_table", "record_id", "measure", "low", "high", "unit"],
    "budgets": [
        "budget_id",
        "actor_id",
        "period_start",
        "period_end",
        "amount",
        "currency",
        "share_of_gdp_pct",
        "basis",
    ],
    "statements": ["statement_id", "speaker_id", "said_on", "said_precision", "text", "is_verbatim", "event_id"],
    "citations": ["record_table", "record_id", "source_id", "evidence"],
}


def _columns(db):
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    con.close()
    out = {}
    for t, c in rows:
        out.setdefault(t, []).append(c)
    return out


def test_upgrade_head_creates_every_contract_column(tmp_path):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    cols = _columns(db)
    for table, expected in CONTRACT.items():
        assert table in cols, f"contract table {table} missing"
        missing = set(expected) - set(cols[table])
        assert not missing, f"{table} lacks contract columns {missing}"
    assert migrate.current_revision(db) == migrate.head_revision()


def test_migrated_schema_matches_models(tmp_path):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    with migrate.connect(db) as conn:
        assert migrate.schema_drift(conn) == []


def test_drift_is_detected_when_a_model_gains_a_column(tmp_path, monkeypatch):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    col = sa.Column("drift_probe", sa.String, nullable=True)
    TABLES["events"].__table__.append_column(col)
    try:
        with migrate.connect(db) as conn:
            diffs = migrate.schema_drift(conn)
    finally:
        TABLES["events"].__table__._columns.remove(col)
    assert any(d[0] == "add_column" and d[3].name == "drift_probe" for d in diffs), diffs


def test_drift_is_detected_when_the_database_changes_a_type(tmp_path):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE budgets ALTER amount TYPE VARCHAR")
    con.close()
    with migrate.connect(db) as conn:
        diffs = migrate.schema_drift(conn)
    assert diffs and "amount" in repr(diffs)


def test_user_tables_are_not_drift(tmp_path):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE my_notes (id INTEGER, body VARCHAR)")
    con.close()
    with migrate.connect(db) as conn:
        assert migrate.schema_drift(conn) == []


def test_downgrade_to_base_removes_every_table(tmp_path):
    db = tmp_path / "x.duckdb"
    migrate.upgrade(db)
    migrate.downgrade(db, "base")
    assert set(_columns(db)) <= {"alembic_version"}
    assert set(SQLModel.metadata.tables) >= set(CONTRACT)
