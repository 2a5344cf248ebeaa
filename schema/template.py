"""A new, empty database at the head revision, copied from a template the migrations made.

Every build starts from an empty database migrated to head. Running Alembic for that costs more
than the rest of a seed build (importing Alembic and its environment, then each revision's DDL
through SQLAlchemy: 0.4-1.6 s measured, against about 1 ms to copy the 1.5 MB result). So the
first build runs `alembic upgrade head` into a template file and later builds copy it. The
template's name carries a digest of everything that decides its contents (the revision scripts,
the Alembic environment, the DuckDB and dialect versions), so a new or edited revision makes a new
template; the database is always what the migrations make.

Templates live in $JAPAN_NATO_CACHE, else $XDG_CACHE_HOME/japan-nato, else ~/.cache/japan-nato.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from functools import cache
from importlib.metadata import version
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent


def cache_dir() -> Path:
    if os.environ.get("JAPAN_NATO_CACHE"):
        return Path(os.environ["JAPAN_NATO_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "japan-nato"


@cache
def schema_digest() -> str:
    """sha256 over what decides the migrated schema: migration scripts and the engine versions."""
    h = hashlib.sha256()
    files = sorted((SCHEMA_DIR / "migrations").rglob("*.py")) + [SCHEMA_DIR / "ddl.py"]
    for path in files:
        h.update(path.relative_to(SCHEMA_DIR).as_posix().encode())
        h.update(path.read_bytes())
    for package in ("duckdb", "duckdb-sqlalchemy", "alembic", "sqlalchemy"):
        h.update(f"{package}={version(package)}".encode())
    return h.hexdigest()[:16]


def template_path() -> Path:
    return cache_dir() / f"schema-head-{schema_digest()}.duckdb"


def _make_template(path: Path) -> None:
    import re

    from japan_nato.schema import migrate

    from japan_nato import scratch

    path.parent.mkdir(parents=True, exist_ok=True)
    scratch.remove_stale(path.parent, re.compile(r"\.schema-head-\w+\.duckdb\.(?P<pid>\d+)\.tmp(\.wal)?"))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        migrate.upgrade(tmp)
        os.replace(tmp, path)  # atomic: a concurrent build sees no template or a whole one
    finally:
        tmp.unlink(missing_ok=True)


def new_database(target: Path) -> None:
    """Create `target` (which must not exist) as an empty database at the head revision."""
    template = template_path()
    if not template.is_file():
        try:
            _make_template(template)
        except OSError:  # no writable cache: migrate the target itself, as without a template
            from japan_nato.schema import migrate

            migrate.upgrade(target)
            return
    shutil.copyfile(template, target)
