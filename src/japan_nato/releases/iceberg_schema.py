"""The Iceberg schema of a release's tables, from the schema's declarations: types, required
columns, docs and the primary key as identifier fields; and a release table read in that schema."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from japan_nato.releases.store import ReleaseError
from japan_nato.schema import catalog
from japan_nato.schema.arrow import arrow_schema


def _iceberg_type(arrow: pa.DataType, where: str):
    from pyiceberg import types

    known = {
        pa.string(): types.StringType(),
        pa.large_string(): types.StringType(),
        pa.date32(): types.DateType(),
        pa.float64(): types.DoubleType(),
        pa.bool_(): types.BooleanType(),
        pa.int64(): types.LongType(),
        pa.int32(): types.IntegerType(),
    }
    if arrow not in known:
        raise ReleaseError(f"{where}: type {arrow} has no Iceberg type here; export it by hand or retype the column")
    return known[arrow]


def declared_arrow(table: str, found: pa.Schema) -> pa.Schema:
    """The file's columns, in file order, each with its declared type and nullability. Releases before
    2.1.1 wrote every column nullable; the declarations say which are required. A column the
    declarations do not know keeps the type the file gives it."""
    declared = {f.name: f for f in arrow_schema(table)} if table in catalog.table_names() else {}
    return pa.schema([declared.get(f.name, f.with_metadata(None)) for f in found])


def iceberg_schema(table: str, arrow: pa.Schema):
    """The Iceberg schema of `arrow`'s columns: types, required, docs, and the primary key as
    identifier fields (Iceberg requires those to be required)."""
    from pyiceberg.schema import Schema
    from pyiceberg.types import NestedField

    spec = catalog.table(table) if table in catalog.table_names() else None
    docs = {c.name: c.description for c in spec.columns} if spec else {}
    fields = [
        NestedField(
            i, f.name, _iceberg_type(f.type, f"{table}.{f.name}"), required=not f.nullable, doc=docs.get(f.name)
        )
        for i, f in enumerate(arrow, start=1)
    ]
    key = [c for c in (spec.primary_key if spec else ()) if c in arrow.names]
    return Schema(*fields, identifier_field_ids=[arrow.names.index(c) + 1 for c in key])


def read_release_table(folder: Path, table: str) -> pa.Table:
    """One table of a release, cast to its declared schema; a NULL in a required column is refused
    rather than written into a required Iceberg field."""
    path = folder / f"{table}.parquet"
    rows = pq.read_table(path)
    target = declared_arrow(table, rows.schema)
    for f in target:
        if not f.nullable and rows.column(f.name).null_count:
            n = rows.column(f.name).null_count
            raise ReleaseError(
                f"{path}: {n} empty value(s) in {f.name}, which the schema declares required; "
                "fix the declaration or the release before exporting"
            )
    return rows.cast(target)
