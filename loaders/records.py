"""Input models: the shape of each curated file's records, derived from the columns' declarations.

Plain pydantic models (not tables), made with `pydantic.create_model` from
`japan_nato.schema.catalog`: one per curated table, with a list field per link table written inside
its records, and `citations`. Each column the curators write becomes a field: text is trimmed and
non-empty, slugs, codes and vocabularies are checked with a message that says the allowed form.
`japan_nato.loaders.curated` then checks what spans records (duplicate IDs, references) and turns
each record into rows of the table models.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any

from japan_nato.schema import catalog
from japan_nato.schema.declare import FORMATS, format_regex
from japan_nato.schema.vocab import VOCABULARIES
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, create_model

SLUG_RE = format_regex("slug")


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
            raise ValueError(f"{value!r} is not an allowed {name}; use one of: {', '.join(allowed)}")
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
            raise ValueError(f"is {len(value)} characters; {what} at most {n}")
        return value

    return check


Text = Annotated[str, AfterValidator(_text)]


def _field_type(c: catalog.ColumnSpec) -> Any:
    if c.type == "date":
        return date
    if c.type == "number":
        return float
    if c.type == "boolean":
        return StrictBool
    checks = [AfterValidator(_text)]
    if c.vocabulary:
        checks.append(AfterValidator(_vocab_checker(c.vocabulary)))
    if c.format:
        checks.append(AfterValidator(_pattern(c.format)))
    if c.max_length:
        what = "quote" if c.table == "citations" else "write"
        checks.append(AfterValidator(_at_most(c.max_length, f"{what} just what supports the record,")))
    return Annotated[str, *checks]


def _fields(table: str) -> dict[str, tuple]:
    out = {}
    for c in catalog.table(table).columns:
        if c.derived:
            continue
        kind = _field_type(c)
        out[c.curated_name] = (kind if c.required or c.default is ... else kind | None, c.default)
    return out


@cache
def citation_model() -> type[Input]:
    return create_model("CitationIn", __base__=Input, **_fields("citations"))


@cache
def link_model(table: str) -> type[Input]:
    """A link row written inside its parent: its own citations are optional (it may inherit)."""
    name = "".join(p.title() for p in table.split("_")) + "In"
    return create_model(name, __base__=Input, citations=(list[citation_model()] | None, None), **_fields(table))


@cache
def record_model(table: str) -> type[Input]:
    nested = {n.list: (list[link_model(child)], []) for child, n in catalog.nested_in(table)}
    name = "".join(p.title() for p in table.split("_")) + "In"
    citations = (list[citation_model()], Field(min_length=1))
    return create_model(name, __base__=Input, citations=citations, **_fields(table), **nested)


def files() -> dict[str, tuple[type[Input], str]]:
    """Curated file stem -> (input model, id field), in load order."""
    return {t: (record_model(t), catalog.table(t).key) for t in catalog.curated_tables()}
