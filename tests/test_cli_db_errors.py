"""Every command that takes a database path, walked with the paths people get wrong: a read-only file,
a folder, a missing file and a text file. Each either works (it only reads, or it creates the file)
or fails in one line, never a traceback."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from japan_nato import dbfiles
from japan_nato.cli import app

from .conftest import ROOT
from .test_cli_habits import _commands

CASES = ("read_only", "folder", "missing", "text")
# What each command needs besides its database to run; {releases} is a folder with one small release.
EXTRA = {
    "build": ["--skip-gate", "--allow-missing-sources"],
    "check": ["--allow-missing-sources"],
    "sql": ["SELECT 1"],
    "downgrade": ["--to", "0001_schema_v1"],
    "restore": ["--version", "1.0.0", "--releases", "{releases}"],
    "diff": ["1.0.0", "--releases", "{releases}"],  # the database is NEW, after OLD
    "export iceberg": ["--warehouse", "{tmp}/warehouse", "--releases", "{releases}"],
}
# Where a command rightly succeeds: it only reads a read-only file, or it creates a missing one.
WORKS = {
    ("stats", "read_only"),
    ("migrations", "read_only"),
    ("sql", "read_only"),
    ("diff", "read_only"),
    ("build", "missing"),
    ("restore", "missing"),
    ("export iceberg", "missing"),
}


def _database_params(command) -> list:
    """The parameters that name a database: --db, --catalog, or an argument its help calls one."""
    found = []
    for p in command.params:
        opts = set(getattr(p, "opts", []))
        text = (getattr(p, "help", None) or "").lower()
        if opts & {"--db", "--catalog"} or (
            p.param_type_name == "argument" and ("duckdb" in text or "database" in text)
        ):
            found.append(p)
    return found


def _walked() -> dict[str, object]:
    return {name: c for name, c in _commands(get_command(app)) if _database_params(c)}


def test_the_walk_finds_every_command_that_takes_a_database():
    assert set(_walked()) == {
        "build",
        "check",
        "stats",
        "migrations",
        "upgrade",
        "downgrade",
        "sql",
        "restore",
        "diff",
        "export iceberg",
    }


@pytest.fixture(scope="module")
def small_releases(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("releases")
    shutil.copytree(ROOT / "datasets" / "releases" / "1.0.0", root / "1.0.0")
    return root


def _target(case: str, tmp: Path, built_db: Path, sqlite: bool) -> Path:
    path = tmp / f"case-{case}.{'db' if sqlite else 'duckdb'}"
    if case == "read_only":
        if sqlite:
            sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
        else:
            shutil.copy(built_db, path)
        path.chmod(0o444)
    elif case == "folder":
        path.mkdir()
    elif case == "text":
        path.write_text("not a database\n", encoding="utf-8")
    return path


def _args(name: str, command, target: Path, tmp: Path, releases: Path) -> list[str]:
    (param,) = _database_params(command)
    extra = [a.format(tmp=tmp, releases=releases) for a in EXTRA.get(name, [])]
    if param.param_type_name == "argument":
        return [*name.split(), *extra, str(target)]
    return [*name.split(), param.opts[0], str(target), *extra]


@pytest.mark.parametrize("case", CASES)
def test_every_database_command_fails_in_one_line_or_works(case, built_db, small_releases, tmp_path):
    failures = []
    for name, command in _walked().items():
        tmp = tmp_path / name.replace(" ", "-")
        tmp.mkdir()
        sqlite = "--catalog" in _database_params(command)[0].opts
        target = _target(case, tmp, built_db, sqlite)
        args = _args(name, command, target, tmp, small_releases)
        result = CliRunner().invoke(app, args)
        said = f"{' '.join(args)}: exit {result.exit_code} ({result.exception!r})\n{result.output}"
        if "Traceback" in result.output or not isinstance(result.exception, (SystemExit, type(None))):
            failures.append(f"traceback: {said}")
        elif (name, case) in WORKS:
            if result.exit_code != 0:
                failures.append(f"should work: {said}")
            elif case == "missing" and not sqlite and dbfiles.inspect(target).kind != "ours":
                failures.append(f"did not create a database: {said}")
        else:
            lines = result.stderr.splitlines()
            clean = lines and lines[-1].startswith("error: ") and all(str(target) in x for x in lines[:-1])
            if result.exit_code == 0 or not clean or len(lines) > 2:
                failures.append(f"not one clean error: {said}")
        if target.exists():
            target.chmod(0o755 if target.is_dir() else 0o644)
    assert failures == []
