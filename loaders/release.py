"""Immutable, versioned parquet releases: export, diff, semantic version, publish, verify, connect.

A release is `datasets/releases/<version>/` holding one parquet file per table plus
`quality_results.parquet`, `manifest.json` (rows, bytes and sha256 per file, the source texts'
hashes, schema revision, git commit, the gate's summary), `datapackage.json` (Frictionless v2) and
`CHANGES.md`. Publishing writes everything into a hidden temporary folder and renames it into place,
so a crash leaves no half-written release; an existing version is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from japan_nato.schema.models import REFERENCES, TABLES, primary_key

DEFAULT_RELEASES_DIR = Path("datasets/releases")
MANIFEST = "manifest.json"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
# Fixed writer options: with a fixed DuckDB version, the same rows give the same bytes.
PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880"
QUALITY_FILE = "quality_results.parquet"
# Tables keyed by IDs curators choose and users cite ("never reused"): removing a row breaks a reference.
# The other tables' keys are derived (citation hashes, <parent>--<actor> link IDs): removing one is a correction.
PUBLIC_ID_TABLES = {
    "sources",
    "actors",
    "actor_roles",
    "memberships",
    "agreements",
    "events",
    "quantities",
    "budgets",
    "statements",
    "vocabularies",
}


class ReleaseError(Exception):
    """A release could not be made, read or verified; the message says why and what to do."""


# ---- locating releases ---------------------------------------------------------------------------


def releases_dir(path: Path | None = None) -> Path:
    """The option, else $JAPAN_NATO_RELEASES, else ./datasets/releases, else the source checkout's."""
    if path is not None:
        return Path(path)
    if os.environ.get("JAPAN_NATO_RELEASES"):
        return Path(os.environ["JAPAN_NATO_RELEASES"])
    if DEFAULT_RELEASES_DIR.is_dir():
        return DEFAULT_RELEASES_DIR
    return Path(__file__).resolve().parents[1] / DEFAULT_RELEASES_DIR


def parse_version(text: str) -> tuple[int, int, int]:
    m = SEMVER.match(text)
    if not m:
        raise ReleaseError(f"{text!r} is not a version like 1.0.0")
    return tuple(int(g) for g in m.groups())  # type: ignore[return-value]


def versions(root: Path) -> list[str]:
    """Published versions, oldest first (folders with a manifest; temporary folders are ignored)."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and SEMVER.match(p.name) and (p / MANIFEST).exists()]
    return sorted(found, key=parse_version)


def resolve_version(root: Path, version: str) -> str:
    """'latest' -> the newest published version; anything else must exist."""
    known = versions(root)
    if version == "latest":
        if not known:
            raise ReleaseError(f"no releases in {root}; publish one with `japan-nato publish`")
        return known[-1]
    if version not in known:
        raise ReleaseError(f"no release {version} in {root}; published: {', '.join(known) or 'none'}")
    return version


def release_path(root: Path, version_or_path: str) -> Path:
    p = Path(version_or_path)
    if p.is_dir() and (p / MANIFEST).exists():
        return p
    return root / resolve_version(root, version_or_path)


# ---- export --------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_tables(db: Path, out: Path) -> list[str]:
    """Every table as parquet, rows sorted by primary key. Returns the file names."""
    con = duckdb.connect(str(db), read_only=True)
    names = []
    try:
        for table in TABLES:
            order = ", ".join(f'"{c}"' for c in primary_key(table))
            path = out / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM \"{table}\" ORDER BY {order}) TO '{path}' ({PARQUET_OPTIONS})")
            names.append(path.name)
    finally:
        con.close()
    return names


def export_quality(report, out: Path) -> str:
    """The gate's results for this release, without the run's id and clock so the bytes repeat."""
    import pyarrow as pa

    rows = sorted(
        (
            {
                "table": r.table,
                "check": r.check,
                "column": r.column,
                "engine": r.engine,
                "severity": r.severity,
                "success": r.success,
                "observed": r.observed,
                "failing_count": r.failing_count,
                "failing_keys": r.failing_keys,
                "description": r.description,
            }
            for r in report.results
        ),
        key=lambda r: (r["table"], r["check"], r["column"] or "", r["engine"]),
    )
    con = duckdb.connect()
    try:
        con.register("results", pa.Table.from_pylist(rows))
        path = out / QUALITY_FILE
        con.execute(f"COPY (SELECT * FROM results) TO '{path}' ({PARQUET_OPTIONS})")
    finally:
        con.close()
    return QUALITY_FILE


def file_entries(folder: Path, names: list[str]) -> dict[str, dict]:
    import pyarrow.parquet as pq

    return {
        name: {
            "rows": pq.ParquetFile(folder / name).metadata.num_rows,
            "bytes": (folder / name).stat().st_size,
            "sha256": sha256_file(folder / name),
        }
        for name in sorted(names)
    }


# ---- diff and semantic version -------------------------------------------------------------------


@dataclass
class TableDiff:
    table: str
    status: str = "same"  # added | removed | same
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: dict[str, str] = field(default_factory=dict)
    rows_added: list[str] = field(default_factory=list)
    rows_removed: list[str] = field(default_factory=list)
    rows_changed: dict[str, list[str]] = field(default_factory=dict)  # key -> changed columns

    @property
    def empty(self) -> bool:
        return self.status == "same" and not (
            self.columns_added
            or self.columns_removed
            or self.columns_retyped
            or self.rows_added
            or self.rows_removed
            or self.rows_changed
        )


@dataclass
class ReleaseDiff:
    old: str | None
    new: str
    tables: list[TableDiff]

    @property
    def bump(self) -> str | None:
        """major: a table or column removed, renamed or retyped (a rename reads as removed plus added),
        or a row removed from a table keyed by a curated public ID; minor: tables, columns or rows
        added; patch: values changed, or derived rows (citations, link rows) removed as corrections."""
        changed = [t for t in self.tables if not t.empty]
        if any(t.status == "removed" or t.columns_removed or t.columns_retyped for t in changed):
            return "major"
        if any(t.rows_removed and t.table in PUBLIC_ID_TABLES for t in changed):
            return "major"
        if any(t.status == "added" or t.columns_added or t.rows_added for t in changed):
            return "minor"
        if any(t.rows_changed or t.rows_removed for t in changed):
            return "patch"
        return None

    def to_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "bump": self.bump,
            "tables": [asdict(t) for t in self.tables if not t.empty],
        }

    def lines(self, limit: int = 10) -> list[str]:
        out = [f"diff {self.old or '(nothing)'} -> {self.new}: bump {self.bump or 'none (no changes)'}"]
        for t in self.tables:
            if t.empty:
                continue
            if t.status != "same":
                n = len(t.rows_added) or len(t.rows_removed)
                out.append(f"  {t.table}: table {t.status} ({n} rows)")
                continue
            for c in t.columns_added:
                out.append(f"  {t.table}: column added {c}")
            for c in t.columns_removed:
                out.append(f"  {t.table}: column removed {c}")
            for c, change in t.columns_retyped.items():
                out.append(f"  {t.table}: column retyped {c} ({change})")
            for label, keys in (("added", t.rows_added), ("removed", t.rows_removed)):
                if keys:
                    shown = ", ".join(keys[:limit]) + (f", … {len(keys) - limit} more" if len(keys) > limit else "")
                    out.append(f"  {t.table}: {len(keys)} row(s) {label}: {shown}")
            if t.rows_changed:
                items = list(t.rows_changed.items())
                shown = "; ".join(f"{k} ({', '.join(cols)})" for k, cols in items[:limit])
                more = f"; … {len(items) - limit} more" if len(items) > limit else ""
                out.append(f"  {t.table}: {len(items)} row(s) changed: {shown}{more}")
        return out


def _parquet_schema(path: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    return {f.name: str(f.type) for f in pq.read_schema(path)}


def _keys_for(table: str, columns: set[str]) -> list[str]:
    pk = [c for c in primary_key(table) if c in columns] if table in TABLES else []
    return pk or sorted(columns)[:1]


def diff_table(table: str, old: Path | None, new: Path | None) -> TableDiff:
    d = TableDiff(table)
    if old is None:
        d.status = "added"
        d.rows_added = _all_keys(table, new)
        return d
    if new is None:
        d.status = "removed"
        d.rows_removed = _all_keys(table, old)
        return d
    a, b = _parquet_schema(old), _parquet_schema(new)
    d.columns_added = [c for c in b if c not in a]
    d.columns_removed = [c for c in a if c not in b]
    d.columns_retyped = {c: f"{a[c]} -> {b[c]}" for c in a if c in b and a[c] != b[c]}
    keys = _keys_for(table, set(a) & set(b))
    common = [c for c in a if c in b and c not in d.columns_retyped and c not in keys]
    key_expr = " || ' | ' || ".join(f'CAST(coalesce(x."{k}", y."{k}") AS VARCHAR)' for k in keys)
    on = " AND ".join(f'x."{k}" = y."{k}"' for k in keys)
    changed_cols = ", ".join(f'CASE WHEN x."{c}" IS DISTINCT FROM y."{c}" THEN \'{c}\' END' for c in common)
    con = duckdb.connect()
    try:
        rows = con.execute(f"""
            SELECT {key_expr} AS k, x."{keys[0]}" IS NULL AS is_new, y."{keys[0]}" IS NULL AS is_gone,
                   list_filter([{changed_cols or "NULL"}], v -> v IS NOT NULL) AS changed
            FROM read_parquet('{old}') x FULL OUTER JOIN read_parquet('{new}') y ON {on}
            ORDER BY k""").fetchall()
    finally:
        con.close()
    for k, is_new, is_gone, changed in rows:
        if is_new:
            d.rows_added.append(k)
        elif is_gone:
            d.rows_removed.append(k)
        elif changed:
            d.rows_changed[k] = changed
    return d


def _all_keys(table: str, path: Path) -> list[str]:
    keys = _keys_for(table, set(_parquet_schema(path)))
    expr = " || ' | ' || ".join(f'CAST("{k}" AS VARCHAR)' for k in keys)
    con = duckdb.connect()
    try:
        return [r[0] for r in con.execute(f"SELECT {expr} FROM read_parquet('{path}') ORDER BY 1").fetchall()]
    finally:
        con.close()


def diff_releases(old: Path | None, new: Path, old_label: str | None = None, new_label: str = "new") -> ReleaseDiff:
    """Compare two release folders table by table (quality results are not part of the data)."""

    def tables(folder: Path | None) -> dict[str, Path]:
        if folder is None:
            return {}
        return {p.stem: p for p in sorted(folder.glob("*.parquet")) if p.name != QUALITY_FILE}

    a, b = tables(old), tables(new)
    names = [t for t in TABLES if t in a or t in b] + sorted((set(a) | set(b)) - set(TABLES))
    return ReleaseDiff(old_label, new_label, [diff_table(t, a.get(t), b.get(t)) for t in names])


def next_version(previous: str | None, bump: str | None) -> str | None:
    if previous is None:
        return "1.0.0"
    if bump is None:
        return None
    major, minor, patch = parse_version(previous)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        bump
    ]


# ---- metadata ------------------------------------------------------------------------------------

FRICTIONLESS_TYPES = {
    "string": "string",
    "date32[day]": "date",
    "double": "number",
    "bool": "boolean",
    "int64": "integer",
    "int32": "integer",
    "list<element: string>": "array",
}


def datapackage(version: str, folder: Path, files: dict[str, dict], sources: list[dict]) -> dict:
    descriptions = {t: {c.name: c.description or c.comment or "" for c in TABLES[t].__table__.columns} for t in TABLES}
    for t, model in TABLES.items():
        for name, f in model.model_fields.items():
            if f.description:
                descriptions[t][name] = f.description
    resources = []
    for name in files:
        table = name.removesuffix(".parquet")
        schema = _parquet_schema(folder / name)
        fields = []
        for col, arrow_type in schema.items():
            entry = {"name": col, "type": FRICTIONLESS_TYPES.get(arrow_type, "any")}
            if descriptions.get(table, {}).get(col):
                entry["description"] = descriptions[table][col]
            fields.append(entry)
        res_schema: dict = {"fields": fields}
        if table in TABLES:
            res_schema["primaryKey"] = primary_key(table)
            fks = [
                {"fields": [col], "reference": {"resource": target, "fields": primary_key(target)}}
                for t, col, target in REFERENCES
                if t == table and col in schema
            ]
            if fks:
                res_schema["foreignKeys"] = fks
        # bytes and sha256 live in manifest.json (checked by `japan-nato verify`): Frictionless cannot
        # measure a parquet resource and reports a byte-count error when they are given here.
        resources.append(
            {"name": table, "path": name, "format": "parquet", "mediatype": "application/parquet", "schema": res_schema}
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "japan-nato",
        "title": "japan-nato: Japan–NATO security relations",
        "description": (
            "Actors, roles, memberships, agreements, events, figures, budgets and statements on Japan–NATO "
            "security relations, each row cited with a verbatim excerpt of its source article. "
            "citations(record_table, record_id) and quantities(record_table, record_id) point at rows of "
            "several tables; Frictionless cannot express such keys, so the quality gate checks them."
        ),
        "version": version,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"title": s["title"] or s["source_id"], "path": s["url"] or s["file"]} for s in sources],
        "resources": resources,
    }


def git_commit(repo: Path) -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "HEAD") or None
    return {
        "commit": commit,
        "dirty": bool(git("status", "--porcelain", "--", "datasets/curated", "schema", "loaders", "quality"))
        if commit
        else None,
    }


def changes_md(version: str, diff: ReleaseDiff, when: str, note: str | None = None) -> str:
    lines = [f"## {version} ({when})", ""]
    if note:
        lines += [note.strip(), ""]
    if diff.old is None:
        lines.append("First release.")
    else:
        lines.append(f"{diff.bump.upper() if diff.bump else 'No'} change from {diff.old}.")
    lines.append("")
    for t in diff.tables:
        if t.empty:
            continue
        parts = []
        if t.status != "same":
            parts.append(f"table {t.status}")
        parts += [f"column added `{c}`" for c in t.columns_added]
        parts += [f"column removed `{c}`" for c in t.columns_removed]
        parts += [f"column retyped `{c}` ({v})" for c, v in t.columns_retyped.items()]
        for label, n in (
            ("added", len(t.rows_added)),
            ("removed", len(t.rows_removed)),
            ("changed", len(t.rows_changed)),
        ):
            if n and t.status == "same":
                parts.append(f"{n} row(s) {label}")
        if t.status != "same":
            parts.append(f"{len(t.rows_added) or len(t.rows_removed)} row(s)")
        lines.append(f"- `{t.table}`: " + ", ".join(parts))
    return "\n".join(lines) + "\n"


def write_changelog(root: Path) -> None:
    """CHANGELOG.md is derived: every release's CHANGES.md, newest first."""
    entries = [
        (root / v / "CHANGES.md").read_text(encoding="utf-8")
        for v in reversed(versions(root))
        if (root / v / "CHANGES.md").exists()
    ]
    text = "# Changelog\n\nEvery published version of the dataset, newest first. Versions are immutable.\n\n"
    (root / "CHANGELOG.md").write_text(text + "\n".join(entries), encoding="utf-8")


# ---- publish -------------------------------------------------------------------------------------


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


def stage_release(db: Path, report, root: Path, staging: Path) -> PublishPlan:
    """Export into `staging` and work out the version against the newest published release."""
    staging.mkdir(parents=True)
    export_tables(db, staging)
    previous = (versions(root) or [None])[-1]
    diff = diff_releases(root / previous if previous else None, staging, previous, "candidate")
    version = next_version(previous, diff.bump)
    diff.new = version or "candidate"
    export_quality(report, staging)
    return PublishPlan(version, previous, diff, staging)


def finish_release(plan: PublishPlan, db: Path, report, repo: Path, note: str | None = None) -> None:
    """Write manifest, datapackage and notes into the staged folder."""
    staging, version = plan.staging, plan.version
    names = sorted(p.name for p in staging.glob("*.parquet"))
    files = file_entries(staging, names)
    sources = _sources(db)
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    manifest = {
        "name": "japan-nato",
        "version": version,
        "previous_version": plan.previous,
        "bump": plan.diff.bump if plan.previous else "initial",
        "note": note,
        "published_on": when,
        "schema_revision": _schema_revision(db),
        "git": git_commit(repo),
        "writer": {"duckdb": duckdb.__version__, "options": PARQUET_OPTIONS, "rows_sorted_by": "primary key"},
        "files": files,
        "sources": [{"source_id": s["source_id"], "file": s["file"], "sha256": s["sha256"]} for s in sources],
        "quality_gate": {**report.summary(), "engine": sorted({r.engine for r in report.results})},
        "diff": {
            t.table: {"added": len(t.rows_added), "removed": len(t.rows_removed), "changed": len(t.rows_changed)}
            for t in plan.diff.tables
            if not t.empty
        },
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    package = datapackage(version, staging, files, sources)
    (staging / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (staging / "CHANGES.md").write_text(changes_md(version, plan.diff, when, note), encoding="utf-8")


def publish(db: Path, report, root: Path, repo: Path, dry_run: bool = False, note: str | None = None) -> PublishPlan:
    """Publish `db` (already through a passing gate) as the next version under `root`."""
    if not report.passed:
        raise ReleaseError(f"the quality gate failed ({report.summary_line()}); nothing was published")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        plan = stage_release(db, report, root, staging / "release")
        if plan.version is None:
            raise ReleaseError(f"nothing changed since {plan.previous}; no release made")
        target = root / plan.version
        if target.exists():
            raise ReleaseError(f"release {plan.version} already exists in {root}; releases are never overwritten")
        if dry_run:
            return plan
        finish_release(plan, db, report, repo, note)
        # The rename is the publish: before it nothing is visible, after it everything is.
        os.rename(plan.staging, target)
        plan.staging = target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_changelog(root)
    return plan


# ---- verify and connect --------------------------------------------------------------------------


def verify_release(folder: Path) -> list[str]:
    """Problems with one release: every file re-hashed and re-counted against its manifest."""
    import pyarrow.parquet as pq

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{folder}: manifest unreadable: {exc}"]
    problems = []
    listed = set(manifest.get("files", {}))
    present = {p.name for p in folder.glob("*.parquet")}
    for name in sorted(present - listed):
        problems.append(f"{folder / name}: not listed in the manifest")
    for name, entry in sorted(manifest.get("files", {}).items()):
        path = folder / name
        if not path.exists():
            problems.append(f"{path}: missing (manifest lists {entry['rows']} rows)")
            continue
        digest = sha256_file(path)
        if digest != entry["sha256"]:
            problems.append(f"{path}: sha256 {digest} does not match the manifest's {entry['sha256']}")
        if path.stat().st_size != entry["bytes"]:
            problems.append(f"{path}: {path.stat().st_size} bytes, manifest says {entry['bytes']}")
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
            if rows != entry["rows"]:
                problems.append(f"{path}: {rows} rows, manifest says {entry['rows']}")
        except Exception as exc:  # a tampered file may not even parse
            problems.append(f"{path}: unreadable parquet: {exc}")
    if manifest.get("version") != folder.name:
        problems.append(f"{folder}: manifest version {manifest.get('version')!r} differs from the folder name")
    return problems


def connect(version: str = "latest", releases: Path | None = None, quiet: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table over a release's parquet files.

    `version="latest"` is resolved explicitly and the chosen version is reported on stderr and kept in
    the `release_info` view, so an analysis always records what it ran on.
    """
    root = releases_dir(releases)
    chosen = resolve_version(root, version)
    if version == "latest" and not quiet:
        print(f"japan-nato: 'latest' is release {chosen} ({root / chosen})", file=sys.stderr)
    folder = root / chosen
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    con = duckdb.connect()
    for name in manifest["files"]:
        view = name.removesuffix(".parquet")
        con.execute(f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{(folder / name).resolve()}')")
    con.execute(
        f"CREATE VIEW release_info AS SELECT '{chosen}' AS version, "
        f"'{manifest.get('schema_revision')}' AS schema_revision, '{folder.resolve()}' AS path"
    )
    return con


def restore_release(
    db: Path, version: str = "latest", releases: Path | None = None, to: str = "head"
) -> tuple[str, str | None]:
    """A release's parquet -> a new database at the release's revision -> upgraded to `to`."""
    from japan_nato.schema import migrate

    db = Path(db)
    if db.exists():
        raise ReleaseError(f"{db} exists; restore writes a new database (remove it or choose another path)")
    root = releases_dir(releases)
    chosen = resolve_version(root, version)
    folder = root / chosen
    problems = verify_release(folder)
    if problems:
        raise ReleaseError(f"release {chosen} does not match its manifest: {problems[0]}")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    revision = manifest.get("schema_revision")
    known = [r.revision for r in migrate.revisions()]
    if revision not in known:
        raise ReleaseError(f"release {chosen} is at schema revision {revision!r}, which this code does not know")
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.restoring")
    tmp.unlink(missing_ok=True)
    try:
        migrate.upgrade(tmp, revision)
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN TRANSACTION")
            for name in manifest["files"]:
                table = name.removesuffix(".parquet")
                if name == QUALITY_FILE:
                    continue  # the gate's log of that release, not data; re-run `japan-nato check`
                con.execute(f'DELETE FROM "{table}"')
                con.execute(f"INSERT INTO \"{table}\" BY NAME SELECT * FROM read_parquet('{folder / name}')")
            con.execute("COMMIT")
        finally:
            con.close()
        migrate.upgrade(tmp, to)
        os.replace(tmp, db)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return chosen, migrate.current_revision(db)
