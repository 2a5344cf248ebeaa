"""A database -> one parquet file per table that describes itself.

Rows are sorted by primary key and written by pyarrow with fixed options, so the same rows give
the same bytes for a fixed pyarrow version. Each file carries, for readers that have only it:
required (NOT NULL) columns as required parquet fields; on every field its description and
declared facts (vocabulary and values, reference, precision column, unit); and in the file's
key-value metadata the table's description, primary key, the dataset version and schema revision,
the licence, and a pointer to datapackage.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from japan_nato.releases.store import QUALITY_FILE, sha256_file
from japan_nato.schema import catalog
from japan_nato.schema.arrow import arrow_schema

WRITER = {"library": "pyarrow", "version": pa.__version__, "compression": "zstd", "row_group_size": 122880}
LICENSE = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def file_metadata(table: str, version: str, schema_revision: str | None) -> dict[str, str]:
    spec = catalog.table(table)
    return {
        "dataset": "japan-nato",
        "table": table,
        "description": spec.description,
        "primary_key": json.dumps(list(spec.primary_key)),
        "columns": json.dumps({c.name: c.description for c in spec.columns}, ensure_ascii=False),
        "version": version,
        "schema_revision": schema_revision or "",
        "license": f"{LICENSE} ({LICENSE_URL})",
        "datapackage": "datapackage.json (beside this file: every table, field, key and reference)",
    }


def _schema_for(table: str, found: pa.Schema, version: str, schema_revision: str | None) -> pa.Schema:
    """The declared field for each column the database has; a column the declarations do not know
    (a database altered by hand) keeps the type it has, undescribed."""
    declared = {f.name: f for f in arrow_schema(table, described=True)}
    fields = [declared.get(f.name, f) for f in found]
    return pa.schema(fields, metadata=file_metadata(table, version, schema_revision))


def _write(table: pa.Table, path: Path) -> None:
    pq.write_table(
        table,
        path,
        compression=WRITER["compression"],
        row_group_size=WRITER["row_group_size"],
        use_dictionary=True,
        write_statistics=True,
    )


def export_tables(db: Path, out: Path, version: str, schema_revision: str | None) -> list[str]:
    """Every table as parquet, rows sorted by primary key. Returns the file names."""
    con = duckdb.connect(str(db), read_only=True)
    names = []
    try:
        for table in catalog.table_names():
            order = ", ".join(f'"{c}"' for c in catalog.primary_key(table))
            rows = con.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetch_arrow_table()
            path = out / f"{table}.parquet"
            _write(rows.cast(_schema_for(table, rows.schema, version, schema_revision)), path)
            names.append(path.name)
    finally:
        con.close()
    return names


QUALITY_SCHEMA = pa.schema(
    [
        pa.field("table", pa.string(), False, {"description": "The table the check ran on."}),
        pa.field("check", pa.string(), False, {"description": "The check's name."}),
        pa.field("column", pa.string(), True, {"description": "The column it checks, when one."}),
        pa.field("engine", pa.string(), False, {"description": "Where it ran: gx-sql, gx-pandas or sql."}),
        pa.field("severity", pa.string(), False, {"description": "error (blocks a release) or warning."}),
        pa.field("success", pa.bool_(), True, {"description": "True passed, False failed, empty skipped."}),
        pa.field("observed", pa.string(), True, {"description": "What it saw (ok, or the failures)."}),
        pa.field("failing_count", pa.int64(), False, {"description": "How many rows failed."}),
        pa.field("failing_keys", pa.list_(pa.string()), True, {"description": "Keys of failing rows (at most 50)."}),
        pa.field("description", pa.string(), True, {"description": "What the check asks of each row."}),
    ]
)


def export_quality(report, out: Path, version: str) -> str:
    """The gate's results for this release, without the run's id and clock so the bytes repeat."""
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
    meta = {
        "dataset": "japan-nato",
        "table": "quality_results",
        "description": "Every quality check the release passed before it was published, one row per check.",
        "version": version,
    }
    _write(pa.Table.from_pylist(rows, schema=QUALITY_SCHEMA.with_metadata(meta)), out / QUALITY_FILE)
    return QUALITY_FILE


def file_entries(folder: Path, names: list[str]) -> dict[str, dict]:
    """rows (parquet only), bytes and sha256 of each file."""
    entries = {}
    for name in sorted(names):
        path = folder / name
        entry = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
        if name.endswith(".parquet"):
            entry = {"rows": pq.ParquetFile(path).metadata.num_rows, **entry}
        entries[name] = entry
    return entries
