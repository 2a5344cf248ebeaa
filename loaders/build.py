"""Build the DuckDB database from the curated files.

Shape of every step: a NEW database file (a copy of the template the migrations made:
japan_nato.schema.template) -> the curated files streamed into it, validated and checked, in one
transaction (japan_nato.loaders.curated) -> the quality gate -> only then an atomic rename over the
target. A failure at any step leaves the existing database untouched and no file behind.

The target is checked first (japan_nato.dbfiles): only a previous database of ours is replaced
unless `force`; a symbolic link is followed and the file it points to replaced. Builds of one target
take turns (japan_nato.locks), and each clears what killed builds of it left (japan_nato.scratch).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from japan_nato.loaders.curated import DEFAULT_CURATED_DIR, LoadReport, OnStep, load_curated
from japan_nato.schema import catalog, template

from japan_nato import dbfiles, locks, scratch

DEFAULT_DB = Path("build/japan_nato.duckdb")


class BuildError(Exception):
    """The build failed after validation (migration, load or quality gate); nothing was replaced."""


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def describe(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON every table and column, from the same declarations as the release metadata, so
    `duckdb_tables()` / `duckdb_columns()` (and `DESCRIBE`-like tools) explain the database."""
    statements = []
    for spec in catalog.tables():
        statements.append(f'COMMENT ON TABLE "{spec.name}" IS {_sql_text(spec.description)};')
        statements += [
            f'COMMENT ON COLUMN "{spec.name}"."{c.name}" IS {_sql_text(c.description)};' for c in spec.columns
        ]
    con.execute(" ".join(statements))  # one round trip


@dataclass
class BuildReport:
    db_path: Path
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    gate: object | None = None
    load: LoadReport | None = None


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


# DuckDB's buffer pool would otherwise grow to 80% of the machine's memory; beyond this it spills to
# disk beside the database.
MEMORY_LIMIT = "1GB"


@contextmanager
def fewer_collections():
    """Python's cyclic collector, run less often while files are read: every file's tree and rows
    are thousands of new containers, freed by reference counting (they hold no cycles), yet each 700
    allocations start a collection. Measured at 20,000 events: validate 3.3-3.6 s -> 2.9 s, stage
    1.4-2.1 s -> 1.5 s (docs/scale-benchmark.md). The settings are put back afterwards."""
    before = gc.get_threshold()
    gc.freeze()  # what is alive now (imported modules) is never traversed again
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def load_into(
    db: Path, curated_dir: Path, sources_dir: Path | None, require_texts: bool, on_step: OnStep | None = None
) -> LoadReport:
    """Stream the curated files into the migrated database `db`.

    Each staged batch commits on its own: DuckDB keeps a transaction's uncommitted rows in memory
    (measured: 1.1 GB for 2M staged rows in one transaction, 0.39 GB committed per 50k-row batch;
    docs/scale-benchmark.md), which would make memory grow with the dataset. `db` is the build's new,
    private file: nothing reads it until the build renames it into place, and a failed build deletes
    it, so its intermediate commits are never visible; the promise that a failed load changes
    nothing is kept by the file, not by one transaction.
    """
    con = duckdb.connect(str(db), config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})
    try:
        with fewer_collections():
            report = load_curated(curated_dir, con, sources_dir, require_texts, on_step)
        describe(con)
    finally:
        con.close()
    return report


def lock_file(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def build_database(
    curated_dir: Path = DEFAULT_CURATED_DIR,
    db_path: Path = DEFAULT_DB,
    gate: Callable[[Path], object] | None = None,
    sources_dir: Path | None = None,
    require_texts: bool = False,
    on_step: OnStep | None = None,
    force: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build `db_path` from `curated_dir`. Raises CuratedDataError, BuildError, DatabaseFileError (the
    target is not ours to replace; `force` replaces it anyway) or LockTimeout; then nothing changed.

    Excerpts, quotes and hashes are checked against the texts in `sources_dir` while each file is
    read; `require_texts` makes a missing text a problem (the command line's default).
    `gate(tmp_db)` runs on the new file before it replaces the old one and raises to refuse it.
    `on_step(step, done, total)` hears of each step (migrate, validate per file, ..., gate);
    `on_wait(message)` that another build of the same target runs and this one waits for it.
    """
    db_path = Path(db_path)
    target = dbfiles.replaceable(db_path, force=force)  # before any work, and before waiting
    target.parent.mkdir(parents=True, exist_ok=True)
    with locks.exclusive(lock_file(target), f"build of {db_path}", on_wait):
        target = dbfiles.replaceable(db_path, force=force)  # what the build we waited for left
        scratch.remove_stale_builds(target)
        return _build(curated_dir, target, db_path, gate, sources_dir, require_texts, on_step)


def _build(curated_dir, target: Path, db_path: Path, gate, sources_dir, require_texts, on_step) -> BuildReport:
    timings: dict[str, float] = {}
    tmp = scratch.building_name(target)
    _remove(tmp)
    try:
        if on_step:
            on_step("migrate", None, None)
        t0 = time.perf_counter()
        template.new_database(tmp)
        timings["migrate"] = time.perf_counter() - t0
        load = load_into(tmp, curated_dir, sources_dir, require_texts, on_step)
        timings.update(load.seconds)
        gate_result = None
        if gate is not None:
            if on_step:
                on_step("gate", None, None)
            t0 = time.perf_counter()
            gate_result = gate(tmp)
            timings["gate"] = time.perf_counter() - t0
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    return BuildReport(db_path, load.counts, timings, gate_result, load)
