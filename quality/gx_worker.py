"""The Great Expectations half of the gate, in a process that has GX imported before it is needed.

Importing GX and making its context costs more than everything else a seed build does together
(docs/feedback.md), so the gate never waits for it in its own process:

- **daemon** (the command line's default): a background process, one per user and per version of
  this code and GX, that keeps GX warm between commands, like mypy's or Gradle's daemons. The first
  build starts it and pays the import (beside its own validation and loading, on the other core);
  every later build, check or publish within `IDLE_SECONDS` of the last finds it ready. It listens
  on a Unix socket in the cache directory (mode 0700) and answers only clients that hold the key
  file beside it (multiprocessing's HMAC handshake). It exits after `IDLE_SECONDS` without a
  request; `japan-nato gx-daemon --stop` stops it. A change to the quality code or to GX gives
  another digest, so a stale daemon is never asked.
- **child** (JAPAN_NATO_GX_DAEMON=0, and the test suite): a child of this process, started by
  `start()`, living as long as this process.
- **in-process** (JAPAN_NATO_GX_WORKER=0): no other process at all.

Every mode runs the same `validate_sql` and returns the same CheckResults; nothing is skipped. An
error in the worker is raised here with the worker's traceback.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import secrets
import subprocess
import sys
import threading
import time
import traceback
from functools import cache
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

IDLE_SECONDS = float(os.environ.get("JAPAN_NATO_GX_DAEMON_IDLE", "900"))
_worker: _Child | _DaemonClient | None = None
_IN_WORKER = False


class GxWorkerError(Exception):
    """Great Expectations failed inside the worker; the message holds its traceback."""


def mode() -> str:
    if _IN_WORKER or os.environ.get("JAPAN_NATO_GX_WORKER", "1") == "0":
        return "in-process"
    return "child" if os.environ.get("JAPAN_NATO_GX_DAEMON", "1") == "0" else "daemon"


class _Channel:
    """One request at a time over a pair of multiprocessing connections."""

    send: Connection
    recv: Connection

    def validate(self, db: Path, suites: dict[str, dict]) -> None:
        self.send.send((str(Path(db).resolve()), suites))

    def result(self) -> list:
        try:
            ok, payload = self.recv.recv()
        except (EOFError, OSError) as exc:
            raise GxWorkerError("the Great Expectations worker stopped before answering") from exc
        if not ok:
            raise GxWorkerError(payload)
        return payload


class _Child(_Channel):
    """`python -m japan_nato.quality.gx_worker FD FD` with a pipe pair. Not multiprocessing's spawn:
    that re-runs the caller's main script in the child, which breaks any script that calls the gate
    without an `if __name__ == "__main__"` guard."""

    def __init__(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "japan_nato.quality.gx_worker", str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w),
            env=_child_env(),
            stdin=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.send, self.recv = Connection(to_child_w, readable=False), Connection(from_child_r, writable=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.send.close()
        self.recv.close()
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()


class _DaemonClient(_Channel):
    def __init__(self, conn: Connection) -> None:
        self.send = self.recv = conn
        self.asked: tuple | None = None

    def validate(self, db: Path, suites: dict[str, dict]) -> None:
        self.asked = (db, suites)
        try:
            super().validate(db, suites)
        except OSError:  # the daemon went away (idle timeout) between connecting and asking
            pass

    def result(self) -> list:
        try:
            return super().result()
        except GxWorkerError as exc:
            if isinstance(exc.__cause__, (EOFError, OSError)) and self.asked:
                # It timed out just as we connected: answer in this process rather than not at all.
                self.stop()
                return _InProcess(*self.asked).result()
            raise

    def alive(self) -> bool:
        return not self.send.closed

    def stop(self) -> None:
        self.send.close()


def _child_env() -> dict[str, str]:
    # The child must import this very code, wherever the caller found it.
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


# ---- the daemon's address and key ---------------------------------------------------------------


@cache
def daemon_digest() -> str:
    """Who may answer: this interpreter, this GX, and this quality code, byte for byte."""
    from importlib.metadata import version

    h = hashlib.sha256(f"{sys.executable}\0{version('great-expectations')}\0".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _daemon_dir() -> Path:
    from japan_nato.schema.template import cache_dir

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def socket_path() -> Path:
    return _daemon_dir() / f"gx-{daemon_digest()}.sock"


def _authkey() -> bytes:
    path = _daemon_dir() / "gx-daemon.key"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        os.replace(tmp, path)
    return path.read_bytes()


def _connect(timeout: float) -> Connection | None:
    address, key = str(socket_path()), _authkey()
    deadline = time.monotonic() + timeout
    while True:
        try:
            return Client(address, family="AF_UNIX", authkey=key)
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)


def _start_daemon() -> Connection | None:
    _stop_stale_daemons()
    subprocess.Popen(
        [sys.executable, "-m", "japan_nato.quality.gx_worker", "--daemon", str(socket_path())],
        env=_child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not killed with this command's process group; it ends by itself
        cwd="/",
    )
    return _connect(timeout=30)


def _stop_stale_daemons() -> None:
    """One daemon per cache directory: those of other code versions are asked to stop, rather than
    each holding its memory until its idle timeout after every edit of the quality code."""
    key, current = _authkey(), socket_path()
    for other in _daemon_dir().glob("gx-*.sock"):
        if other == current:
            continue
        try:
            conn = Client(str(other), family="AF_UNIX", authkey=key)
            conn.send("stop")
            conn.close()
        except (OSError, EOFError):
            other.unlink(missing_ok=True)  # nobody listens there any more


def daemon_running() -> bool:
    conn = _connect(timeout=0)
    if conn is None:
        return False
    conn.close()
    return True


def stop_daemon() -> bool:
    """Stop this code's daemon; True when one was running."""
    conn = _connect(timeout=0)
    if conn is None:
        return False
    conn.send("stop")
    conn.close()
    return True


# ---- the client side ----------------------------------------------------------------------------


def start() -> None:
    """Make sure a warm GX is on its way (no-op in-process or when one is already connected)."""
    global _worker
    if _worker is not None and _worker.alive():
        return
    kind = mode()
    if kind == "child":
        _worker = _Child()
    elif kind == "daemon":
        try:
            conn = _connect(timeout=0) or _start_daemon()
        except OSError:  # no usable cache directory or socket: fall back to a child
            conn = None
        _worker = _DaemonClient(conn) if conn is not None else _Child()


@atexit.register
def stop() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def submit(db: Path, suites: dict[str, dict]):
    """Ask for GX over SQL on `db`; returns an object whose .result() waits for the CheckResults."""
    start()
    if _worker is None:
        return _InProcess(db, suites)
    _worker.validate(db, suites)
    return _worker


class _InProcess:
    def __init__(self, db: Path, suites: dict[str, dict]) -> None:
        self.db, self.suites = db, suites

    def result(self) -> list:
        from japan_nato.quality.gx_sql import validate_sql

        return validate_sql(self.db, self.suites)


# ---- the worker side ----------------------------------------------------------------------------


def _warm():
    global _IN_WORKER
    _IN_WORKER = True
    from japan_nato.quality import gx_runtime

    gx_runtime.context()  # the slow part
    from japan_nato.quality.gx_sql import validate_sql

    return validate_sql


def _answer(requests: Connection, replies: Connection, validate_sql) -> bool:
    """Serve one client until it hangs up; False when it asked the daemon to stop."""
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            return True
        if request == "stop":
            return False
        db, suites = request
        try:
            replies.send((True, validate_sql(Path(db), suites)))
        except Exception:
            replies.send((False, traceback.format_exc()))


def serve_child(requests: Connection, replies: Connection) -> None:
    _answer(requests, replies, _warm())


def serve_daemon(address: str) -> None:
    """Listen on `address` (bound before GX is imported, so the first client can already connect
    and wait), answer clients one at a time, exit after IDLE_SECONDS without one."""
    Path(address).unlink(missing_ok=True)
    listener = Listener(address, family="AF_UNIX", authkey=_authkey())
    os.chmod(address, 0o600)
    validate_sql = _warm()
    last, busy = [time.monotonic()], threading.Event()

    def watchdog() -> None:
        while busy.is_set() or time.monotonic() - last[0] < IDLE_SECONDS:
            time.sleep(min(5.0, IDLE_SECONDS))
        _exit(address)

    threading.Thread(target=watchdog, daemon=True).start()
    while True:
        try:
            conn = listener.accept()
        except (OSError, EOFError, AuthenticationError):  # a client that failed the handshake
            continue
        busy.set()
        keep_going = _answer(conn, conn, validate_sql)
        conn.close()
        last[0] = time.monotonic()
        busy.clear()
        if not keep_going:
            _exit(address)


def _exit(address: str) -> None:
    Path(address).unlink(missing_ok=True)
    os._exit(0)  # from the watchdog thread too: nothing of ours needs finalizing


if __name__ == "__main__":
    if sys.argv[1] == "--daemon":
        serve_daemon(sys.argv[2])
    else:
        serve_child(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
