"""Schema v1: every table of the dataset, as SQLModel table models.

Column names listed in the README's contract are public: add columns, never rename these.
Tables are created only by the Alembic revisions in `schema/migrations/versions`; a test fails
when those revisions and these models drift apart.

Relationships are not declared as FOREIGN KEYs in DuckDB: a DuckDB table referenced by a foreign
key can no longer drop or rename columns or be dropped, which would block future migrations.
The loader resolves every reference before a row is written, and the quality gate checks them
again on every load (see `japan_nato.quality`).

Every link table carries a single-column, readable ID (`alias_id`, `party_id`, ...) so that
`citations(record_table, record_id)` and `quantities(record_table, record_id)` can point at any
row of any table with one key; the natural composite key is kept UNIQUE beside it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Source(SQLModel, table=True):
    __tablename__ = "sources"
    source_id: str = Field(primary_key=True)
    file: str = Field(description="File name of the article text in the sources directory")
    title: str | None = None
    publisher: str | None = None
    publisher_actor_id: str | None = Field(default=None, description="actors.actor_id of the publisher")
    author: str | None = None
    author_actor_id: str | None = Field(default=None, description="actors.actor_id of the author")
    published_on: date | None = None
    published_on_precision: str
    date_note: str | None = Field(default=None, description="How the publication date was inferred")
    url: str | None = None
    sha256: str = Field(description="sha256 of the article text's bytes")
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class Actor(SQLModel, table=True):
    __tablename__ = "actors"
    actor_id: str = Field(primary_key=True)
    name: str
    kind: str
    iso3: str | None = Field(default=None, description="ISO 3166-1 alpha-3, states only")
    country_iso3: str | None = Field(default=None, description="Home state of a person or body")
    wikidata_qid: str | None = None
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class ActorAlias(SQLModel, table=True):
    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)
    alias_id: str = Field(primary_key=True, description="<actor_id>--<slug of alias>")
    actor_id: str
    alias: str


class ActorRole(SQLModel, table=True):
    __tablename__ = "actor_roles"
    role_id: str = Field(primary_key=True)
    person_id: str
    role: str
    organization_id: str | None = None
    start_on: date | None = None
    start_precision: str
    end_on: date | None = None
    end_precision: str
    observed_on: date | None = Field(default=None, description="When a source says the role was held")
    observed_precision: str
    posted_to_id: str | None = Field(
        default=None, description="For an envoy, the state or body the post is accredited to (Canada, NATO)"
    )
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )
    # Added by revision 0002_role_class, which appends it: last here as in the database.
    role_class: str = Field(description="Controlled class of the office (vocabulary role_class)")


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    membership_id: str = Field(primary_key=True)
    member_id: str
    group_id: str
    status: str
    start_on: date | None = None
    start_precision: str
    end_on: date | None = None
    end_precision: str
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class Agreement(SQLModel, table=True):
    __tablename__ = "agreements"
    agreement_id: str = Field(primary_key=True)
    name: str
    kind: str
    signed_on: date | None = None
    signed_precision: str
    status: str
    summary: str | None = None
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class AgreementParty(SQLModel, table=True):
    __tablename__ = "agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "actor_id", "role"),)
    party_id: str = Field(primary_key=True, description="<agreement_id>--<actor_id>--<role>")
    agreement_id: str
    actor_id: str
    role: str
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class Event(SQLModel, table=True):
    __tablename__ = "events"
    event_id: str = Field(primary_key=True)
    kind: str
    status: str
    summary: str
    location: str | None = None
    start_on: date | None = None
    end_on: date | None = None
    date_precision: str
    agreement_id: str | None = Field(default=None, description="The agreement this event belongs to")
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class EventActor(SQLModel, table=True):
    __tablename__ = "event_actors"
    __table_args__ = (UniqueConstraint("event_id", "actor_id", "role"),)
    event_actor_id: str = Field(primary_key=True, description="<event_id>--<actor_id>--<role>")
    event_id: str
    actor_id: str
    role: str
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class Quantity(SQLModel, table=True):
    __tablename__ = "quantities"
    quantity_id: str = Field(primary_key=True)
    record_table: str
    record_id: str
    measure: str
    low: float | None = None
    high: float | None = None
    unit: str
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class Budget(SQLModel, table=True):
    __tablename__ = "budgets"
    budget_id: str = Field(primary_key=True)
    actor_id: str
    period_start: date | None = None
    period_end: date | None = None
    period_precision: str
    amount: float | None = None
    currency: str | None = None
    share_of_gdp_pct: float | None = None
    basis: str
    description: str | None = None
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class Statement(SQLModel, table=True):
    __tablename__ = "statements"
    statement_id: str = Field(primary_key=True)
    speaker_id: str
    said_on: date | None = None
    said_precision: str
    text: str
    is_verbatim: bool
    event_id: str | None = None
    reported_by_id: str | None = Field(
        default=None, description="The outlet the source says it took the statement from (Kyodo News)"
    )
    note: str | None = Field(default=None, description="Curator's remark: date resolution, judgement calls")
    outside_knowledge: str | None = Field(
        default=None, description="What was added from outside the sources, to identify only (ISO code, QID)"
    )


class StatementSubject(SQLModel, table=True):
    __tablename__ = "statement_subjects"
    __table_args__ = (UniqueConstraint("statement_id", "actor_id"),)
    subject_id: str = Field(primary_key=True, description="<statement_id>--<actor_id>")
    statement_id: str
    actor_id: str = Field(description="An actor the statement is about")
    note: str | None = None


class Citation(SQLModel, table=True):
    __tablename__ = "citations"
    citation_id: str = Field(primary_key=True, description="sha256 prefix of table, id, source and evidence")
    record_table: str
    record_id: str
    source_id: str
    evidence: str = Field(description="Verbatim excerpt of the source")
    is_inherited: bool = Field(description="True when a link row reuses its parent record's citation")


class Vocabulary(SQLModel, table=True):
    __tablename__ = "vocabularies"
    vocabulary: str = Field(primary_key=True)
    value: str = Field(primary_key=True)
    description: str


# Tables in load order, with the single-column key citations and quantities refer to.
TABLES: dict[str, type[SQLModel]] = {
    m.__tablename__: m
    for m in (
        Source,
        Actor,
        ActorAlias,
        ActorRole,
        Membership,
        Agreement,
        AgreementParty,
        Event,
        EventActor,
        Quantity,
        Budget,
        Statement,
        StatementSubject,
        Citation,
        Vocabulary,
    )
}


def primary_key(table: str) -> list[str]:
    return [c.name for c in TABLES[table].__table__.primary_key.columns]


# Tables whose rows must each be cited (every table but the citations themselves and the vocabularies).
CITED_TABLES = [t for t in TABLES if t not in ("citations", "vocabularies")]


# (table, column, referenced table): every reference the schema holds. Not declared as DuckDB foreign
# keys (see the module docstring); the loader, the quality gate and the datapackage all read this list.
REFERENCES = [
    ("sources", "publisher_actor_id", "actors"),
    ("sources", "author_actor_id", "actors"),
    ("actor_aliases", "actor_id", "actors"),
    ("actor_roles", "person_id", "actors"),
    ("actor_roles", "organization_id", "actors"),
    ("memberships", "member_id", "actors"),
    ("memberships", "group_id", "actors"),
    ("agreement_parties", "agreement_id", "agreements"),
    ("agreement_parties", "actor_id", "actors"),
    ("events", "agreement_id", "agreements"),
    ("event_actors", "event_id", "events"),
    ("event_actors", "actor_id", "actors"),
    ("budgets", "actor_id", "actors"),
    ("statements", "speaker_id", "actors"),
    ("statements", "event_id", "events"),
    ("statements", "reported_by_id", "actors"),
    ("actor_roles", "posted_to_id", "actors"),
    ("statement_subjects", "statement_id", "statements"),
    ("statement_subjects", "actor_id", "actors"),
    ("citations", "source_id", "sources"),
]
