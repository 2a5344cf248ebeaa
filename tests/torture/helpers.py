"""Shared by the torture tests: running the real command line, fingerprints of folders, litter."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from japan_nato.releases.store import SEMVER
from japan_nato.releases.verify import verify_release

from ..conftest import ROOT

RELEASES = ROOT / "datasets" / "releases"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fingerprint(folder: Path) -> dict[str, tuple]:
    """Every file under `folder` by relative path: (size, mtime, mode) — cheap, and any write shows."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(folder))] = (p.is_dir(), st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path: its sha256 (folders: 'dir'; symlinks: where they point)."""

    def what(p: Path) -> str:
        if p.is_symlink():
            return f"symlink to {os.readlink(p)}"
        return "dir" if p.is_dir() else sha256(p)

    return {str(p.relative_to(folder)): what(p) for p in sorted(Path(folder).rglob("*"))}


def cli_env(tmpdir: Path | None = None) -> dict[str, str]:
    """The environment of a command the tests start: GX in a child of the command (no shared daemon,
    so a kill hits that command's own processes), no progress, and a private TMPDIR to find litter in."""
    env = {**os.environ, "JAPAN_NATO_GX_DAEMON": "0", "GX_ANALYTICS_ENABLED": "False", "JAPAN_NATO_PROGRESS": ""}
    if tmpdir is not None:
        Path(tmpdir).mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    return env


def cli_args(*args: str) -> list[str]:
    return [sys.executable, "-m", "japan_nato.cli", *args]


def run_cli(*args: str, tmpdir: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command line, in its own process, from the repository's root."""
    return subprocess.run(
        cli_args(*args), env=cli_env(tmpdir), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def clean_refusal(stderr: str) -> bool:
    """No traceback, and the last line is the `error: ...` summary the command line ends a failure with."""
    lines = stderr.splitlines()
    return "Traceback" not in stderr and bool(lines) and lines[-1].startswith("error: ")


def live_processes(pgid: int) -> list[str]:
    """Processes of a process group that are still running (not zombies): `pid command`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = status.read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...
        comm_end = text.rindex(")")
        fields = text[comm_end + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(f"{status.parent.name} {text[text.index('(') + 1 : comm_end]}")
    return found


def row_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "quality_results"}
    finally:
        con.close()


NOTE = re.compile(r"^  note: (torture \d+\. )?The article does not name or date the resolutions", re.M)


def change_note(curated: Path, n: int) -> None:
    """A new value in one curated note: a patch release's worth of change, different every time."""
    path = curated / "sources" / "japan-military-revival-2026.yaml"
    text, count = NOTE.subn(f"  note: torture {n}. The article does not name or date the resolutions", path.read_text())
    assert count == 1
    path.write_text(text, encoding="utf-8")


def half_written(root: Path) -> list[str]:
    """Version folders that are not a whole release."""
    out = []
    for p in sorted(root.iterdir()):
        if p.is_dir() and SEMVER.match(p.name):
            if not (p / "manifest.json").is_file():
                out.append(f"{p.name}/ has no manifest")
            elif problems := verify_release(p):
                out.append(f"{p.name}/: {problems[0]}")
    return out


def data_digest(folder: Path) -> tuple:
    files = json.loads((folder / "manifest.json").read_text())["files"]
    return tuple(sorted((n, e["sha256"]) for n, e in files.items() if n.endswith(".parquet") and "quality" not in n))
