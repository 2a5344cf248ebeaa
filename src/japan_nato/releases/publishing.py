"""Publish a gated database as the next immutable version.

Everything is written into a hidden staging folder beside the releases, checked there (every
quality check must have run and passed; `frictionless validate` and Croissant's validator must
accept the metadata), and only then renamed into place: before the rename nothing is visible,
after it everything is. A version is never overwritten, and nothing is published when nothing
changed.

Publishes into one releases folder take turns (`.publish.lock` beside the versions): the second
computes its version after the first has renamed its release into place, so two never make the same
version, and the second finds "nothing changed" when both had the same data. A killed publish's
staging folder (`.staging.<pid>.*`) is removed by the next one.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from japan_nato import locks, scratch
from japan_nato.releases import croissant, metadata, pins
from japan_nato.releases.diff import ReleaseDiff, diff_releases, next_version
from japan_nato.releases.export import WRITER, export_quality, export_tables, file_entries
from japan_nato.releases.store import MANIFEST, ReleaseError, versions
from japan_nato.releases.verify import make_read_only

MANIFEST_FORMAT = 2  # 2: every file of the folder is listed and hashed (1: only the parquet files)
LOCK_FILE = ".publish.lock"
STAGING = re.compile(r"\.staging\.(?P<pid>\d+)\.\w+")


@dataclass
class PublishPlan:
    version: str | None
    previous: str | None
    diff: ReleaseDiff
    staging: Path


def _schema_revision(db: Path) -> str | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def _sources(db: Path) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("SELECT source_id, file, title, url, sha256 FROM sources ORDER BY source_id")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def require_complete_gate(report) -> None:
    """A release needs every check run and passed."""
    if not report.passed:
        raise ReleaseError(f"the quality gate failed ({report.summary_line()}); nothing was published")
    skipped = getattr(report, "skipped", [])
    if skipped:
        names = ", ".join(f"{r.table}: {r.check}" for r in skipped)
        raise ReleaseError(
            f"a release needs every check to run, and {len(skipped)} were skipped ({names}): give --sources-dir "
            "or $JAPAN_NATO_SOURCES; nothing was published"
        )


def validate_metadata(folder: Path) -> list[str]:
    """What `frictionless validate` and Croissant's validator find wrong with a staged release."""
    import frictionless

    problems = []
    report = frictionless.validate(str(folder / "datapackage.json"))
    if not report.valid:
        for row in report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]:
            problems.append("frictionless: " + " ".join(str(x) for x in row if x is not None))
    try:
        import mlcroissant
    except ImportError:
        problems.append("croissant: mlcroissant is not installed (`make setup` installs it); cannot validate")
    else:
        try:
            mlcroissant.Dataset(jsonld=str(folder / "croissant.json"))
        except Exception as exc:  # mlcroissant raises ValidationError with every issue in the message
            problems.append(
                f"croissant: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
            )
    return problems


def _finish(plan: PublishPlan, db: Path, report, repo: Path, note: str | None, revision: str | None) -> None:
    """Write the data, the metadata and the manifest into the staged folder, and check them."""
    folder, version = plan.staging, plan.version
    folder.mkdir(parents=True)
    export_tables(db, folder, version, revision)
    export_quality(report, folder, version)
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    sources = _sources(db)
    data_files = file_entries(folder, [p.name for p in folder.glob("*.parquet")])
    metadata.write_json(folder / "datapackage.json", metadata.datapackage(version, sources, folder))
    metadata.write_json(folder / "croissant.json", croissant.croissant(version, when, data_files, folder))
    (folder / "CITATION.cff").write_text(metadata.citation_cff(version, when), encoding="utf-8")
    (folder / "LICENSE").write_text(metadata.license_text(version), encoding="utf-8")
    (folder / "CHANGES.md").write_text(metadata.changes_md(version, plan.diff, when, note), encoding="utf-8")
    problems = validate_metadata(folder)
    if problems:
        raise ReleaseError(f"release {version}'s metadata does not validate: {'; '.join(problems)}")
    manifest = {
        "name": "japan-nato",
        "manifest_format": MANIFEST_FORMAT,
        "version": version,
        "previous_version": plan.previous,
        "bump": plan.diff.bump if plan.previous else "initial",
        "note": note,
        "published_on": when,
        "schema_revision": revision,
        "git": metadata.git_commit(repo),
        "writer": {**WRITER, "rows_sorted_by": "primary key"},
        "files": file_entries(folder, [p.name for p in folder.iterdir() if p.name != MANIFEST]),
        "sources": [{"source_id": s["source_id"], "file": s["file"], "sha256": s["sha256"]} for s in sources],
        "quality_gate": {**report.summary(), "engine": sorted({r.engine for r in report.results})},
        "diff": {
            t.table: {"added": len(t.rows_added), "removed": len(t.rows_removed), "changed": len(t.rows_changed)}
            for t in plan.diff.tables
            if not t.empty
        },
    }
    metadata.write_json(folder / MANIFEST, manifest)


def publish(
    db: Path,
    report,
    root: Path,
    repo: Path,
    dry_run: bool = False,
    note: str | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> PublishPlan:
    """Publish `db` (already through a passing gate with every check run) as the next version.
    `on_wait(message)` hears that another publish into `root` runs and this one waits for it."""
    require_complete_gate(report)
    root.mkdir(parents=True, exist_ok=True)
    with locks.exclusive(root / LOCK_FILE, f"publish into {root}", on_wait):
        scratch.remove_stale(root, STAGING)
        return _publish(db, report, root, repo, dry_run, note)


def _publish(db: Path, report, root: Path, repo: Path, dry_run: bool, note: str | None) -> PublishPlan:
    if versions(root) and not dry_run:  # a dry run writes nothing that stays
        metadata.write_changelog(root)  # repairs one an interrupted publish left behind
    staging = Path(tempfile.mkdtemp(prefix=f".staging.{os.getpid()}.", dir=root))
    try:
        revision = _schema_revision(db)
        probe = staging / "candidate"
        probe.mkdir()
        export_tables(db, probe, "candidate", revision)
        previous = (versions(root) or [None])[-1]
        diff = diff_releases(root / previous if previous else None, probe, previous, "candidate")
        version = next_version(previous, diff.bump)
        if version is None:
            raise ReleaseError(f"nothing changed since {previous}; no release made")
        diff.new = version
        plan = PublishPlan(version, previous, diff, staging / "release")
        target = root / version
        if target.exists():
            raise ReleaseError(f"release {version} already exists in {root}; releases are never overwritten")
        if dry_run:
            return plan
        _finish(plan, db, report, repo, note, revision)
        # The rename is the publish: before it nothing is visible, after it everything is.
        make_read_only(plan.staging)
        if pins.is_repository_root(root):
            pins.add(plan.staging, target.name)  # pinned first: a kill before the rename leaves a pin, no release
        os.rename(plan.staging, target)
        plan.staging = target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    metadata.write_changelog(root)
    return plan
