"""Reading releases back: verify a folder against its manifest, query one, restore one."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import duckdb

from japan_nato.releases.store import MANIFEST, QUALITY_FILE, ReleaseError, releases_dir, resolve_version, versions
from japan_nato.releases.verify import require_intact
from japan_nato.schema.sqltext import identifier, literal

TABLE_FILE = re.compile(r"^[a-z][a-z0-9_]{0,62}\.parquet$")  # a manifest may name nothing else as a view


def _has_local(root: Path, version: str) -> bool:
    known = versions(root)
    return bool(known) if version == "latest" else version in known


def connect(version: str = "latest", releases: Path | None = None, quiet: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table over a release's parquet files.

    The release is read from `releases` (or $JAPAN_NATO_RELEASES) when given; otherwise from the
    local releases folder when it has the version, else from the download cache, else it is
    downloaded and verified first (`japan_nato.releases.download`).

    `version="latest"` is resolved explicitly and the chosen version is reported on stderr and kept in
    the `release_info` view, so an analysis always records what it ran on.
    """
    root = releases_dir(releases)
    if releases is None and not os.environ.get("JAPAN_NATO_RELEASES") and not _has_local(root, version):
        # Not in the local releases (an installed wheel has none): the cache, else, only where there
        # are no local releases at all, a verified download.
        from japan_nato.releases.download import locate

        root, chosen = locate(version, quiet, may_download=not versions(root), local=root)
    else:
        chosen = resolve_version(root, version)
        if version == "latest" and not quiet:
            print(f"japan-nato: 'latest' is release {chosen} ({root / chosen})", file=sys.stderr)
    folder = root / chosen
    require_intact(root, chosen)  # never serve a release that is not the one published
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    con = duckdb.connect()
    for name in manifest["files"]:
        if not name.endswith(".parquet"):
            continue
        if not TABLE_FILE.match(name):
            con.close()
            raise ReleaseError(f"{folder / MANIFEST}: lists {name[:80]!r}, which is not a table's file")
        path = literal(str((folder / name).resolve()))
        con.execute(f"CREATE VIEW {identifier(name.removesuffix('.parquet'))} AS SELECT * FROM read_parquet({path})")
    revision = manifest.get("schema_revision")
    con.execute(
        f"CREATE VIEW release_info AS SELECT {literal(chosen)} AS version, "
        f"{literal(revision) if revision else 'NULL'} AS schema_revision, {literal(str(folder.resolve()))} AS path"
    )
    return con


def restore_release(
    db: Path,
    version: str = "latest",
    releases: Path | None = None,
    to: str = "head",
    force: bool = False,
    on_wait=None,
) -> tuple[str, str | None]:
    """A release's parquet -> a new database at the release's revision -> upgraded to `to`. `db` must
    not exist (`force`: replaced, unless a folder; a symbolic link is followed and the file it
    points to replaced). Raises ReleaseError, DatabaseFileError, MigrationError or LockTimeout."""
    from japan_nato import dbfiles, locks
    from japan_nato.loaders.build import lock_file
    from japan_nato.schema import migrate

    db = Path(db)
    migrate.target_revision(to)  # an unknown --to, before anything is written
    target = dbfiles.replaceable(db, force=force, replaces_ours=False)
    root = releases_dir(releases)
    chosen = resolve_version(root, version)
    folder = root / chosen
    require_intact(root, chosen)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    revision = manifest.get("schema_revision")
    if revision not in [r.revision for r in migrate.revisions()]:
        raise ReleaseError(f"release {chosen} is at schema revision {revision!r}, which this code does not know")
    target.parent.mkdir(parents=True, exist_ok=True)
    with locks.exclusive(lock_file(target), f"write of {db}", on_wait):
        dbfiles.replaceable(db, force=force, replaces_ours=False)  # what the one we waited for left
        _restore_into(target, folder, manifest, revision, to)
    return chosen, migrate.current_revision(target)


def _restore_into(target: Path, folder: Path, manifest: dict, revision: str, to: str) -> None:
    from japan_nato.schema import migrate

    tmp = target.with_name(f".{target.name}.restoring")
    tmp.unlink(missing_ok=True)
    try:
        migrate.upgrade(tmp, revision)
        _load_release(tmp, folder, manifest, revision)
        migrate.upgrade(tmp, to)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _load_release(tmp: Path, folder: Path, manifest: dict, revision: str) -> None:
    con = duckdb.connect(str(tmp))
    try:
        query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        known_tables = {r[0] for r in con.execute(query).fetchall()}
        con.execute("BEGIN TRANSACTION")
        for name in manifest["files"]:
            if not name.endswith(".parquet") or name == QUALITY_FILE:
                continue  # the gate's log of that release is not data; re-run `japan-nato check`
            table = name.removesuffix(".parquet")
            if table not in known_tables:
                raise ReleaseError(
                    f"{folder / MANIFEST}: lists {name[:80]!r}, which is not a table of revision {revision}"
                )
            con.execute(f"DELETE FROM {identifier(table)}")
            con.execute(
                f"INSERT INTO {identifier(table)} BY NAME SELECT * FROM read_parquet({literal(str(folder / name))})"
            )
        con.execute("COMMIT")
    finally:
        con.close()
