"""Builds and publishes leave nothing behind and take turns: a failed or killed run leaves no
temporary folder or build file (what SIGKILL leaves, the next run removes once its process is gone),
and a second build of one database, or a second publish into one releases folder, waits for the first
(or gives up after $JAPAN_NATO_LOCK_TIMEOUT) and then works from what the first left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from japan_nato.loaders.build import build_database, lock_file
from typer.testing import CliRunner

from japan_nato import locks
from japan_nato.cli import app
from japan_nato.releases import ReleaseError
from japan_nato.releases.publishing import LOCK_FILE, publish

from .conftest import CURATED, ROOT

RELEASES = ROOT / "datasets" / "releases"
FAST_BUILD = ["--skip-gate", "--allow-missing-sources"]


class Passed:
    """A gate report that passed with every check run (all that a dry-run publish asks of one)."""

    passed = True
    skipped: list = []


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _break(curated: Path) -> None:
    path = curated / "sources" / "japan-mission-to-nato-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("certainty: stated", "certainty: sure", 1), "utf-8")


def _wait_for(predicate, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "JAPAN_NATO_GX_DAEMON": "0", "JAPAN_NATO_PROGRESS": "0", **(env or {})}
    command = [sys.executable, "-m", "japan_nato.cli", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ---- litter ------------------------------------------------------------------------------------


def test_failing_commands_leave_nothing_in_the_temp_folder(curated_copy, tmp_path, monkeypatch):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    _break(curated_copy)
    runner = CliRunner()
    assert runner.invoke(app, ["build", "--db", str(tmp_path / "x.duckdb"), "--curated", str(curated_copy)]).exit_code
    assert runner.invoke(app, ["publish", "--curated", str(curated_copy), "--releases", str(tmp_path / "r")]).exit_code
    (tmp_path / "notes.duckdb").write_text("not a database", encoding="utf-8")
    assert runner.invoke(app, ["diff", "1.0.0", str(tmp_path / "notes.duckdb")]).exit_code == 1
    assert os.listdir(private) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curated", "notes.duckdb", "tmp"]  # no lock, no build


def test_sigterm_cleans_up_a_publish_and_a_build(tmp_path):
    private, releases = tmp_path / "tmp", tmp_path / "releases"
    private.mkdir()
    shutil.copytree(RELEASES / "3.0.0", releases / "3.0.0")
    publishing = _cli("publish", "--releases", str(releases), env={"TMPDIR": str(private)})
    _wait_for(lambda: os.listdir(private) or publishing.poll() is not None)
    publishing.send_signal(signal.SIGTERM)
    assert publishing.wait(30) == 128 + signal.SIGTERM
    assert os.listdir(private) == []
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]

    db = tmp_path / "build" / "x.duckdb"
    db.parent.mkdir()
    building = _cli("build", "--db", str(db), *FAST_BUILD, env={"TMPDIR": str(private)})
    _wait_for(lambda: any(p.name.endswith(".building") for p in db.parent.iterdir()) or building.poll() is not None)
    building.send_signal(signal.SIGTERM)
    assert building.wait(30) == 128 + signal.SIGTERM
    assert os.listdir(db.parent) == [] and os.listdir(private) == []


def test_a_build_removes_what_killed_builds_of_its_target_left(tmp_path):
    db = tmp_path / "x.duckdb"
    dead = _dead_pid()
    stale = [tmp_path / f".x.duckdb.{dead}.building", tmp_path / f".x.duckdb.{dead}.building.wal"]
    alive = tmp_path / ".x.duckdb.1.building"  # PID 1 runs: that build may still be working
    other = tmp_path / f".y.duckdb.{dead}.building"  # another target's: not this build's business
    for path in [*stale, alive, other]:
        path.write_bytes(b"half a database")
    build_database(CURATED, db)
    assert not any(p.exists() for p in stale)
    assert alive.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([db.name, alive.name, other.name])


# ---- locks -------------------------------------------------------------------------------------


def test_a_second_build_waits_then_gives_up(existing_db, monkeypatch):
    monkeypatch.setenv("JAPAN_NATO_LOCK_TIMEOUT", "0.3")
    before = existing_db.read_bytes()
    with locks.exclusive(lock_file(existing_db), "build of elsewhere"):
        result = CliRunner().invoke(app, ["build", "--db", str(existing_db), *FAST_BUILD])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"waiting for another build of {existing_db} (pid {os.getpid()})...",
        f"error: another build of {existing_db} (pid {os.getpid()}) still runs after 0.3s of waiting "
        f"({lock_file(existing_db)}); try again when it has finished, or set JAPAN_NATO_LOCK_TIMEOUT to wait longer",
    ]
    assert existing_db.read_bytes() == before
    assert not lock_file(existing_db).exists()  # its holder removed it


def test_a_build_that_waited_runs_when_the_first_is_done(tmp_path):
    db = tmp_path / "x.duckdb"
    with locks.exclusive(lock_file(db), "build"):
        second = _cli("build", "--db", str(db), *FAST_BUILD)
        said = second.stderr.readline()
        assert said == f"waiting for another build of {db} (pid {os.getpid()})...\n"
        assert second.poll() is None and not db.exists()
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert out.startswith(f"built {db}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]


def test_publishes_take_turns_and_the_second_recomputes_its_version(built_db, tmp_path):
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / "2.1.1", root / "2.1.1")
    alone = publish(built_db, Passed(), root, ROOT, dry_run=True)
    assert alone.version == "3.0.0"
    heard, outcome = [], {}

    def second() -> None:
        try:
            outcome["plan"] = publish(built_db, Passed(), root, ROOT, dry_run=True, on_wait=heard.append)
        except ReleaseError as exc:
            outcome["error"] = str(exc)

    with locks.exclusive(root / LOCK_FILE, "publish"):
        waiting = threading.Thread(target=second)
        waiting.start()
        _wait_for(lambda: heard)
        # The first publish finishes while the second waits: 3.0.0 now exists.
        shutil.copytree(RELEASES / "3.0.0", root / "3.0.0")
    waiting.join(60)
    assert heard == [f"waiting for another publish into {root} (pid {os.getpid()})..."]
    assert outcome == {"error": "nothing changed since 3.0.0; no release made"}


def test_a_publish_gives_up_after_the_timeout_and_clears_dead_staging(built_db, tmp_path, monkeypatch):
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / "2.1.1", root / "2.1.1")
    dead, live = root / f".staging.{_dead_pid()}.abc123", root / ".staging.1.abc123"
    for folder in (dead, live):
        (folder / "candidate").mkdir(parents=True)
    monkeypatch.setenv("JAPAN_NATO_LOCK_TIMEOUT", "0.2")
    with locks.exclusive(root / LOCK_FILE, "publish"):
        with pytest.raises(locks.LockTimeout, match=r"another publish into .* still runs after 0.2s of waiting"):
            publish(built_db, Passed(), root, ROOT, dry_run=True)
    assert dead.exists()  # nothing happened while it waited
    assert publish(built_db, Passed(), root, ROOT, dry_run=True).version == "3.0.0"
    assert not dead.exists() and live.exists()
