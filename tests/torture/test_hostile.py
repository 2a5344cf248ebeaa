"""Hostile arguments: path traversal in versions, SQL that writes or reads files, settings that undo
the sandbox, quotes in paths, and targets that are not what the command may overwrite (a file that is
not a DuckDB database, a user's own DuckDB, a symlink, an older or unknown revision).

Each must be refused: exit 1, at most one line saying why and the `error:` summary, no traceback,
and nothing written anywhere in the test's folder (its releases copy included). A case counts
`refused` when all of that holds, else `let through`."""

from __future__ import annotations

import shutil
from functools import cached_property
from pathlib import Path

import duckdb
import pytest
from japan_nato.schema import migrate
from typer.testing import CliRunner

from japan_nato.cli import app

from ..test_upgrade import FIXTURE_SQL, USER_SQL, V1, V2, _sql
from . import figures
from .helpers import RELEASES, tree_digest

pytestmark = pytest.mark.torture

NEWEST = "3.0.0"
NOWHERE = "http://127.0.0.1:9/"  # a base URL nothing answers at: nothing may be fetched anyway


class World:
    """The test's folder: a releases copy, databases of several kinds, a plain file; made on demand."""

    def __init__(self, root: Path, built_db: Path):
        self.root, self.built_db = root, built_db

    @cached_property
    def releases(self) -> Path:
        r = self.root / "releases"
        for v in ("2.1.1", NEWEST):
            shutil.copytree(RELEASES / v, r / v)
            for p in (r / v).iterdir():
                p.chmod(0o444)  # as published
        return r

    @cached_property
    def db(self) -> Path:
        path = self.root / "japan_nato.duckdb"
        shutil.copy(self.built_db, path)
        return path

    @cached_property
    def quoted_db(self) -> Path:
        path = self.root / "it's.duckdb"
        shutil.copy(self.built_db, path)
        return path

    @cached_property
    def notes(self) -> Path:
        path = self.root / "notes.txt"
        path.write_text("a user's notes, not a database\n", encoding="utf-8")
        return path

    @cached_property
    def foreign(self) -> Path:
        """A user's own DuckDB database, not japan-nato's."""
        path = self.root / "mine.duckdb"
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE my_notes (id INTEGER, body VARCHAR); INSERT INTO my_notes VALUES (1, 'mine')")
        con.close()
        return path

    @cached_property
    def link_to_notes(self) -> Path:
        """A symlink to a user's text file: a link is followed (tests/test_db_targets.py), so the file it
        points to is what must not be overwritten."""
        path = self.root / "notes-link.duckdb"
        path.symlink_to(self.notes)
        return path

    @cached_property
    def dangling(self) -> Path:
        path = self.root / "dangling.duckdb"
        path.symlink_to(self.root / "not-there.duckdb")
        return path

    @cached_property
    def v1_with_user_tables(self) -> Path:
        """Revision 1 with a user's tables that reference ours (so a downgrade to base must refuse)."""
        path = self.root / "v1.duckdb"
        migrate.upgrade(path, V1)
        _sql(path, FIXTURE_SQL)
        _sql(path, USER_SQL)
        return path


def sql(w: World, query: str) -> list[str]:
    return ["sql", "--releases", str(w.releases), "--version", NEWEST, query]


def on_db(w: World, query: str) -> list[str]:
    return ["sql", "--db", str(w.db), query]


def download(w: World, version: str) -> list[str]:
    return ["download", version, "--dir", str(w.root / "dl"), "--base-url", NOWHERE]


CASES = {
    # versions that are paths
    "sql --version ../../etc": lambda w: ["sql", "--releases", str(w.releases), "--version", "../../etc", "SELECT 1"],
    "sql --version ../2.1.1": lambda w: ["sql", "--releases", str(w.releases), "--version", "../2.1.1", "SELECT 1"],
    "sql --version /etc": lambda w: ["sql", "--releases", str(w.releases), "--version", "/etc", "SELECT 1"],
    "verify ../x": lambda w: ["verify", "--releases", str(w.releases), "../x"],
    "verify ../3.0.0": lambda w: ["verify", "--releases", str(w.releases), f"../{NEWEST}"],
    "verify /etc": lambda w: ["verify", "--releases", str(w.releases), "/etc"],
    "download ../x": lambda w: download(w, "../x"),
    "download ../../etc": lambda w: download(w, "../../etc"),
    "download 1.0.0/../../x": lambda w: download(w, "1.0.0/../../x"),
    "restore --version ../3.0.0": lambda w: [
        "restore", "--version", f"../{NEWEST}", "--db", str(w.root / "r.duckdb"), "--releases", str(w.releases),
    ],
    # SQL that writes
    "sql: COPY TO a release's file": lambda w: sql(
        w, f"COPY (SELECT 1 AS a) TO '{w.releases / NEWEST / 'events.parquet'}' (FORMAT parquet)"
    ),
    "sql: COPY TO a new file in the release": lambda w: sql(w, f"COPY (SELECT 1) TO '{w.releases / NEWEST / 'x.csv'}'"),
    "sql: COPY TO a file elsewhere": lambda w: sql(w, f"COPY (SELECT 1) TO '{w.root / 'pwned.csv'}'"),
    "sql: ATTACH a new database in the release": lambda w: sql(w, f"ATTACH '{w.releases / NEWEST / 'new.duckdb'}'"),
    "sql: ATTACH a database elsewhere": lambda w: sql(w, f"ATTACH '{w.root / 'other.duckdb'}'"),
    "sql: EXPORT DATABASE into the release": lambda w: sql(w, f"EXPORT DATABASE '{w.releases / NEWEST / 'exp'}'"),
    "sql --db: COPY TO": lambda w: on_db(w, f"COPY (SELECT 1) TO '{w.root / 'pwned.csv'}'"),
    "sql --db: ATTACH": lambda w: on_db(w, f"ATTACH '{w.root / 'other.duckdb'}'"),
    "sql --db: DELETE": lambda w: on_db(w, "DELETE FROM events"),
    # SQL that reads other files
    "sql: read_csv('/etc/passwd')": lambda w: sql(w, "SELECT * FROM read_csv('/etc/passwd')"),
    "sql: read_text('/etc/passwd')": lambda w: sql(w, "SELECT * FROM read_text('/etc/passwd')"),
    "sql: glob('/root/*')": lambda w: sql(w, "SELECT * FROM glob('/root/*')"),
    "sql: another release's parquet": lambda w: sql(
        w, f"SELECT count(*) FROM read_parquet('{w.releases / '2.1.1' / 'events.parquet'}')"
    ),
    "sql: ../ out of the release folder": lambda w: sql(
        w, f"SELECT * FROM read_text('{w.releases / NEWEST}/../../../../../../etc/passwd')"
    ),
    "sql --db: read_text('/etc/passwd')": lambda w: on_db(w, "SELECT * FROM read_text('/etc/passwd')"),
    # extensions and settings
    "sql: INSTALL httpfs": lambda w: sql(w, "INSTALL httpfs"),
    "sql: LOAD httpfs": lambda w: sql(w, "LOAD httpfs"),
    "sql: SET enable_external_access": lambda w: sql(w, "SET enable_external_access = true"),
    "sql: SET lock_configuration": lambda w: sql(w, "SET lock_configuration = false"),
    "sql: SET allowed_directories": lambda w: sql(w, "SET allowed_directories = ['/']"),
    # quotes in paths
    "sql --db with a quote that ends the literal": lambda w: [
        "sql", "--db", f"{w.root}/x.duckdb' (READ_ONLY); COPY (SELECT 1) TO '{w.root}/pwned.csv'; --", "SELECT 1",
    ],
    "sql --releases with a quote that ends the literal": lambda w: [
        "sql", "--releases", f"{w.root}/r'); COPY (SELECT 1) TO '{w.root}/pwned.csv'; --", "SELECT 1",
    ],
    "sql --db it's.duckdb: COPY TO": lambda w: [
        "sql", "--db", str(w.quoted_db), f"COPY (SELECT 1) TO '{w.root / 'pwned.csv'}'",
    ],
    # targets that are not what the command may overwrite
    "build --db a text file": lambda w: ["build", "--db", str(w.notes), "--skip-gate"],
    "build --db a user's own DuckDB": lambda w: ["build", "--db", str(w.foreign), "--skip-gate"],
    "build --db a symlink to a text file": lambda w: ["build", "--db", str(w.link_to_notes), "--skip-gate"],
    "build --db a folder": lambda w: ["build", "--db", str(w.releases), "--skip-gate"],
    "restore --db a text file": lambda w: ["restore", "--db", str(w.notes), "--releases", str(w.releases)],
    "restore --db a dangling symlink": lambda w: ["restore", "--db", str(w.dangling), "--releases", str(w.releases)],
    "restore --to an unknown revision": lambda w: [
        "restore", "--db", str(w.root / "r.duckdb"), "--to", "nonsense", "--releases", str(w.releases),
    ],
    "upgrade a text file": lambda w: ["upgrade", str(w.notes)],
    "upgrade a user's own DuckDB": lambda w: ["upgrade", str(w.foreign)],
    "upgrade --to an older revision": lambda w: ["upgrade", str(w.db), "--to", V2],
    "upgrade --to an unknown revision": lambda w: ["upgrade", str(w.db), "--to", "nonsense"],
    "downgrade --to an unknown revision": lambda w: ["downgrade", str(w.db), "--to", "nonsense"],
    "downgrade that must refuse (user tables reference ours)": lambda w: [
        "downgrade", str(w.v1_with_user_tables), "--to", "base",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_argument_is_refused(name, tmp_path, built_db):
    w = World(tmp_path / "world", built_db)
    w.root.mkdir()
    args = CASES[name](w)
    before = tree_digest(w.root)
    with figures.case(figures.HOSTILE, name, good="refused", bad="let through"):
        result = CliRunner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{type(result.exception).__name__}: {result.exception}"
        )
        lines = result.stderr.splitlines()
        assert result.exit_code == 1, f"exit {result.exit_code}: {result.output[-1500:]}"
        assert "Traceback" not in result.output
        assert 1 <= len(lines) <= 2 and lines[-1].startswith("error: "), lines
        after = tree_digest(w.root)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert changed == [], f"written: {changed}"
        assert w.root.joinpath("pwned.csv").exists() is False
