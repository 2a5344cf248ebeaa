"""kill -9 at random points of `build`, `publish` and `upgrade` (random.Random(16)).

Each command's duration is measured once (a successful run); then the command is started again and
again as a subprocess and SIGKILLed after a random time within that duration, until 20 kills have
landed. After each kill: the target is the previous good one (byte-identical) or a complete new one
(`japan-nato check` passes, the same rows), no half-written version is visible, the releases verify;
after the next successful run, nothing the kill left behind remains (`.building` files, hidden
staging folders, temporary folders in TMPDIR, partial backups) and no process of the killed command
is still running.

The commands run with JAPAN_NATO_GX_DAEMON=0: Great Expectations then runs in a child of the killed
command, so the kill reaches everything that command started (a shared daemon would outlive it by
design, and would carry state from one kill to the next). A kill is `corrupted` when any of the above
fails for it; the test fails listing every such kill with its time and why."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from japan_nato.schema import migrate
from typer.testing import CliRunner

from japan_nato.cli import app
from japan_nato.releases.store import versions

from ..conftest import ROOT
from ..test_upgrade import V2, _content
from . import figures
from .helpers import (
    RELEASES,
    change_note,
    cli_args,
    cli_env,
    data_digest,
    half_written,
    live_processes,
    row_counts,
    run_cli,
    sha256,
)

pytestmark = pytest.mark.torture

KILLS = 20
MAX_ATTEMPTS = 40  # a run that ends before its kill time is not a kill; draw again
ORPHAN_WAIT = 20.0  # seconds the killed command's children get to notice and exit


@dataclass
class Kill:
    at: float  # seconds after the start
    problems: list[str] = field(default_factory=list)
    litter: set[str] = field(default_factory=set)  # what the kill left that the next run must clear

    def describe(self) -> str:
        return f"kill at {self.at:.2f}s: " + "; ".join(self.problems)


def _timed(args: list[str], tmpdir: Path) -> float:
    t0 = time.monotonic()
    result = run_cli(*args, tmpdir=tmpdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return time.monotonic() - t0


def _kill_at(args: list[str], delay: float, tmpdir: Path) -> tuple[bool, int, list[str]]:
    """Start the command, SIGKILL it after `delay` seconds. Returns (killed, its exit code, processes of
    it still running after ORPHAN_WAIT, which are then killed so the next attempt starts clean)."""
    proc = subprocess.Popen(
        cli_args(*args),
        env=cli_env(tmpdir),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the command and whatever it started
    )
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)  # the command only, as `kill -9 PID` would
        proc.wait()
        killed = True
    deadline = time.monotonic() + ORPHAN_WAIT
    while (alive := live_processes(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test started, by its id
    return killed, proc.returncode, alive


def _kill_loop(rng: random.Random, duration: float, args: list[str], tmpdir: Path, after_kill, after_finish):
    kills: list[Kill] = []
    seen: set[str] = set()
    for _ in range(MAX_ATTEMPTS):
        if len(kills) == KILLS:
            break
        delay = rng.uniform(0.0, duration)
        killed, code, orphans = _kill_at(args, delay, tmpdir)
        if not killed:  # it ended first: it must have succeeded (a kill's leftovers, a stale lock, may not stop it)
            if code != 0:
                assert kills, f"`{args[0]}` failed before any kill (exit {code})"
                kills[-1].problems.append(f"the run after it, not killed, failed (exit {code})")
            else:
                after_finish()
            continue
        k = Kill(delay)
        if orphans:
            k.problems.append(f"still running {ORPHAN_WAIT:.0f}s after the kill: {', '.join(orphans)}")
        after_kill(k)
        k.litter -= seen  # only what this kill added
        seen |= k.litter
        kills.append(k)
    assert len(kills) == KILLS, f"only {len(kills)} kills landed in {MAX_ATTEMPTS} attempts"
    return kills


def _tmp_litter(tmpdir: Path) -> set[str]:
    return {f"TMPDIR/{p.name}" for p in tmpdir.iterdir()}


def _settle(command: str, kills: list[Kill], remaining: set[str]) -> None:
    """Record each kill, and fail with every corrupted one."""
    for k in kills:
        left = sorted(k.litter & remaining)
        if left:
            k.problems.append(f"left {', '.join(left)}, still there after the next successful run")
        figures.record(figures.KILLS, f"{command} {k.at:.2f}s", "corrupted" if k.problems else "survived")
    bad = [k.describe() for k in kills if k.problems]
    assert not bad, f"{len(bad)} of {len(kills)} kills of `{command}` did not survive:\n" + "\n".join(bad)


# ---- build --------------------------------------------------------------------------------------


def test_kill_build(tmp_path, built_db, texts):
    db = tmp_path / "build" / "japan_nato.duckdb"
    db.parent.mkdir()
    shutil.copy(built_db, db)
    tmpdir = tmp_path / "tmp"
    args = ["build", "--db", str(db), "--sources-dir", str(texts)]
    duration = _timed(args, tmpdir)
    rows = row_counts(built_db)
    good = {"sha": sha256(db)}

    def litter() -> set[str]:
        return {p.name for p in db.parent.iterdir() if p.name != db.name} | _tmp_litter(tmpdir)

    def after_finish():
        good["sha"] = sha256(db)

    def after_kill(k: Kill):
        if not db.is_file():
            k.problems.append(f"{db} is gone")
        elif sha256(db) != good["sha"]:  # replaced: it must be a whole, good build
            result = CliRunner().invoke(app, ["check", "--db", str(db), "--sources-dir", str(texts)])
            if result.exit_code != 0:
                k.problems.append(f"{db} changed and fails `check`: {result.output.strip().splitlines()[-1:]}")
            elif row_counts(db) != rows:
                k.problems.append(f"{db} changed and its rows differ from a build")
            else:
                good["sha"] = sha256(db)
        k.litter = litter()

    kills = _kill_loop(random.Random(16), duration, args, tmpdir, after_kill, after_finish)
    result = run_cli(*args, tmpdir=tmpdir)  # the next successful run
    assert result.returncode == 0, result.stderr[-3000:]
    _settle("build", kills, litter())


# ---- publish ------------------------------------------------------------------------------------


def _verify_problems(root: Path) -> list[str]:
    """`japan-nato verify --releases root`'s problems; the CHANGELOG line a kill between the rename and
    the changelog leaves is expected (verify names it; the next publish rewrites it) and returned apart."""
    result = CliRunner().invoke(app, ["verify", "--releases", str(root)])
    if result.exit_code == 0:
        return []
    lines = [ln for ln in result.stderr.splitlines() if not ln.startswith(("warning:", "error:"))]
    if not lines:
        return [f"verify exited {result.exit_code}: {result.output.strip()[-300:]}"]
    return [ln for ln in lines if "CHANGELOG.md: does not list every release" not in ln]


def test_kill_publish(tmp_path, curated_copy, texts):
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root)
    before = set(versions(root))
    tmpdir = tmp_path / "tmp"
    counter = iter(range(1, 10_000))
    args = ["publish", "--curated", str(curated_copy), "--sources-dir", str(texts), "--releases", str(root)]

    def prepare():
        change_note(curated_copy, next(counter))

    def litter() -> set[str]:
        return {p.name for p in root.iterdir() if p.name.startswith(".")} | _tmp_litter(tmpdir)

    prepare()
    duration = _timed(args, tmpdir)
    prepare()

    def after_finish():
        prepare()

    def after_kill(k: Kill):
        k.problems += [f"half-written version {h}" for h in half_written(root)]
        k.problems += [f"verify: {p}" for p in _verify_problems(root)]
        k.litter = litter()
        prepare()

    kills = _kill_loop(random.Random(16), duration, args, tmpdir, after_kill, after_finish)
    result = run_cli(*args, tmpdir=tmpdir)  # the next successful run
    assert result.returncode == 0, result.stderr[-3000:]
    full = CliRunner().invoke(app, ["verify", "--releases", str(root)])
    assert full.exit_code == 0, full.output
    new = [v for v in versions(root) if v not in before]
    digests = [data_digest(root / v) for v in new]
    assert len(set(digests)) == len(digests), f"the same data published twice among {new}"
    _settle("publish", kills, litter())


# ---- upgrade ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def revision_2(tmp_path_factory) -> Path:
    """A revision-2 database, as a user of release 2.1.1 has it: restored from the release."""
    db = tmp_path_factory.mktemp("rev2") / "r2.duckdb"
    result = CliRunner().invoke(
        app, ["restore", "--version", "2.1.1", "--to", V2, "--db", str(db), "--releases", str(RELEASES)]
    )
    assert result.exit_code == 0, result.output
    assert migrate.current_revision(db) == V2
    return db


def test_kill_upgrade(tmp_path, revision_2):
    at_v2 = _content(revision_2)
    reference = tmp_path / "reference.duckdb"
    shutil.copy(revision_2, reference)
    migrate.migrate_file(reference, "head", backup=False)
    at_head = _content(reference)
    tmpdir = tmp_path / "tmp"
    runs = iter(range(10_000))
    target = {}

    def fresh() -> list[str]:
        folder = tmp_path / f"run-{next(runs)}"
        folder.mkdir()
        target["db"] = folder / "mine.duckdb"
        shutil.copy(revision_2, target["db"])
        return ["upgrade", str(target["db"])]

    duration = _timed(fresh(), tmpdir)
    kills: list[Kill] = []
    rng = random.Random(16)
    for _ in range(MAX_ATTEMPTS):
        if len(kills) == KILLS:
            break
        args, delay = fresh(), rng.uniform(0.0, duration)
        killed, code, orphans = _kill_at(args, delay, tmpdir)
        if not killed:
            assert code == 0, f"an upgrade that was not killed failed (exit {code})"
            continue
        k, db = Kill(delay), target["db"]
        k.problems += [f"still running after the kill: {', '.join(orphans)}"] if orphans else []
        try:
            content = _content(db)
            if content not in (at_v2, at_head):
                k.problems.append(f"{db.name} is neither the revision-2 file nor its upgrade")
        except Exception as exc:
            k.problems.append(f"{db.name} does not open: {str(exc).splitlines()[0]}")
        for backup in sorted(db.parent.glob(f"{db.name}.backup-*")):
            if not _whole_backup(backup, at_v2):
                k.problems.append(f"{backup.name} is not a whole copy of the revision-2 file")
        # the next successful run, on the same file
        result = CliRunner().invoke(app, ["upgrade", str(db)])
        if result.exit_code != 0:
            k.problems.append(f"the next upgrade fails: {result.output.strip().splitlines()[-1:]}")
        elif _content(db) != at_head:
            k.problems.append("after the next upgrade its content differs from a clean upgrade")
        left = {
            p.name
            for p in db.parent.iterdir()
            if p.name != db.name and not (p.name.startswith(f"{db.name}.backup-") and _whole_backup(p, at_v2))
        }
        k.litter = left | _tmp_litter(tmpdir)
        kills.append(k)
    assert len(kills) == KILLS, f"only {len(kills)} kills landed in {MAX_ATTEMPTS} attempts"
    _settle("upgrade", kills, {name for k in kills for name in k.litter})


def _whole_backup(path: Path, at_v2: dict) -> bool:
    try:
        return _content(path) == at_v2
    except Exception:
        return False


# The copy of a 16 MB file takes milliseconds, so random kills seldom land in it: this one does, by
# slowing every shutil copy down after its first MiB and killing the command there.
SLOW_COPY = """
import shutil, sys, time

def slow(src, dst, *args, **kwargs):
    with open(src, "rb") as f, open(dst, "wb") as g:
        g.write(f.read(1 << 20))
        g.flush()
        print("copying", dst, flush=True)
        time.sleep(120)

shutil.copy = shutil.copy2 = shutil.copyfile = slow
sys.argv = ["japan-nato", *sys.argv[1:]]
from japan_nato.cli import main
main()
"""


def test_kill_upgrade_in_its_backup_copy(tmp_path, revision_2):
    at_v2 = _content(revision_2)
    db = tmp_path / "mine.duckdb"
    shutil.copy(revision_2, db)
    with figures.case(figures.KILLS, "upgrade in the backup copy", good="survived", bad="corrupted"):
        proc = subprocess.Popen(
            [sys.executable, "-c", SLOW_COPY, "upgrade", str(db)],
            env=cli_env(tmp_path / "tmp"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        line = proc.stdout.readline()  # blocks until the copy is half done, or the command ends
        if not line.startswith("copying"):
            proc.wait()
            pytest.skip("the upgrade no longer copies its backup with shutil; this targeted kill does not apply")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _content(db) == at_v2, "the database changed"
        half = [p.name for p in db.parent.iterdir() if p.name != db.name and not _whole_backup(p, at_v2)]
        named_as_backup = [n for n in half if n.startswith(f"{db.name}.backup-")]
        assert not named_as_backup, f"a partial copy is named as a backup: {named_as_backup}"
        result = CliRunner().invoke(app, ["upgrade", str(db)])  # the next successful run
        assert result.exit_code == 0, result.output
        left = [p.name for p in db.parent.iterdir() if p.name not in (db.name, "tmp") and not _whole_backup(p, at_v2)]
        assert left == [], f"left after the next successful upgrade: {left}"
        assert list((tmp_path / "tmp").iterdir()) == []
