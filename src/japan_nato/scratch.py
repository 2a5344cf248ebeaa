"""Scratch files and folders that name the process that made them, so a later run can clear them.

A process killed with SIGKILL (or by a power cut) runs no cleanup: its build file beside the
database, its backup being copied, its temporary folder stay. Every such name carries the PID
(`.<name>.<pid>.building`, `japan-nato-publish.<pid>.<random>`), and the next run of the same kind
removes those of PIDs no longer alive; those of live processes are theirs and left alone. Failures
and SIGTERM (the command line turns it into an exit) clean up through the context managers as usual.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from japan_nato.locks import pid_alive

TEMP_PREFIX = "japan-nato-"


def remove_stale(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove each entry of `folder` whose name matches `pattern` (its group `pid` the maker's PID)
    when that process is gone; returns what was removed."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if not m or pid_alive(int(m.group("pid"))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def building_name(target: Path, pid: int | None = None) -> Path:
    """The file a build of `target` writes before renaming it into place."""
    return target.with_name(f".{target.name}.{os.getpid() if pid is None else pid}.building")


def remove_stale_builds(target: Path) -> list[Path]:
    """The build files (and their write-ahead logs) that killed builds of `target` left."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?P<pid>\d+)\.building(\.wal)?")
    return remove_stale(target.parent, pattern)


@contextmanager
def temporary_folder(purpose: str) -> Iterator[Path]:
    """A private folder in the system's temporary directory, removed on the way out, after clearing
    those of the same purpose whose process is gone."""
    base = Path(tempfile.gettempdir())
    remove_stale(base, re.compile(rf"{TEMP_PREFIX}{re.escape(purpose)}\.(?P<pid>\d+)\.\w+"))
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{purpose}.{os.getpid()}.") as tmp:
        yield Path(tmp)
