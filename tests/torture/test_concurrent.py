"""Two runs at once: two builds on the same target, two publishes into the same releases folder.

Each run must end with a valid result: it succeeds, or it refuses cleanly (exit 1, its reason in a
line, the `error:` summary, no traceback) — waiting for the other is fine too. And the end state must
be valid: the database is a whole, checked build; every version folder verifies, no data is published
twice, each successful publish made exactly one version; nothing is left behind. A run counts `ok`
when its own ending and the shared end state are both valid, else `broken`."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from japan_nato.cli import app
from japan_nato.releases.store import versions

from ..conftest import ROOT
from . import figures
from .helpers import RELEASES, change_note, clean_refusal, cli_args, cli_env, data_digest, half_written, row_counts

pytestmark = pytest.mark.torture


def _together(runs: list[list[str]], tmp_path: Path, stagger: float = 0.0) -> list[tuple[int, str]]:
    """Start every command (`stagger` seconds apart), wait for all: [(exit code, stderr)]."""
    procs = []
    for i, args in enumerate(runs):
        err = open(tmp_path / f"stderr-{i}.txt", "w+")  # noqa: SIM115 (closed below)
        procs.append(
            (
                subprocess.Popen(
                    cli_args(*args), env=cli_env(tmp_path / "tmp"), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err
                ),
                err,
            )
        )
        if stagger and i < len(runs) - 1:
            time.sleep(stagger)
    out = []
    for proc, err in procs:
        code = proc.wait(timeout=600)
        err.seek(0)
        out.append((code, err.read()))
        err.close()
    return out


def _ending(code: int, stderr: str) -> str | None:
    """Why a run's own ending is not valid (None: it is)."""
    if code == 0:
        return None
    if code == 1 and clean_refusal(stderr):
        return None
    return f"exit {code}: {stderr.strip()[-1500:]}"


def _record(name: str, endings: list[tuple[int, str]], shared: list[str]) -> None:
    bad = []
    for i, (code, stderr) in enumerate(endings):
        why = _ending(code, stderr)
        broken = why is not None or bool(shared)
        figures.record(figures.CONCURRENT, f"{name} #{i + 1}", "broken" if broken else "ok")
        if why:
            bad.append(f"run {i + 1}: {why}")
    assert not bad and not shared, f"{name}:\n" + "\n".join(bad + shared)


@pytest.mark.parametrize("stagger", [0.0, 1.0], ids=["at once", "one second apart"])
def test_two_builds_on_one_target(stagger, tmp_path, built_db, texts):
    db = tmp_path / "build" / "japan_nato.duckdb"
    db.parent.mkdir()
    shutil.copy(built_db, db)
    args = ["build", "--db", str(db), "--sources-dir", str(texts)]
    endings = _together([args, args], tmp_path, stagger)
    shared = []
    check = CliRunner().invoke(app, ["check", "--db", str(db), "--sources-dir", str(texts)])
    if check.exit_code != 0:
        shared.append(f"the database fails `check`: {check.output.strip()[-500:]}")
    elif row_counts(db) != row_counts(built_db):
        shared.append("the database's rows differ from a build's")
    left = sorted(p.name for p in db.parent.iterdir() if p.name != db.name)
    left += sorted(f"TMPDIR/{p.name}" for p in (tmp_path / "tmp").iterdir())
    if left:
        shared.append(f"left behind: {', '.join(left)}")
    if not any(code == 0 for code, _ in endings):
        shared.append("neither build succeeded")
    _record(f"two builds {'at once' if not stagger else 'one second apart'}", endings, shared)


@pytest.mark.parametrize("same_change", [True, False], ids=["the same change", "different changes"])
def test_two_publishes_into_one_folder(same_change, tmp_path, curated_copy, texts):
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root)
    before = set(versions(root))
    other = tmp_path / "curated-2"
    shutil.copytree(curated_copy, other)
    change_note(curated_copy, 1)
    change_note(other, 1 if same_change else 2)
    runs = [
        ["publish", "--curated", str(c), "--sources-dir", str(texts), "--releases", str(root)]
        for c in (curated_copy, other)
    ]
    endings = _together(runs, tmp_path)
    shared = [f"half-written version {h}" for h in half_written(root)]
    full = CliRunner().invoke(app, ["verify", "--releases", str(root)])
    if full.exit_code != 0:
        shared.append(f"verify: {full.stderr.strip()[-800:]}")
    new = [v for v in versions(root) if v not in before]
    published = sum(code == 0 for code, _ in endings)
    if len(new) != published:
        shared.append(f"{published} publish(es) succeeded but {len(new)} version(s) appeared: {new}")
    digests = [data_digest(root / v) for v in new]
    if len(set(digests)) != len(digests):
        shared.append(f"the same data published twice: {new}")
    if same_change and len(new) != 1:
        shared.append(f"one change, {len(new)} versions: {new}")
    for v in new:
        manifest = json.loads((root / v / "manifest.json").read_text())
        if manifest["previous_version"] != (sorted(before | set(new[: new.index(v)]), key=_key) or [None])[-1]:
            shared.append(f"{v} says its previous version is {manifest['previous_version']}")
    left = sorted(p.name for p in root.iterdir() if p.name.startswith("."))
    left += sorted(f"TMPDIR/{p.name}" for p in (tmp_path / "tmp").iterdir())
    if left:
        shared.append(f"left behind: {', '.join(left)}")
    _record(f"two publishes of {'the same change' if same_change else 'different changes'}", endings, shared)


def _key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))
