"""Input models: the shape of every curated record, derived from the columns' declarations.

Plain pydantic models (not tables), made with `pydantic.create_model` from
`japan_nato.schema.catalog`, for the layout of datasets/curated/README.md:
- a **registry** record (registry/actors.yaml): an actor's columns and its `aliases` (names);
- a **definition** (in a source file): a record's columns, its link rows (`actors:`, `parties:`,
  `quantities:`, `subjects:`) and its `evidence`, which the file's source states;
- a **mention** (a source file's `mentions:`): `<key>: <id>` of a record another file defines, the
  `evidence` this source gives for it, and any link rows this source adds to it.
Each column a curator writes becomes a field: text is trimmed, non-empty and bounded; numbers are
finite and never booleans; dates are ISO text; slugs, codes and vocabularies say the allowed form.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import cache
from typing import Annotated, Any

from japan_nato.schema import catalog
from japan_nato.schema.declare import FORMATS, format_regex
from japan_nato.schema.vocab import VOCABULARIES
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StrictBool, create_model
from pydantic_core import PydanticCustomError

SLUG_RE = format_regex("slug")
MAX_TEXT = 4000  # characters of free text (a note, a summary) unless the column declares less
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIOD_START = {"month": "the 1st of the month", "year": "1 January", "decade": "1 January of the decade's first year"}


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=False)


def _text(value: str) -> str:
    if value != value.strip() or not value:
        raise ValueError("is empty or has leading/trailing spaces; trim it")
    return value


def _vocab_checker(name: str):
    allowed = VOCABULARIES[name]

    def check(value: str) -> str:
        if value not in allowed:
            # Its own error type, so the problem carries reason code `vocabulary`, not `invalid`.
            raise PydanticCustomError(
                "vocabulary",
                "{value} is not an allowed {name}; use one of: {allowed}",
                {"value": repr(value), "name": name, "allowed": ", ".join(allowed)},
            )
        return value

    return check


def _pattern(fmt: str):
    regex, what = format_regex(fmt), FORMATS[fmt][1]

    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return check


def _at_most(n: int, what: str):
    def check(value: str) -> str:
        if len(value) > n:
            raise ValueError(f"is {len(value):,} characters; {what} at most {n:,}")
        return value

    return check


def _iso_date(value: Any) -> Any:
    """Dates only as YYYY-MM-DD text (YAML leaves them text here): not 0, not an epoch number."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError(
            f"{value!r} is not a date; write YYYY-MM-DD, the first day of the period for month, year or "
            "decade precision (2026-01-01 for January 2026)"
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real day; write YYYY-MM-DD") from None


def _finite(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number; write digits (55000000000, 2.5)")
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        raise ValueError("the number is too large (over 1e308); write the figure the article gives") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number; write the figure the article gives")
    return number


Text = Annotated[str, AfterValidator(_text)]
Number = Annotated[float, BeforeValidator(_finite)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _field_type(c: catalog.ColumnSpec) -> Any:
    if c.type == "date":
        return IsoDate
    if c.type == "number":
        return Number
    if c.type == "boolean":
        return StrictBool
    checks = [AfterValidator(_text)]
    if c.vocabulary:
        checks.append(AfterValidator(_vocab_checker(c.vocabulary)))
    if c.format:
        checks.append(AfterValidator(_pattern(c.format)))
    limit = c.max_length or MAX_TEXT
    what = "quote just what supports the record," if c.table == "citations" else "write"
    checks.append(AfterValidator(_at_most(limit, what)))
    return Annotated[str, *checks]


def _fields(table: str) -> dict[str, tuple]:
    out = {}
    for c in catalog.table(table).columns:
        if c.derived:
            continue
        kind = _field_type(c)
        out[c.curated_name] = (kind if c.required or c.default is ... else kind | None, c.default)
    return out


def _name(table: str, suffix: str) -> str:
    return "".join(p.title() for p in table.split("_")) + suffix


@cache
def evidence_type() -> Any:
    """One excerpt or a list of them, each as the citations.evidence column declares."""
    one = _field_type(catalog.table("citations").column("evidence"))
    return one | list[one]


@cache
def link_model(table: str) -> type[Input]:
    """A link row written inside its parent: without evidence it reuses its parent's, from the same
    source (the file's)."""
    return create_model(_name(table, "In"), __base__=Input, evidence=(evidence_type() | None, None), **_fields(table))


def _nested(table: str) -> dict[str, tuple]:
    return {n.list: (list[link_model(child)], []) for child, n in catalog.nested_in(table)}


@cache
def definition_model(table: str) -> type[Input]:
    """A record defined in the file of the source that states it."""
    return create_model(
        _name(table, "Definition"), __base__=Input, evidence=(evidence_type(), ...), **_fields(table), **_nested(table)
    )


@cache
def registry_model(table: str) -> type[Input]:
    """A shared entity in the registry: its columns and the names of its link rows (aliases)."""
    names = {n.list: (list[Text], []) for _, n in catalog.nested_in(table)}
    return create_model(_name(table, "Entry"), __base__=Input, **_fields(table), **names)


@cache
def cited_name_model(table: str) -> type[Input]:
    """A registry link row a source file cites by name (`aliases: [{alias: Tokyo, evidence: ...}]`);
    without evidence it reuses the mention's."""
    key = next(c for c in catalog.table(table).columns if not c.derived)
    return create_model(
        _name(table, "Mention"),
        __base__=Input,
        evidence=(evidence_type() | None, None),
        **{key.curated_name: (Text, ...)},
    )


@cache
def mention_model(table: str) -> type[Input]:
    """A source's citation of a record defined elsewhere, with the link rows it adds."""
    spec = catalog.table(table)
    if spec.info.registry:
        nested = {n.list: (list[cited_name_model(child)], []) for child, n in catalog.nested_in(table)}
    else:
        nested = _nested(table)
    key = (Annotated[str, AfterValidator(_pattern("slug"))], ...)
    return create_model(
        _name(table, "Mention"),
        __base__=Input,
        evidence=(evidence_type() | None, None),
        **{spec.info.mention: key},
        **nested,
    )


def source_tables() -> list[str]:
    """The sections a source file may hold, in load order (its own `source:` aside)."""
    return [t for t in catalog.curated_tables() if t != "sources" and not catalog.table(t).info.registry]


def registry_tables() -> list[str]:
    return [t for t in catalog.curated_tables() if catalog.table(t).info.registry]


def mention_keys() -> dict[str, str]:
    """Mention key -> table (`event` -> `events`)."""
    return {catalog.table(t).info.mention: t for t in catalog.curated_tables() if catalog.table(t).info.mention}


def period_start_hint(precision: str) -> str:
    return PERIOD_START.get(precision, "")
