"""How a column is declared: once, with everything anyone needs to know about it.

Each table model in `models.py` declares its columns with `column(...)`, dbt's schema.yml in Python:
what the column means for a downloader, its vocabulary, format, range, the column it references,
the precision column of a date, whether curators write it or the loader derives it. The facts go
into SQLAlchemy's `Column.info`, where `japan_nato.schema.catalog` reads them back by introspection;
the input models, the quality checks, the release metadata, the database comments and the data
dictionary are all derived from there and nowhere restated.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Field

# Formats a text column can declare: a regex and how to say it to a curator.
FORMATS: dict[str, tuple[str, str]] = {
    "slug": (
        r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$",
        "a slug (lowercase letters, digits and hyphens, e.g. 'jpn' or 'fumio-kishida')",
    ),
    "iso3": (r"^[A-Z]{3}$", "an ISO 3166-1 alpha-3 code in capitals, e.g. 'JPN'"),
    "qid": (r"^Q[1-9][0-9]*$", "a Wikidata QID, e.g. 'Q17'"),
    "sha256": (r"^[0-9a-f]{64}$", "a lowercase hex sha256 (64 characters)"),
    "measure": (r"^[a-z][a-z0-9_]*$", "a snake_case measure name, e.g. 'troops'"),
}
MAX_ID_LENGTH = 80  # characters; datasets/curated/README.md promises it
MAX_FIGURE_ID_LENGTH = 120  # a figure's ID joins its record's ID and its measure


def format_regex(name: str) -> re.Pattern:
    return re.compile(FORMATS[name][0])


@dataclass(frozen=True)
class ColumnInfo:
    """Everything declared about one column (see `column()` for each field's meaning)."""

    description: str
    vocabulary: str | None = None
    format: str | None = None
    references: str | None = None
    targets: tuple[str, ...] | str | None = None  # "cited": every table whose rows are cited
    row_of: str | None = None
    precision: str | None = None
    date_required: bool = True
    at_least: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    required_when: tuple[str, str | tuple[str, ...]] | None = None
    required_with: str | tuple[str, ...] | None = None
    unit: str | None = None
    unit_from: str | None = None
    yaml: str | None = None
    derived: bool = False
    max_length: int | None = None
    public_id: bool = False
    in_evidence: bool = False

    def as_info(self) -> dict[str, Any]:
        return {"japan_nato": asdict(self)}


def column(
    description: str,
    *,
    default: Any = ...,
    primary_key: bool = False,
    vocabulary: str | None = None,
    format: str | None = None,
    references: str | None = None,
    targets: tuple[str, ...] | str | None = None,
    row_of: str | None = None,
    precision: str | None = None,
    date_required: bool = True,
    at_least: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    required_when: tuple[str, str | tuple[str, ...]] | None = None,
    required_with: str | tuple[str, ...] | None = None,
    unit: str | None = None,
    unit_from: str | None = None,
    yaml: str | None = None,
    derived: bool = False,
    max_length: int | None = None,
    public_id: bool = False,
    in_evidence: bool = False,
):
    """Declare a column.

    description: what the column means, for someone who has only the parquet file.
    vocabulary: the controlled vocabulary (schema/vocab.py) its values come from.
    format: one of FORMATS (IDs and references are slugs).
    references: the table whose primary key this column holds (a foreign key, not declared to
        DuckDB: see models.py).
    targets / row_of: a polymorphic reference: `targets` on the column naming the table (the tables
        it may name), `row_of` on the ID column naming which column says the table.
    precision: for a date, the column holding its date_precision; `date_required`: a known
        precision requires the date.
    at_least: another column this one may not be below (end >= start, high >= low).
    minimum / maximum / exclusive_minimum: a numeric range.
    required_when: (column, value or values): required on rows where that column has one of them.
    required_with: required on rows where that other column (or any of those) is not null.
    unit: the unit of a number; unit_from: the column that holds its unit.
    yaml: the field's name in the curated files when it differs (references drop the _id).
    derived: filled by the loader, never written by curators.
    max_length: the longest text allowed.
    public_id: a curated, stable ID others may cite (removing one is a breaking change).
    in_evidence: the value occurs, character for character, in one of the row's evidence excerpts.
    """
    if format == "slug" and max_length is None and not derived:
        max_length = MAX_ID_LENGTH  # IDs curators write; derived ones join several of them
    info = ColumnInfo(
        description,
        vocabulary,
        format,
        references,
        targets,
        row_of,
        precision,
        date_required,
        at_least,
        minimum,
        maximum,
        exclusive_minimum,
        required_when,
        required_with,
        unit,
        unit_from,
        yaml,
        derived,
        max_length,
        public_id,
        in_evidence,
    )
    return Field(
        default=default, primary_key=primary_key, description=description, sa_column_kwargs={"info": info.as_info()}
    )


def ref(description: str, target: str, *, default: Any = ..., yaml: str | None = None, derived: bool = False):
    """A reference to `target`'s primary key (a slug)."""
    return column(description, default=default, format="slug", references=target, yaml=yaml, derived=derived)


def note(default: Any = None):
    return column(
        "Curator's remark for readers: how a date was resolved, why a status or kind was chosen.", default=default
    )


def outside_knowledge(default: Any = None):
    return column(
        "What was added from outside the cited articles, only to identify the row (an ISO code, a Wikidata "
        "QID, an exact day the article omits); empty when nothing was.",
        default=default,
    )


@dataclass(frozen=True)
class Nested:
    """A link table whose rows curators write inside their parent's record, as the YAML list `list`;
    each row's ID is the parent's ID and the slugs of `key`'s fields joined with '--'."""

    parent: str
    list: str
    key: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class TableInfo:
    """Declared about a table as a whole, as its model's `__table_info__` (the model's docstring is
    the table's description)."""

    public_ids: bool = False
    cited: bool = True
    nested: tuple[Nested, ...] = field(default_factory=tuple)
    # A natural key the gate checks though the database does not enforce it (citations: the ID is a
    # hash of these, so a duplicate would be the same citation twice).
    natural_key: tuple[str, ...] | None = None
    # Curated files: `registry` tables live in datasets/curated/registry/<table>.yaml (entities many
    # sources share); the others in the file of the source that states them. `mention` is the key a
    # source file uses to cite a record another file defines (`- event: <id>` under `mentions:`).
    registry: bool = False
    mention: str | None = None
