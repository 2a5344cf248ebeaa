"""`upgrade` and `downgrade` never leave a partial state: the backup is whole or absent even when the
process is killed mid-copy, a refused downgrade changes nothing, and a wrong direction or an unknown
revision is refused before anything is written."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import duckdb
import pytest
from japan_nato.schema import migrate
from typer.testing import CliRunner

from japan_nato.cli import app

from .conftest import ROOT
from .test_upgrade import FIXTURE_SQL, USER_SQL, V1, _sql

KNOWN = "0001_schema_v1, 0002_role_class, 0003_attribution, head, base"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


@pytest.fixture
def head_db(tmp_path):
    """A user's database at head with their own table referencing ours (which DuckDB protects)."""
    db = tmp_path / "mine.duckdb"
    migrate.upgrade(db, V1)
    _sql(db, FIXTURE_SQL)
    _sql(db, USER_SQL)
    migrate.migrate_file(db, "head", backup=False)
    return db


def _siblings(db) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p != db)


def test_a_kill_during_the_backup_copy_leaves_no_file_under_the_backup_name(tmp_path):
    db = tmp_path / "old.duckdb"
    migrate.upgrade(db, V1)
    _sql(db, FIXTURE_SQL)
    before = digest(db)
    # The copy writes its first 4 KiB, then the process dies as under SIGKILL: no cleanup runs.
    script = textwrap.dedent(f"""
        import os
        real = os.sendfile
        def dying(out_fd, in_fd, offset, count):
            real(out_fd, in_fd, offset, min(count, 4096))
            os._exit(9)
        os.sendfile = dying
        from japan_nato.schema.migrate import migrate_file
        migrate_file({str(db)!r}, "head")
    """)
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    assert not db.with_name(f"{db.name}.backup-{V1}").exists()
    assert digest(db) == before and migrate.current_revision(db) == V1
    (partial,) = _siblings(db)
    assert partial.endswith(".partial")
    # The next upgrade clears the dead process's partial copy and writes a whole backup.
    result = invoke("upgrade", db)
    assert result.exit_code == 0, result.output
    assert _siblings(db) == [f"{db.name}.backup-{V1}"]
    assert migrate.current_revision(db.with_name(f"{db.name}.backup-{V1}")) == V1


def test_a_refused_downgrade_to_base_changes_nothing(head_db):
    before = digest(head_db)
    result = invoke("downgrade", head_db, "--to", "base")
    assert digest(head_db) == before  # byte for byte: role_class and its vocabulary are still there
    assert _siblings(head_db) == []  # and the backup it wrote first is gone again: nothing changed
    line = one_error_line(result)
    assert line.startswith(f"error: {head_db}: migrating 0003_attribution -> base failed (Catalog Error: ")
    assert "nothing changed, it is still at 0003_attribution" in line
    assert line.endswith("drop your tables' foreign keys to ours first")
    con = duckdb.connect(str(head_db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM vocabularies WHERE vocabulary = 'role_class'").fetchone()[0] > 0
        assert con.execute("SELECT count(role_class) FROM actor_roles").fetchone()[0] == 4
    finally:
        con.close()


def test_upgrade_to_an_older_revision_is_refused(head_db):
    before = digest(head_db)
    line = one_error_line(invoke("upgrade", head_db, "--to", V1))
    assert line == (
        f"error: {head_db} is at 0003_attribution, newer than {V1}; upgrade only moves forward: "
        f"use `japan-nato downgrade {head_db} --to {V1}`"
    )
    assert digest(head_db) == before and _siblings(head_db) == []


def test_downgrade_to_a_newer_revision_is_refused(tmp_path):
    db = tmp_path / "v1.duckdb"
    migrate.upgrade(db, V1)
    line = one_error_line(invoke("downgrade", db, "--to", "head"))
    assert line == (
        f"error: {db} is at {V1}, older than head; downgrade only moves back: use `japan-nato upgrade {db} --to head`"
    )
    assert migrate.current_revision(db) == V1 and _siblings(db) == []


@pytest.mark.parametrize("command", ["upgrade", "downgrade"])
def test_an_unknown_revision_is_refused_before_any_backup(head_db, command):
    before = digest(head_db)
    line = one_error_line(invoke(command, head_db, "--to", "nonsense"))
    assert line == f"error: unknown revision 'nonsense'; give --to one of: {KNOWN}"
    assert digest(head_db) == before and _siblings(head_db) == []


def test_restore_to_an_unknown_revision_writes_nothing(tmp_path):
    db = tmp_path / "restored.duckdb"
    line = one_error_line(invoke("restore", "--db", db, "--version", "1.0.0", "--to", "nonsense"))
    assert line == f"error: unknown revision 'nonsense'; give --to one of: {KNOWN}"
    assert os.listdir(tmp_path) == []


def test_the_log_a_killed_writer_left_is_folded_in_by_the_next_upgrade(head_db):
    """A process killed after committing leaves its write-ahead log beside the file; an upgrade with
    nothing to migrate must still fold it in (a torture kill found it left there)."""
    writer = (
        "import duckdb, os, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute('CREATE TABLE my_x AS SELECT 1 AS a'); os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", writer, str(head_db)], check=False)
    wal = head_db.with_name(head_db.name + ".wal")
    assert wal.exists()  # the premise
    result = invoke("upgrade", head_db)
    assert result.exit_code == 0, result.output
    assert not wal.exists() and _siblings(head_db) == []
    con = duckdb.connect(str(head_db), read_only=True)
    try:
        assert con.execute("SELECT a FROM my_x").fetchall() == [(1,)]
    finally:
        con.close()
