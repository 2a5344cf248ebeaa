"""Reading releases back: verify a folder against its manifest, query one, restore one."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import duckdb

from japan_nato.releases.store import MANIFEST, QUALITY_FILE, ReleaseError, releases_dir, resolve_version, sha256_file


def verify_release(folder: Path) -> list[str]:
    """Problems with one release: every file re-hashed and re-counted against its manifest. From
    manifest format 2 on, every file of the folder must be listed, and none may be missing."""
    import pyarrow.parquet as pq

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{folder}: manifest unreadable: {exc}"]
    problems = []
    listed = set(manifest.get("files", {}))
    strict = manifest.get("manifest_format", 1) >= 2
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST}
    if not strict:
        present = {name for name in present if name.endswith(".parquet")}
    for name in sorted(present - listed):
        problems.append(f"{folder / name}: not listed in the manifest")
    for name, entry in sorted(manifest.get("files", {}).items()):
        path = folder / name
        if not path.exists():
            problems.append(f"{path}: missing (the manifest lists it)")
            continue
        digest = sha256_file(path)
        if digest != entry["sha256"]:
            problems.append(f"{path}: sha256 {digest} does not match the manifest's {entry['sha256']}")
        if path.stat().st_size != entry["bytes"]:
            problems.append(f"{path}: {path.stat().st_size} bytes, manifest says {entry['bytes']}")
        if "rows" in entry:
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
        if not name.endswith(".parquet"):
            continue
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
                if not name.endswith(".parquet") or name == QUALITY_FILE:
                    continue  # the gate's log of that release is not data; re-run `japan-nato check`
                table = name.removesuffix(".parquet")
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
