"""What a path given as a database is, asked before a command reads, rewrites or replaces it.

People type database paths, and a wrong one used to cost a file or print a traceback: `build --db
notes.txt` replaced the text with a database, `build --db LINK` replaced the link with a file,
`upgrade` added our tables to another project's database, a folder or a read-only file gave 140 lines
of SQLAlchemy. Commands now ask here first: `require` for a file they read or rewrite in place,
`replaceable` for one they replace with a new database. Each refusal is one line saying what the path
is and what to do.

A symbolic link is followed: the database is the file it points to, which is replaced (the link
stays); a link to nothing is refused, since writing through it would create a file wherever it points.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# A DuckDB file's main header: 8 bytes of checksum, then the magic bytes.
MAGIC, MAGIC_OFFSET = b"DUCK", 8
SQLITE_MAGIC = b"SQLite format 3\x00"
FORCE_FIX = "choose another --db, or add --force to replace it"


class DatabaseFileError(Exception):
    """A path that cannot be this command's database; the message is one line ending with the fix."""


@dataclass(frozen=True)
class DatabaseFile:
    path: Path  # as given
    real: Path  # the file itself: a symbolic link resolved
    kind: str  # missing, folder, blank (0 bytes), not_duckdb, unreadable, empty (no tables), ours, foreign
    revision: str | None = None  # ours: the schema revision (None: base)
    detail: str = ""  # not_duckdb, unreadable, foreign: why

    @property
    def read_only(self) -> bool:
        return read_only(self.real)


def read_only(path: Path) -> bool:
    """No write permission, for us or for anyone: a file its owner marked read-only (chmod a-w) counts
    even for root, who could write it anyway, as `rm` and `verify` treat it."""
    mode = path.stat().st_mode
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def one_line(exc: BaseException) -> str:
    """An engine's error as one line: its first, without SQLAlchemy's "(module.Error) " prefix."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^\([\w.]+\) ", "", text)


def has_magic(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(MAGIC_OFFSET + len(MAGIC))
    return head[MAGIC_OFFSET:] == MAGIC


@cache
def revision_ids() -> frozenset[str]:
    """Our schema revisions, read from the revision files: importing Alembic to ask it would add a
    quarter of a second to every build (a test checks both agree)."""
    from japan_nato import schema

    folder = Path(schema.__file__).parent / "migrations" / "versions"
    found = (_REVISION.search(p.read_text(encoding="utf-8")) for p in folder.glob("*.py"))
    return frozenset(m.group(1) for m in found if m)


_REVISION = re.compile(r"^revision = ['\"]([^'\"]+)['\"]", re.MULTILINE)


def _classify(tables: set[str], revision: str | None) -> tuple[str, str]:
    if "alembic_version" in tables:
        if revision is None or revision in revision_ids():
            return "ours", ""  # at one of our revisions, or at base (where `downgrade --to base` leaves it)
        return "foreign", f"it is at schema revision {revision!r}, not one of japan-nato's"
    if not tables:
        return "empty", ""
    shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
    return "foreign", f"its tables ({shown}) are not japan-nato's"


def _open_and_classify(path: Path, real: Path) -> DatabaseFile:
    import duckdb

    try:
        con = duckdb.connect(str(real), read_only=True)
    except duckdb.Error as exc:
        return DatabaseFile(path, real, "unreadable", detail=one_line(exc))
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        query = "SELECT max(version_num) FROM alembic_version"
        revision = con.execute(query).fetchone()[0] if "alembic_version" in tables else None
    finally:
        con.close()
    kind, detail = _classify(tables, revision)
    return DatabaseFile(path, real, kind, revision, detail)


def inspect(path: Path | str) -> DatabaseFile:
    """What `path` is. A DuckDB file is ours when Alembic has migrated it to one of our revisions (or
    to base, as `downgrade --to base` leaves it); one with tables and no such revision is foreign."""
    path = Path(path)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    if path.is_symlink() and not real.exists():
        raise DatabaseFileError(
            f"{path} is a symbolic link to {real}, which does not exist; give the database's own path, or fix the link"
        )
    if not real.exists():
        return DatabaseFile(path, real, "missing")
    if real.is_dir():
        return DatabaseFile(path, real, "folder")
    if real.stat().st_size == 0:
        return DatabaseFile(path, real, "blank")  # not a database yet, but nothing to lose by replacing it
    try:
        magic = has_magic(real)
    except OSError as exc:
        return DatabaseFile(path, real, "unreadable", detail=exc.strerror or str(exc))
    if not magic:
        return DatabaseFile(path, real, "not_duckdb", detail=f"no {MAGIC.decode()} at byte {MAGIC_OFFSET}")
    return _open_and_classify(path, real)


def _what(info: DatabaseFile) -> str:
    """The problem part of a refusal: `<path> is ...`."""
    p = info.path
    return {
        "missing": f"{p}: no such database",
        "folder": f"{p} is a folder, not a database file",
        "not_duckdb": f"{p} is not a DuckDB database ({info.detail})",
        "unreadable": f"{p} cannot be opened as a DuckDB database ({info.detail})",
        "blank": f"{p} is an empty file, not a DuckDB database",
        "empty": f"{p} is an empty database (no japan-nato tables)",
        "foreign": f"{p} is a DuckDB database of another project: {info.detail}",
    }[info.kind]


def require(path: Path | str, *, writes: str | None = None, allow_empty: bool = False) -> DatabaseFile:
    """A japan-nato database that exists (`allow_empty`: or an empty DuckDB file). `writes` says how
    the command writes into it ("check records its results in it"): then a read-only file is refused."""
    info = inspect(path)
    if info.kind == "missing":
        raise DatabaseFileError(f"{_what(info)}; run `japan-nato build`, or give the path of a japan-nato database")
    if info.kind not in ("ours", "empty") or (info.kind == "empty" and not allow_empty):
        raise DatabaseFileError(f"{_what(info)}; give the path of a japan-nato DuckDB database")
    if writes and info.read_only:
        raise DatabaseFileError(
            f"{info.path} is read-only, and {writes}; make it writable (chmod u+w {info.path}), or work on a copy"
        )
    return info


def replaceable(path: Path | str, *, force: bool = False, replaces_ours: bool = True) -> Path:
    """The file a command that writes a new database at `path` may replace: returns the real path
    (a symbolic link resolved, so the link survives). A previous database of ours is replaced when
    `replaces_ours` (build); anything else existing only with `force`; a folder never."""
    info = inspect(path)
    if info.kind == "folder":
        raise DatabaseFileError(f"{_what(info)}; give --db the path of a file (in that folder, say)")
    if info.kind in ("missing", "blank", "empty") or force:
        return info.real
    if info.kind == "ours" and replaces_ours:
        if info.read_only:
            raise DatabaseFileError(
                f"{path} is read-only (protected against writes); make it writable (chmod u+w {path}), or {FORCE_FIX}"
            )
        return info.real
    if info.kind == "ours":
        raise DatabaseFileError(f"{path} exists (a japan-nato database); {FORCE_FIX}")
    raise DatabaseFileError(f"{_what(info)}; not replaced: {FORCE_FIX}")


def sqlite_catalog_problem(path: Path) -> str | None:
    """Why a file path given as an Iceberg SQL catalog (SQLite, created when missing) cannot be one."""
    if path.is_dir():
        return "is a folder; give the path of a catalog file (it is created when missing)"
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            return "is not a SQLite database; give a new path, or an existing catalog"
    if read_only(path):
        return f"is read-only, and the export writes into it; make it writable (chmod u+w {path}), or give another"
    return None
