"""The schema as data: tables and columns read back from the models by introspection.

Everything that needs to know about a column asks here: the input models, the GX suites, the SQL
integrity checks, the semver rules, stats, the datapackage, Croissant, the parquet metadata, the
database comments and the data dictionary. Nothing here is written twice; it is read from the
SQLAlchemy tables and the `column(...)` declarations behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from functools import cache

from japan_nato.schema.declare import ColumnInfo, Nested, TableInfo
from japan_nato.schema.models import TABLES
from japan_nato.schema.vocab import VOCABULARIES

PYTHON_TYPES = {str: "string", date: "date", float: "number", bool: "boolean", int: "integer"}


@dataclass(frozen=True)
class ColumnSpec(ColumnInfo):
    name: str = ""
    table: str = ""
    type: str = "string"  # string | date | number | boolean | integer
    required: bool = False  # NOT NULL
    primary_key: bool = False
    default: object = ...  # what an input record may omit it as; ... when it must be given

    @property
    def values(self) -> dict[str, str] | None:
        """The vocabulary's values and their meanings, when the column has one."""
        return VOCABULARIES[self.vocabulary] if self.vocabulary else None

    @property
    def curated_name(self) -> str:
        return self.yaml or self.name

    @property
    def is_text(self) -> bool:
        return self.type == "string"


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...]
    info: TableInfo

    def column(self, name: str) -> ColumnSpec:
        return self._columns_by_name()[name]

    def _columns_by_name(self) -> dict[str, ColumnSpec]:
        found = self.__dict__.get("_by_name")
        if found is None:
            found = {c.name: c for c in self.columns}
            object.__setattr__(self, "_by_name", found)
        return found

    @property
    def key(self) -> str:
        """The single-column key other tables and citations use (the first primary-key column)."""
        return self.primary_key[0]

    @property
    def public_ids(self) -> bool:
        return self.info.public_ids

    @property
    def cited(self) -> bool:
        return self.info.cited

    @property
    def nested(self) -> tuple[Nested, ...]:
        return self.info.nested


def _python_type(col) -> type:
    sql_type = getattr(col.type, "impl", col.type)  # SQLModel's AutoString decorates String
    return sql_type.python_type


def _default(model, name: str) -> object:
    default = model.model_fields[name].default
    return ... if default is ... or type(default).__name__ == "PydanticUndefinedType" else default


def _column_spec(table: str, col) -> ColumnSpec:
    declared = col.info.get("japan_nato")
    if declared is None:
        raise TypeError(f"{table}.{col.name} is not declared with japan_nato.schema.declare.column()")
    return ColumnSpec(
        **declared,
        name=col.name,
        table=table,
        type=PYTHON_TYPES[_python_type(col)],
        required=not col.nullable,
        primary_key=bool(col.primary_key),
        default=_default(TABLES[table], col.name),
    )


@cache
def tables() -> tuple[TableSpec, ...]:
    """Every table, in load order."""
    specs = []
    for name, model in TABLES.items():
        t = model.__table__
        unique = tuple(
            tuple(c.name for c in constraint.columns)
            for constraint in t.constraints
            if type(constraint).__name__ == "UniqueConstraint"
        )
        specs.append(
            TableSpec(
                name=name,
                description=" ".join((model.__doc__ or "").split()),
                columns=tuple(_column_spec(name, c) for c in t.columns),
                primary_key=tuple(c.name for c in t.primary_key.columns),
                unique=unique,
                info=getattr(model, "__table_info__", TableInfo()),
            )
        )
    return tuple(specs)


@cache
def _by_name() -> dict[str, TableSpec]:
    return {t.name: t for t in tables()}


def table(name: str) -> TableSpec:
    return _by_name()[name]


def table_names() -> list[str]:
    return [t.name for t in tables()]


def primary_key(name: str) -> list[str]:
    return list(table(name).primary_key)


def columns() -> list[ColumnSpec]:
    return [c for t in tables() for c in t.columns]


def cited_tables() -> list[str]:
    """Tables whose every row must be cited."""
    return [t.name for t in tables() if t.cited]


def public_id_tables() -> set[str]:
    """Tables keyed by IDs curators choose and users cite: removing a row breaks a reference."""
    return {t.name for t in tables() if t.public_ids}


def references() -> list[tuple[str, str, str]]:
    """(table, column, referenced table) for every declared single-column reference."""
    return [(c.table, c.name, c.references) for c in columns() if c.references]


def targets_of(col: ColumnSpec) -> list[str]:
    """The tables a polymorphic `record_table` column may name."""
    return cited_tables() if col.targets == "cited" else list(col.targets or ())


def polymorphic() -> list[tuple[str, str, str, list[str]]]:
    """(table, table column, id column, allowed tables) for each (record_table, record_id) pair."""
    found = []
    for c in columns():
        if c.row_of:
            found.append((c.table, c.row_of, c.name, targets_of(table(c.table).column(c.row_of))))
    return found


def vocabulary_columns() -> list[ColumnSpec]:
    return [c for c in columns() if c.vocabulary]


def dated_columns() -> list[ColumnSpec]:
    """Date columns with a precision column."""
    return [c for c in columns() if c.precision]


@cache
def nested_in(parent: str) -> list[tuple[str, Nested]]:
    """(child table, how it nests) for every link table written inside `parent`'s records."""
    return [(t.name, n) for t in tables() for n in t.nested if n.parent == parent]


def curated_tables() -> list[str]:
    """Tables curators write as records of their own (not nested, not derived)."""
    return [t.name for t in tables() if t.cited and not t.nested]


def declared_fields() -> list[str]:
    return [f.name for f in fields(ColumnInfo)]
