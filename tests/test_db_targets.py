"""A database path is checked before a command uses it: `build` and `restore` replace only what they
may (a previous database of ours; anything else only with --force, a folder never), `upgrade` migrates
only a japan-nato database, a symbolic link is followed and kept, and a read-only file is one line."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from japan_nato.schema import migrate
from typer.testing import CliRunner

from japan_nato import dbfiles
from japan_nato.cli import app

from .conftest import ROOT

FAST_BUILD = ["--skip-gate", "--allow-missing-sources"]


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(result) -> str:
    """The command failed cleanly with exactly one line, `error: ...`; returns it."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


@pytest.fixture
def notes(tmp_path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("my notes, not a database\n", encoding="utf-8")
    return path


@pytest.fixture
def foreign_db(tmp_path) -> Path:
    """Another project's DuckDB file: a real database, none of our tables."""
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE); INSERT INTO invoices VALUES (1, 9.5)")
    con.close()
    return path


def test_build_refuses_a_text_file_and_force_replaces_it(notes):
    line = one_error_line(invoke("build", "--db", notes, *FAST_BUILD))
    assert line == (
        f"error: {notes} is not a DuckDB database (no DUCK at byte 8); not replaced: choose another --db, "
        "or add --force to replace it"
    )
    assert notes.read_text(encoding="utf-8") == "my notes, not a database\n"
    forced = invoke("build", "--db", notes, "--force", *FAST_BUILD)
    assert forced.exit_code == 0, forced.output
    assert dbfiles.inspect(notes).kind == "ours"


def test_build_refuses_another_projects_database(foreign_db):
    before = digest(foreign_db)
    line = one_error_line(invoke("build", "--db", foreign_db, *FAST_BUILD))
    assert "is a DuckDB database of another project: its tables (invoices) are not japan-nato's" in line
    assert line.endswith("add --force to replace it")
    assert digest(foreign_db) == before


def test_build_replaces_a_previous_build_of_ours(existing_db):
    result = invoke("build", "--db", existing_db, *FAST_BUILD)
    assert result.exit_code == 0, result.output


def test_build_through_a_symlink_replaces_the_file_and_keeps_the_link(existing_db, tmp_path):
    link = tmp_path / "link.duckdb"
    link.symlink_to(existing_db)
    inode = existing_db.stat().st_ino
    result = invoke("build", "--db", link, *FAST_BUILD)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == existing_db.resolve()
    assert existing_db.stat().st_ino != inode  # the file it points to is the new database
    assert not [p for p in existing_db.parent.iterdir() if p.name.endswith(".building")]


def test_a_link_to_nothing_is_refused(tmp_path):
    link = tmp_path / "dangling.duckdb"
    link.symlink_to(tmp_path / "nowhere.duckdb")
    line = one_error_line(invoke("build", "--db", link, *FAST_BUILD))
    assert "is a symbolic link to" in line and "which does not exist" in line
    assert not (tmp_path / "nowhere.duckdb").exists()


def test_a_folder_as_db_is_one_line(tmp_path):
    line = one_error_line(invoke("build", "--db", tmp_path, *FAST_BUILD))
    assert (
        line
        == f"error: {tmp_path} is a folder, not a database file; give --db the path of a file (in that folder, say)"
    )
    line = one_error_line(invoke("upgrade", tmp_path))
    assert line == f"error: {tmp_path} is a folder, not a database file; give the path of a japan-nato DuckDB database"


def test_upgrade_refuses_another_projects_database(foreign_db):
    before = digest(foreign_db)
    line = one_error_line(invoke("upgrade", foreign_db))
    assert line == (
        f"error: {foreign_db} is a DuckDB database of another project: its tables (invoices) are not japan-nato's; "
        "give the path of a japan-nato DuckDB database"
    )
    assert digest(foreign_db) == before
    assert [p.name for p in foreign_db.parent.iterdir()] == [foreign_db.name]  # no backup either


def test_upgrade_of_a_database_at_another_projects_alembic_revision_is_refused(tmp_path):
    path = tmp_path / "alembic-elsewhere.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR); INSERT INTO alembic_version VALUES ('ae1027a6')")
    con.close()
    line = one_error_line(invoke("upgrade", path))
    assert "it is at schema revision 'ae1027a6', not one of japan-nato's" in line


def test_restore_refuses_what_exists_and_force_replaces_it(notes, existing_db):
    line = one_error_line(invoke("restore", "--db", notes, "--version", "1.0.0"))
    assert "is not a DuckDB database" in line and line.endswith("add --force to replace it")
    line = one_error_line(invoke("restore", "--db", existing_db, "--version", "1.0.0"))
    assert (
        line
        == f"error: {existing_db} exists (a japan-nato database); choose another --db, or add --force to replace it"
    )
    forced = invoke("restore", "--db", notes, "--version", "1.0.0", "--force", "--releases", ROOT / "datasets/releases")
    assert forced.exit_code == 0, forced.output
    assert migrate.current_revision(notes) == migrate.head_revision()


def test_read_only_databases_are_one_line(built_db, tmp_path):
    """chmod a-w: refused by the commands that write (even for root, who could write it anyway);
    the ones that only read still work."""
    db = tmp_path / "protected.duckdb"
    shutil.copy(built_db, db)
    db.chmod(0o444)
    try:
        line = one_error_line(invoke("check", "--db", db, "--allow-missing-sources"))
        assert line == (
            f"error: {db} is read-only, and check records its results in it (quality_results); make it writable "
            f"(chmod u+w {db}), or work on a copy"
        )
        line = one_error_line(invoke("upgrade", db))
        assert "is read-only, and migrating rewrites it in place; make it writable" in line
        line = one_error_line(invoke("build", "--db", db, *FAST_BUILD))
        assert "is read-only (protected against writes)" in line
        assert invoke("stats", "--db", db).exit_code == 0
        assert invoke("sql", "--db", db, "SELECT count(*) FROM events").exit_code == 0
    finally:
        db.chmod(0o644)


def test_an_engine_error_on_check_is_one_line(built_db, tmp_path, monkeypatch):
    """What DuckDB says when it cannot write a file (a read-only mount, another process's lock) after the
    checks passed: one line, not SQLAlchemy's traceback."""
    from japan_nato.quality import gate

    db = tmp_path / "x.duckdb"
    shutil.copy(built_db, db)

    def refuse(*args, **kwargs):
        raise duckdb.IOException(f'IO Error: Cannot open file "{db}": Read-only file system\nmore detail')

    monkeypatch.setattr(gate, "run_gate", refuse)
    line = one_error_line(invoke("check", "--db", db, "--allow-missing-sources"))
    assert line.startswith(f'error: {db}: IO Error: Cannot open file "{db}": Read-only file system; ')


def test_sql_without_a_query_is_one_line():
    assert one_error_line(invoke("sql", "")) == (
        "error: no SQL given; pass a query as the argument, or pipe it on standard input"
    )


def test_known_revisions_are_alembics():
    assert dbfiles.revision_ids() == {r.revision for r in migrate.revisions()}


def test_an_empty_file_may_be_replaced_but_is_no_database(tmp_path):
    blank = tmp_path / "touched.duckdb"
    blank.touch()
    assert "is an empty file, not a DuckDB database" in one_error_line(invoke("check", "--db", blank))
    assert dbfiles.replaceable(blank) == blank
    assert os.path.getsize(blank) == 0
