"""One writer at a time: an flock on a lock file beside what is written.

Two builds of the same database, or two publishes into the same releases folder, used to run side by
side: builds raced for the rename, publishes both computed the same next version. Each now holds
`exclusive(lock_file)` for its whole run; the one that waits says so on standard error ("waiting for
another build of X (pid N)...") and gives up after $JAPAN_NATO_LOCK_TIMEOUT seconds (default 600).

The lock file holds the holder's PID (for that message) and is removed by its holder on release, so
none is left behind. Removing a lock file others may be waiting on is safe only because a waiter that
gets the lock checks that its file is still the one at the path, and starts over if not.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_TIMEOUT = 600.0
POLL_SECONDS = 0.1


class LockTimeout(Exception):
    """Another process held the lock for longer than the timeout; the message says who and what to do."""


def timeout_seconds() -> float:
    try:
        return float(os.environ.get("JAPAN_NATO_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID exists (one of another user's counts: it may still be working)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(lock_file: Path) -> str:
    try:
        return lock_file.read_text(encoding="ascii").strip() or "?"
    except (OSError, UnicodeDecodeError):
        return "?"


def _try_lock(lock_file: Path) -> int | None:
    """An fd holding the lock on the file now at `lock_file`, or None when another process holds it."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        same = os.fstat(fd).st_ino == os.stat(lock_file).st_ino
    except FileNotFoundError:  # its holder removed it as we locked it: ours is a stale inode
        same = False
    if not same:
        os.close(fd)
        return _try_lock(lock_file)
    return fd


def _acquire(lock_file: Path, what: str, on_wait: Callable[[str], None] | None, timeout: float) -> int:
    fd = _try_lock(lock_file)
    if fd is not None:
        return fd
    who = holder(lock_file)
    if on_wait:
        on_wait(f"waiting for another {what} (pid {who})...")
    deadline = time.monotonic() + timeout
    while fd is None:
        if time.monotonic() >= deadline:
            raise LockTimeout(
                f"another {what} (pid {who}) still runs after {timeout:g}s of waiting ({lock_file}); "
                "try again when it has finished, or set JAPAN_NATO_LOCK_TIMEOUT to wait longer"
            )
        time.sleep(POLL_SECONDS)
        fd = _try_lock(lock_file)
    return fd


@contextmanager
def exclusive(
    lock_file: Path, what: str, on_wait: Callable[[str], None] | None = None, timeout: float | None = None
) -> Iterator[None]:
    """Hold the lock on `lock_file` for the body. `what` names the work for the one that waits
    ("build of build/japan_nato.duckdb"); `on_wait(message)` is told once when it has to."""
    lock_file = Path(lock_file)
    fd = _acquire(lock_file, what, on_wait, timeout_seconds() if timeout is None else timeout)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        lock_file.unlink(missing_ok=True)  # still holding it: a waiter re-checks the path (_try_lock)
        os.close(fd)
