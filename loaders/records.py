"""Input models: the shape of each curated file's records, validated before anything is loaded.

These are plain pydantic models (not tables). They check types, required fields, slugs and
controlled vocabularies; `japan_nato.loaders.curated` then checks what spans records (duplicate
IDs, references) and turns each record into rows of the table models.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from japan_nato.schema.vocab import VOCABULARIES
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")
ISO3_RE = re.compile(r"^[A-Z]{3}$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
MEASURE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _vocab_checker(name: str):
    allowed = VOCABULARIES[name]

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not an allowed {name}; use one of: {', '.join(allowed)}")
        return value

    return check


def Vocab(name: str):  # noqa: N802 — reads as a type in the models below
    return Annotated[str, AfterValidator(_vocab_checker(name))]


def _pattern(regex: re.Pattern, what: str):
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def _text(value: str) -> str:
    if value != value.strip() or not value:
        raise ValueError("is empty or has leading/trailing spaces; trim it")
    return value


Slug = Annotated[
    str, _pattern(SLUG_RE, "a slug (lowercase letters, digits and hyphens, e.g. 'jpn' or 'fumio-kishida')")
]
Text = Annotated[str, AfterValidator(_text)]
Iso3 = Annotated[str, _pattern(ISO3_RE, "an ISO 3166-1 alpha-3 code in capitals, e.g. 'JPN'")]
Qid = Annotated[str, _pattern(QID_RE, "a Wikidata QID, e.g. 'Q17'")]
Sha256 = Annotated[str, _pattern(SHA256_RE, "a lowercase hex sha256 (64 characters)")]
Measure = Annotated[str, _pattern(MEASURE_RE, "a snake_case measure name, e.g. 'troops'")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=False)


MAX_EVIDENCE = 300  # characters: excerpts support a fact; the articles themselves are not copied


def _short(value: str) -> str:
    if len(value) > MAX_EVIDENCE:
        raise ValueError(f"is {len(value)} characters; quote at most {MAX_EVIDENCE}, just what supports the record")
    return value


class CitationIn(Input):
    source: Slug
    evidence: Annotated[Text, AfterValidator(_short)]
    note: Text | None = None


class Annotations(Input):
    note: Text | None = None
    outside_knowledge: Text | None = None


class Cited(Annotations):
    citations: list[CitationIn] = Field(min_length=1)


class LinkCited(Input):
    """A nested link row: its own citations are optional (it inherits its parent's)."""

    citations: list[CitationIn] | None = None
    note: Text | None = None


class SourceIn(Cited):
    source_id: Slug
    file: Text
    title: Text | None = None
    publisher: Text | None = None
    publisher_actor: Slug | None = None
    author: Text | None = None
    author_actor: Slug | None = None
    published_on: date | None
    published_on_precision: Vocab("date_precision")
    date_note: Text | None = None
    url: Text | None = None
    sha256: Sha256


class AliasIn(LinkCited):
    alias: Text


class ActorIn(Cited):
    actor_id: Slug
    name: Text
    kind: Vocab("actor_kind")
    iso3: Iso3 | None = None
    country_iso3: Iso3 | None = None
    wikidata_qid: Qid | None = None
    aliases: list[AliasIn] = []


class ActorRoleIn(Cited):
    role_id: Slug
    person: Slug
    role: Text
    role_class: Vocab("role_class")
    organization: Slug | None = None
    start_on: date | None = None
    start_precision: Vocab("date_precision") = "unknown"
    end_on: date | None = None
    end_precision: Vocab("date_precision") = "unknown"
    observed_on: date | None = None
    observed_precision: Vocab("date_precision") = "unknown"
    posted_to: Slug | None = None


class MembershipIn(Cited):
    membership_id: Slug
    member: Slug
    group: Slug
    status: Vocab("membership_status")
    start_on: date | None = None
    start_precision: Vocab("date_precision") = "unknown"
    end_on: date | None = None
    end_precision: Vocab("date_precision") = "unknown"


class PartyIn(LinkCited):
    actor: Slug
    role: Vocab("agreement_party_role")


class AgreementIn(Cited):
    agreement_id: Slug
    name: Text
    kind: Vocab("agreement_kind")
    signed_on: date | None = None
    signed_precision: Vocab("date_precision") = "unknown"
    status: Vocab("agreement_status")
    summary: Text | None = None
    parties: list[PartyIn] = []


class EventActorIn(LinkCited):
    actor: Slug
    role: Vocab("event_actor_role")


class QuantityIn(LinkCited):
    quantity_id: Slug
    measure: Measure
    low: float | None = None
    high: float | None = None
    unit: Vocab("quantity_unit")
    outside_knowledge: Text | None = None


class EventIn(Cited):
    event_id: Slug
    kind: Vocab("event_kind")
    status: Vocab("event_status")
    summary: Text
    location: Text | None = None
    start_on: date | None = None
    end_on: date | None = None
    date_precision: Vocab("date_precision")
    agreement: Slug | None = None
    actors: list[EventActorIn] = []
    quantities: list[QuantityIn] = []


class BudgetIn(Cited):
    budget_id: Slug
    actor: Slug
    period_start: date | None = None
    period_end: date | None = None
    period_precision: Vocab("date_precision")
    amount: float | None = None
    currency: Vocab("currency") | None = None
    share_of_gdp_pct: float | None = None
    basis: Vocab("budget_basis")
    description: Text | None = None
    quantities: list[QuantityIn] = []


class SubjectIn(LinkCited):
    actor: Slug


class StatementIn(Cited):
    statement_id: Slug
    speaker: Slug
    said_on: date | None = None
    said_precision: Vocab("date_precision")
    text: Text
    is_verbatim: StrictBool
    event: Slug | None = None
    reported_by: Slug | None = None
    subjects: list[SubjectIn] = []


# Curated file stem -> (input model, id field)
FILES: dict[str, tuple[type[Input], str]] = {
    "sources": (SourceIn, "source_id"),
    "actors": (ActorIn, "actor_id"),
    "actor_roles": (ActorRoleIn, "role_id"),
    "memberships": (MembershipIn, "membership_id"),
    "agreements": (AgreementIn, "agreement_id"),
    "events": (EventIn, "event_id"),
    "budgets": (BudgetIn, "budget_id"),
    "statements": (StatementIn, "statement_id"),
}
