"""Every published release as Iceberg snapshots, for lakehouse engines (Spark, DuckDB, pyiceberg...).

One Iceberg table per dataset table. Each release is one snapshot per table, committed in version
order and tagged with its version, so `VERSION AS OF '1.1.0'` is that release's rows. The schema is
the declarations' (`japan_nato.schema.catalog`): required columns, the primary key as identifier
fields, a doc on every column and the table's description as its `comment`; a column a release adds
is a schema change of the table (old snapshots keep the schema they were written with).

A snapshot replaces every data file of the one before it in a single OVERWRITE commit. pyiceberg's
`overwrite()` would commit a DELETE snapshot and then an APPEND (an empty table between two
releases); the snapshot producer is used directly instead, and the tag goes into the same commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from japan_nato.releases.iceberg_schema import iceberg_schema, read_release_table
from japan_nato.releases.store import MANIFEST, QUALITY_FILE, ReleaseError, parse_version, versions
from japan_nato.releases.verify import require_intact
from japan_nato.schema import catalog

DEFAULT_NAMESPACE = "japan_nato"
CATALOG_NAME = "japan_nato"
OWNER = "japan-nato.dataset"  # table property marking the tables this export made


@dataclass
class IcebergExport:
    """What one run did: per version, the tables it committed a snapshot to."""

    namespace: str
    exported: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # versions every table already had


def open_catalog(catalog_uri: str, warehouse: str):
    """A pyiceberg SQL catalog: a SQLAlchemy URL (`sqlite:////abs/catalog.db`, or a plain file path,
    taken as SQLite) and a warehouse URI (`file:///abs/warehouse`, or a plain folder)."""
    from pyiceberg.catalog.sql import SqlCatalog

    from japan_nato.dbfiles import sqlite_catalog_problem

    if "://" not in catalog_uri:
        path = Path(catalog_uri).expanduser().resolve()
        if not path.parent.is_dir():
            raise ReleaseError(f"--catalog {catalog_uri}: folder {path.parent} does not exist; create it first")
        problem = sqlite_catalog_problem(path)
        if problem:
            raise ReleaseError(f"--catalog {catalog_uri} {problem}")
        catalog_uri = f"sqlite:///{path}"
    elif catalog_uri.split("://", 1)[0].split("+", 1)[0] not in ("sqlite", "postgresql", "mysql"):
        raise ReleaseError(
            f"--catalog {catalog_uri}: not a SQL catalog; give a SQLAlchemy URL such as sqlite:////abs/path/catalog.db"
        )
    # Only file warehouses: the one kind tested here, and pyiceberg would reach out to any other.
    if warehouse.startswith("file://"):
        warehouse = warehouse.removeprefix("file://")
    elif "://" in warehouse:
        raise ReleaseError(f"--warehouse {warehouse}: only a folder or a file:// URI is supported; give a local folder")
    folder = Path(warehouse).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReleaseError(
            f"--warehouse {warehouse}: cannot create the folder ({exc.strerror}); choose another"
        ) from exc
    warehouse = folder.as_uri()
    try:
        return SqlCatalog(CATALOG_NAME, uri=catalog_uri, warehouse=warehouse)
    except Exception as exc:  # SQLAlchemy's errors carry the driver's reason on their first line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReleaseError(f"--catalog {catalog_uri}: cannot open it ({first})") from exc


def _tags(tbl) -> dict[str, int]:
    return {name: ref.snapshot_id for name, ref in tbl.metadata.refs.items() if ref.snapshot_ref_type == "tag"}


def _evolve(tx, target) -> None:
    """Bring the table's current schema to `target`: add, drop, promote, re-document, re-key.
    Adding a required column is allowed: every data file of the new snapshot has it, and the older
    snapshots are read with the schema they were written with."""
    current = tx.table_metadata.schema()
    have = {f.name: f for f in current.fields}
    want = {f.name: f for f in target.fields}
    key = [target.find_column_name(i) for i in target.identifier_field_ids]

    def facts(schema) -> list:
        return [(f.name, f.field_type, f.required, f.doc) for f in schema.fields]

    changed = facts(current) != facts(target) or set(key) != current.identifier_field_names()
    if not changed:
        return
    with tx.update_schema(allow_incompatible_changes=True) as update:
        for name in have:
            if name not in want:
                update.delete_column(name)
        for name, w in want.items():
            if name not in have:
                update.add_column(name, w.field_type, doc=w.doc, required=w.required)
                continue
            h = have[name]
            if h.field_type != w.field_type:
                update.update_column(name, field_type=w.field_type)
            if h.required != w.required:
                update.update_column(name, required=w.required)
            if h.doc != w.doc:
                update.update_column(name, doc=w.doc)
        update.set_identifier_fields(*key)


def _commit_release(tbl, rows: pa.Table | None, version: str, summary: dict[str, str]) -> None:
    """One transaction: schema change (if any), one snapshot replacing every live data file with
    this release's rows (none: the table is not in the release), and the version's tag."""
    from pyiceberg.exceptions import ValidationError
    from pyiceberg.io.pyarrow import _dataframe_to_data_files  # pyiceberg's writer; public API makes 2 snapshots
    from pyiceberg.table.update.snapshot import ManageSnapshots

    with tbl.transaction() as tx:
        if rows is not None:
            try:
                _evolve(tx, iceberg_schema(tbl.name()[-1], rows.schema))
            except ValidationError as exc:  # e.g. a retype Iceberg cannot express (string -> date)
                raise ReleaseError(
                    f"release {version}: {tbl.name()[-1]}'s schema cannot follow in Iceberg ({exc}); "
                    "nothing was written to that table: export into a new --namespace"
                ) from exc
        current = tx.table_metadata.current_snapshot()
        with tx.update_snapshot(snapshot_properties=summary).overwrite() as snapshot:
            if current is not None:
                for task in tbl.scan(snapshot_id=current.snapshot_id).plan_files():
                    snapshot.delete_data_file(task.file)
            if rows is not None and rows.num_rows:
                meta = tx.table_metadata
                for data_file in _dataframe_to_data_files(meta, rows, tbl.io, write_uuid=snapshot.commit_uuid):
                    snapshot.append_data_file(data_file)
        tags = ManageSnapshots(tx)
        tags.create_tag(tx.table_metadata.current_snapshot_id, version)
        tags.commit()


def _release_tables(folder: Path) -> list[str]:
    files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    names = [n.removesuffix(".parquet") for n in files if n.endswith(".parquet") and n != QUALITY_FILE]
    known = catalog.table_names()
    return [t for t in known if t in names] + sorted(set(names) - set(known))


def _create_table(cat, namespace: str, name: str, rows: pa.Table):
    spec = catalog.table(name) if name in catalog.table_names() else None
    props = {OWNER: "japan-nato", "japan-nato.primary-key": json.dumps(list(spec.primary_key) if spec else [])}
    if spec:
        props["comment"] = spec.description  # the table comment Spark, Trino and others show
    return cat.create_table((namespace, name), schema=iceberg_schema(name, rows.schema), properties=props)


def _ours(cat, namespace: str) -> dict:
    """The namespace's tables this export made; any other table with one of our names is refused
    rather than overwritten."""
    found = {}
    for ident in cat.list_tables(namespace):
        tbl = cat.load_table(ident)
        name = ident[-1]
        if tbl.properties.get(OWNER) == "japan-nato":
            found[name] = tbl
        elif name in catalog.table_names():
            raise ReleaseError(
                f"{namespace}.{name} exists and was not made by this export; nothing was exported: "
                "choose another --namespace"
            )
    return found


def _first_releases(published: list[str], data: dict) -> dict[str, str]:
    """Each table's first release: a table a later release adds has no snapshot before it."""
    born: dict[str, str] = {}
    for version in published:
        for name in data[version]:
            born.setdefault(name, version)
    return born


def _due(name: str, version: str, born: dict[str, str]) -> bool:
    """Whether the table gets a snapshot for this release: from its first release on (a release that
    drops it gets an empty one)."""
    return name in born and parse_version(version) >= parse_version(born[name])


def _check_order(tables: dict, published: list[str], namespace: str, born: dict[str, str]) -> None:
    """Snapshots go in version order: a release older than one a table already holds cannot follow it."""
    for name, tbl in tables.items():
        tags = _tags(tbl)
        for version in published:
            if version in tags or not _due(name, version, born):
                continue
            newer = [t for t in tags if parse_version(t) > parse_version(version)]
            if newer:
                raise ReleaseError(
                    f"{namespace}.{name} already holds release {max(newer, key=parse_version)}, newer than "
                    f"{version}, which it lacks; nothing was exported: snapshots go in version order, so export "
                    "into a new --namespace (or a new catalog)"
                )


def _read_releases(root: Path, published: list[str]) -> dict[str, dict[str, pa.Table]]:
    """Every release verified against its manifest, and each of its tables read, cast to the declared
    schema and given an Iceberg schema, before anything is written: bad input changes nothing."""
    found = {}
    for version in published:
        folder = root / version
        try:
            require_intact(root, version)  # its manifest, and for pinned roots the published pin too
        except ReleaseError as exc:
            raise ReleaseError(f"{exc}; nothing was exported") from exc
        found[version] = {name: read_release_table(folder, name) for name in _release_tables(folder)}
        for name, rows in found[version].items():
            iceberg_schema(name, rows.schema)
    return found


def export_iceberg(root: Path, catalog_uri: str, warehouse: str, namespace: str = DEFAULT_NAMESPACE) -> IcebergExport:
    """Export every published release of `root` not yet in the catalog, oldest first. The releases
    are checked (`_read_releases`), and the catalog's tables against the releases' order, before
    anything is written."""
    published = versions(root)
    if not published:
        raise ReleaseError(f"no releases in {root}; publish one with `japan-nato publish`")
    data = _read_releases(root, published)
    cat = open_catalog(catalog_uri, warehouse)
    cat.create_namespace_if_not_exists(namespace)
    tables = _ours(cat, namespace)
    born = _first_releases(published, data)
    _check_order(tables, published, namespace, born)
    result = IcebergExport(namespace)
    try:
        _commit_all(cat, namespace, root, published, data, tables, born, result)
    except OSError as exc:  # the warehouse's file system: full, read-only, removed under us
        raise ReleaseError(
            f"writing to the warehouse failed ({exc}); the snapshots committed before it are in the catalog "
            "and re-running the export resumes"
        ) from exc
    return result


def _commit_all(
    cat, namespace: str, root: Path, published: list[str], data: dict, tables: dict, born: dict, result
) -> None:
    for version in published:
        manifest = json.loads((root / version / MANIFEST).read_text(encoding="utf-8"))
        present = data[version]
        written = []
        # A table of ours the release no longer has gets an empty snapshot: at that tag it has no rows.
        for name in list(present) + [t for t in tables if t not in present]:
            if not _due(name, version, born) or (name in tables and version in _tags(tables[name])):
                continue
            rows = present.get(name)
            if name not in tables:
                tables[name] = _create_table(cat, namespace, name, rows)
            summary = {
                "japan-nato.version": version,
                "japan-nato.schema-revision": manifest.get("schema_revision") or "",
                "japan-nato.source-sha256": manifest["files"].get(f"{name}.parquet", {}).get("sha256", "(removed)"),
            }
            _commit_release(tables[name], rows, version, summary)
            written.append(name)
        if written:
            result.exported[version] = written
        else:
            result.skipped.append(version)
