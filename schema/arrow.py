"""Each table's Arrow schema, from its declarations: types, nullability, and (for releases) the
descriptions a reader of the parquet file sees."""

from __future__ import annotations

import json

import pyarrow as pa
from japan_nato.schema import catalog

ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "integer": pa.int64(),
}


def column_metadata(c: catalog.ColumnSpec) -> dict[str, str]:
    """What a parquet reader sees on the field: its description and declared facts."""
    meta = {"description": c.description}
    if c.vocabulary:
        meta["vocabulary"] = c.vocabulary
        meta["values"] = json.dumps(list(c.values), ensure_ascii=False)
    if c.references:
        meta["references"] = f"{c.references}.{catalog.table(c.references).key}"
    if c.row_of:
        meta["references"] = f"the row of the table named in {c.row_of}"
    if c.precision:
        meta["precision_column"] = c.precision
    if c.unit:
        meta["unit"] = c.unit
    if c.unit_from:
        meta["unit_column"] = c.unit_from
    return meta


def arrow_schema(table: str, described: bool = False) -> pa.Schema:
    spec = catalog.table(table)
    return pa.schema(
        [
            pa.field(
                c.name,
                ARROW_TYPES[c.type],
                nullable=not c.required,
                metadata=column_metadata(c) if described else None,
            )
            for c in spec.columns
        ]
    )
