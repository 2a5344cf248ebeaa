"""The dataset's tables, as SQLModel table models: every column declared once (`schema/declare.py`).

Column names listed in the README's contract are public: add columns, never rename these.
Tables are created only by the Alembic revisions in `schema/migrations/versions`; a test fails
when those revisions and these models drift apart.

Relationships are not declared as FOREIGN KEYs in DuckDB: a DuckDB table referenced by a foreign
key can no longer drop or rename columns or be dropped, which would block future migrations. They
are declared here (`references=`), the loader resolves every one before a row is written, and the
quality gate checks them again on every load.

Every link table carries a single-column, readable ID (`alias_id`, `party_id`, ...) so that
`citations(record_table, record_id)` and `quantities(record_table, record_id)` can point at any
row of any table with one key; the natural composite key is kept UNIQUE beside it.

A model's docstring is its table's description in the release metadata and the data dictionary.
"""

from __future__ import annotations

from datetime import date

from japan_nato.schema.declare import MAX_FIGURE_ID_LENGTH, Nested, TableInfo, column, note, outside_knowledge, ref
from sqlalchemy import UniqueConstraint
from sqlmodel import SQLModel

UNKNOWN = "unknown"


def _id(description: str, *, public: bool = True, derived: bool = False):
    return column(description, primary_key=True, format="slug", public_id=public, derived=derived)


def _precision(of: str, default=...):
    return column(
        f"How precisely {of} is known (vocabulary date_precision).", vocabulary="date_precision", default=default
    )


def _basis(of: str, required_with: str | None = None):
    return column(
        f"How the article gives {of}: stated, resolved from a relative expression, inferred from context, or "
        "outside knowledge (vocabulary date_basis); required with a date.",
        default=None,
        vocabulary="date_basis",
        required_with=required_with or of.split()[0],
    )


def _qualifier(of: str):
    return column(
        f"The word the article puts on {of}: early, mid, late, around, before, after (vocabulary "
        "date_qualifier); empty when none.",
        default=None,
        vocabulary="date_qualifier",
    )


def _certainty(what: str):
    return column(
        f"How sure the article is that {what}: stated, reported, assessed, planned or proposed (vocabulary certainty).",
        vocabulary="certainty",
    )


def _hedge():
    return column(
        "The article's hedge words, exactly as printed (reportedly, it is likely that), when certainty is "
        "reported or assessed; they occur in one of the row's evidence excerpts.",
        default=None,
        required_when=("certainty", ("reported", "assessed")),
        in_evidence=True,
    )


class Source(SQLModel, table=True):
    """One article the data is curated from. The article's text is not in the dataset; its sha256
    freezes the exact bytes every evidence excerpt is checked against."""

    __tablename__ = "sources"
    __table_info__ = TableInfo(public_ids=True)
    source_id: str = _id("Stable ID of the article (a slug), cited by citations.source_id.")
    file: str = column("File name of the article's text in the sources directory (not distributed).")
    title: str | None = column("The article's headline, as printed; empty when the text prints none.", default=None)
    publisher: str | None = column("The publisher's name, as printed.", default=None)
    publisher_actor_id: str | None = ref("The publisher as an actor.", "actors", default=None, yaml="publisher_actor")
    author: str | None = column("The author's name, as printed.", default=None)
    author_actor_id: str | None = ref("The author as an actor.", "actors", default=None, yaml="author_actor")
    published_on: date | None = column(
        "Publication date: the first day of the period published_on_precision names.",
        default=None,
        precision="published_on_precision",
    )
    published_on_precision: str = _precision("the publication date", default=UNKNOWN)
    date_note: str | None = column("How the publication date was inferred (the articles print none).", default=None)
    url: str | None = column("Where the article was published, when known.", default=None)
    sha256: str = column("sha256 of the article text's bytes (lowercase hex).", format="sha256")
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    published_on_basis: str | None = _basis("published_on")
    published_on_qualifier: str | None = _qualifier("published_on")


class Actor(SQLModel, table=True):
    """A state, organization, group, person or media outlet the articles name."""

    __tablename__ = "actors"
    __table_info__ = TableInfo(public_ids=True, registry=True, mention="actor")
    actor_id: str = _id("Stable ID of the actor: ISO 3166 alpha-3 in lower case for states, else a slug.")
    name: str = column("The actor's usual English name.")
    kind: str = column("What sort of actor it is (vocabulary actor_kind).", vocabulary="actor_kind")
    iso3: str | None = column(
        "ISO 3166-1 alpha-3 code; states only, and every state has one.",
        default=None,
        format="iso3",
        required_when=("kind", "state"),
    )
    country_iso3: str | None = column(
        "ISO 3166-1 alpha-3 code of the home state of a person or body.", default=None, format="iso3"
    )
    wikidata_qid: str | None = column(
        "Wikidata QID, only where the identification is certain.", default=None, format="qid"
    )
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()


class ActorAlias(SQLModel, table=True):
    """A name an article uses for an actor (Tokyo for Japan, Pyongyang for North Korea)."""

    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)
    __table_info__ = TableInfo(nested=(Nested("actors", "aliases", ("alias",), "alias"),))
    alias_id: str = _id("ID of the alias: <actor_id>--<slug of the alias>.", public=False, derived=True)
    actor_id: str = ref("The actor the alias names.", "actors", derived=True)
    alias: str = column("The name as the article writes it.")


class ActorRole(SQLModel, table=True):
    """An office a person holds or held (prime minister, ambassador to NATO), with when."""

    __tablename__ = "actor_roles"
    __table_info__ = TableInfo(public_ids=True, mention="role")
    role_id: str = _id("Stable ID of the role: <person>--<role slug>.")
    person_id: str = ref("The person holding the office.", "actors", yaml="person")
    role: str = column("The office as the article names it (Defense Minister).")
    organization_id: str | None = ref(
        "The state or body the office belongs to.", "actors", default=None, yaml="organization"
    )
    start_on: date | None = column(
        "When the person took office: the first day of the period start_precision names.",
        default=None,
        precision="start_precision",
    )
    start_precision: str = _precision("start_on", default=UNKNOWN)
    end_on: date | None = column(
        "When the person left office: the first day of the period end_precision names.",
        default=None,
        precision="end_precision",
        at_least="start_on",
    )
    end_precision: str = _precision("end_on", default=UNKNOWN)
    observed_on: date | None = column(
        "When an article says the office was held: the first day of the period observed_precision names.",
        default=None,
        precision="observed_precision",
    )
    observed_precision: str = _precision("observed_on", default=UNKNOWN)
    posted_to_id: str | None = ref(
        "For an envoy, the state or body the post is accredited to (Canada, NATO).",
        "actors",
        default=None,
        yaml="posted_to",
    )
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0002_role_class, which appends it: last here as in the database.
    role_class: str = column(
        "A controlled class of the office, for questions across wordings (vocabulary role_class).",
        vocabulary="role_class",
    )
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    start_basis: str | None = _basis("start_on")
    start_qualifier: str | None = _qualifier("start_on")
    end_basis: str | None = _basis("end_on")
    end_qualifier: str | None = _qualifier("end_on")
    observed_basis: str | None = _basis("observed_on")
    observed_qualifier: str | None = _qualifier("observed_on")


class Membership(SQLModel, table=True):
    """An actor's membership of, or partnership with, a group or organization."""

    __tablename__ = "memberships"
    __table_info__ = TableInfo(public_ids=True, mention="membership")
    membership_id: str = _id("Stable ID: <member>--<group>--<status>.")
    member_id: str = ref("The actor that is the member or partner.", "actors", yaml="member")
    group_id: str = ref("The group or organization it belongs to.", "actors", yaml="group")
    status: str = column(
        "Member, founding member, partner or former member (vocabulary membership_status).",
        vocabulary="membership_status",
    )
    start_on: date | None = column(
        "When the membership began: the first day of the period start_precision names.",
        default=None,
        precision="start_precision",
    )
    start_precision: str = _precision("start_on", default=UNKNOWN)
    end_on: date | None = column(
        "When the membership ended: the first day of the period end_precision names.",
        default=None,
        precision="end_precision",
        at_least="start_on",
    )
    end_precision: str = _precision("end_on", default=UNKNOWN)
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    start_basis: str | None = _basis("start_on")
    start_qualifier: str | None = _qualifier("start_on")
    end_basis: str | None = _basis("end_on")
    end_qualifier: str | None = _qualifier("end_on")


class Agreement(SQLModel, table=True):
    """A treaty, programme, strategy, office, dialogue or initiative between actors."""

    __tablename__ = "agreements"
    __table_info__ = TableInfo(public_ids=True, mention="agreement")
    agreement_id: str = _id("Stable ID of the agreement (a slug, ending in its year where that helps).")
    name: str = column("The agreement's name, as the article gives it or in plain words.")
    kind: str = column("What sort of agreement it is (vocabulary agreement_kind).", vocabulary="agreement_kind")
    signed_on: date | None = column(
        "When it was signed, adopted or opened: the first day of the period signed_precision names.",
        default=None,
        precision="signed_precision",
    )
    signed_precision: str = _precision("signed_on", default=UNKNOWN)
    status: str = column(
        "Where it stood when the article was written (vocabulary agreement_status).", vocabulary="agreement_status"
    )
    summary: str | None = column("One sentence in the curator's words.", default=None)
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    signed_basis: str | None = _basis("signed_on")
    signed_qualifier: str | None = _qualifier("signed_on")


class AgreementParty(SQLModel, table=True):
    """An actor's part in an agreement: party, host, proposer, supporter, opponent, beneficiary."""

    __tablename__ = "agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "actor_id", "role"),)
    __table_info__ = TableInfo(nested=(Nested("agreements", "parties", ("actor", "role"), "party"),))
    party_id: str = _id("ID: <agreement_id>--<actor_id>--<role>.", public=False, derived=True)
    agreement_id: str = ref("The agreement the actor has a part in.", "agreements", derived=True)
    actor_id: str = ref("The actor with a part in the agreement.", "actors", yaml="actor")
    role: str = column("The actor's part in it (vocabulary agreement_party_role).", vocabulary="agreement_party_role")
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()


class Event(SQLModel, table=True):
    """Something that happened, is happening or is planned: a launch, summit, deployment, call,
    decision, and so on."""

    __tablename__ = "events"
    __table_info__ = TableInfo(public_ids=True, mention="event")
    event_id: str = _id("Stable ID of the event (a slug, ending in its date where that helps).")
    kind: str = column("What sort of event it is (vocabulary event_kind).", vocabulary="event_kind")
    status: str = column(
        "Whether it occurred, is ongoing, planned or proposed (vocabulary event_status).", vocabulary="event_status"
    )
    summary: str = column("One sentence in the curator's words, close to the article's.")
    location: str | None = column("Where it happened, in words.", default=None)
    start_on: date | None = column(
        "When it happened or began: the first day of the period date_precision names; empty when unknown.",
        default=None,
        precision="date_precision",
    )
    end_on: date | None = column(
        "When it ended, for an event over several days, at the same precision; empty for one day or open.",
        default=None,
        precision="date_precision",
        date_required=False,
        at_least="start_on",
    )
    date_precision: str = _precision("start_on and end_on", default=UNKNOWN)
    agreement_id: str | None = ref("The agreement the event belongs to.", "agreements", default=None, yaml="agreement")
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    date_basis: str | None = _basis("start_on and end_on", required_with="start_on")
    date_qualifier: str | None = _qualifier("start_on")
    certainty: str = _certainty("it happened, happens or will")
    hedge: str | None = _hedge()


class EventActor(SQLModel, table=True):
    """Who did what in an event: initiator, target, participant, host, ..."""

    __tablename__ = "event_actors"
    __table_args__ = (UniqueConstraint("event_id", "actor_id", "role"),)
    __table_info__ = TableInfo(nested=(Nested("events", "actors", ("actor", "role"), "event actor"),))
    event_actor_id: str = _id("ID: <event_id>--<actor_id>--<role>.", public=False, derived=True)
    event_id: str = ref("The event the actor took part in.", "events", derived=True)
    actor_id: str = ref("The actor taking part in the event.", "actors", yaml="actor")
    role: str = column("The actor's part in the event (vocabulary event_actor_role).", vocabulary="event_actor_role")
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()


class Quantity(SQLModel, table=True):
    """A figure an article gives for an event or a budget line, as a range: 14,000-15,000 troops is
    low 14000, high 15000; "at least two" is low 2 with no high."""

    __tablename__ = "quantities"
    __table_info__ = TableInfo(
        public_ids=True,
        nested=(
            Nested("events", "quantities", ("quantity_id",), "figure"),
            Nested("budgets", "quantities", ("quantity_id",), "figure"),
        ),
    )
    quantity_id: str = column(
        "Stable ID of the figure: <record_id>--<measure>, plus the source where needed.",
        primary_key=True,
        format="slug",
        public_id=True,
        max_length=MAX_FIGURE_ID_LENGTH,
    )
    record_table: str = column(
        "The table of the row the figure belongs to.", targets=("events", "budgets"), derived=True
    )
    record_id: str = column("The ID of that row.", format="slug", row_of="record_table", derived=True)
    measure: str = column("What is counted or measured, in snake_case (troops, ballistic_missiles).", format="measure")
    low: float | None = column("The lower end of the range, or the single value.", default=None, unit_from="unit")
    high: float | None = column(
        "The upper end of the range; equal to low for an exact figure, empty when open above.",
        default=None,
        unit_from="unit",
        at_least="low",
    )
    unit: str = column("The unit of low and high (vocabulary quantity_unit).", vocabulary="quantity_unit")
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    qualifier: str = column(
        "The words the article puts on the figure: exact, approximately, at least, over, at most, under "
        "(vocabulary figure_qualifier).",
        vocabulary="figure_qualifier",
    )
    certainty: str = _certainty("the figure holds")
    hedge: str | None = _hedge()


class Budget(SQLModel, table=True):
    """A defence-spending line: an amount, a share of GDP, a target or a plan, for a period."""

    __tablename__ = "budgets"
    __table_info__ = TableInfo(public_ids=True, mention="budget")
    budget_id: str = _id("Stable ID of the budget line: <actor>-<what>-<period>.")
    actor_id: str = ref("The state whose spending it is.", "actors", yaml="actor")
    period_start: date | None = column(
        "First day of the period the line covers, at period_precision.",
        default=None,
        precision="period_precision",
    )
    period_end: date | None = column(
        "Last day of the period, when the article gives one.", default=None, at_least="period_start"
    )
    period_precision: str = _precision("period_start", default=UNKNOWN)
    amount: float | None = column(
        "The amount, in currency; empty when only a share of GDP is stated.",
        default=None,
        minimum=0,
        exclusive_minimum=True,
        unit_from="currency",
    )
    currency: str | None = column(
        "The currency of amount (vocabulary currency); required with an amount.",
        default=None,
        vocabulary="currency",
        required_with="amount",
    )
    share_of_gdp_pct: float | None = column(
        "The line as a percentage of GDP (2.0 is 2%).", default=None, minimum=0, maximum=100, unit="percent"
    )
    basis: str = column("Spent, approved, planned or a target (vocabulary budget_basis).", vocabulary="budget_basis")
    description: str | None = column("What the line is, in the curator's words.", default=None)
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    period_basis: str | None = _basis("period_start", required_with="period_start")
    period_qualifier: str | None = _qualifier("period_start")
    qualifier: str | None = column(
        "The words the article puts on the amount or share: exact, approximately, at least, over, at most, "
        "under (vocabulary figure_qualifier); 'under 1% of GDP' is share 1 with qualifier under. Empty "
        "when the article prints neither.",
        default=None,
        vocabulary="figure_qualifier",
        required_with=("amount", "share_of_gdp_pct"),
    )
    certainty: str = _certainty("the line holds")
    hedge: str | None = _hedge()


class Statement(SQLModel, table=True):
    """Something an actor said: a verbatim quote (is_verbatim) or an attributed paraphrase."""

    __tablename__ = "statements"
    __table_info__ = TableInfo(public_ids=True, mention="statement")
    statement_id: str = _id("Stable ID: <speaker>--<period>--<topic slug>.")
    speaker_id: str = ref("The actor who said it.", "actors", yaml="speaker")
    said_on: date | None = column(
        "When it was said: the first day of the period said_precision names.",
        default=None,
        precision="said_precision",
    )
    said_precision: str = _precision("said_on", default=UNKNOWN)
    text: str = column("The words: character for character when is_verbatim, else a close paraphrase.")
    is_verbatim: bool = column("True when text occurs character for character in a cited article.")
    event_id: str | None = ref("The event it was said at or about.", "events", default=None, yaml="event")
    reported_by_id: str | None = column(
        "The outlet the article says it took the statement from (Kyodo News); required when asserted_by is relayed.",
        default=None,
        format="slug",
        references="actors",
        yaml="reported_by",
        required_when=("asserted_by", "relayed"),
    )
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    said_basis: str | None = _basis("said_on")
    said_qualifier: str | None = _qualifier("said_on")
    asserted_by: str = column(
        "Who asserts it: a reported actor (the speaker), the article's author or outlet, or another outlet the "
        "article relays (vocabulary asserted_by).",
        vocabulary="asserted_by",
    )
    certainty: str = _certainty("the statement was made")
    hedge: str | None = _hedge()


class StatementSubject(SQLModel, table=True):
    """An actor a statement is about, beyond its speaker."""

    __tablename__ = "statement_subjects"
    __table_args__ = (UniqueConstraint("statement_id", "actor_id"),)
    __table_info__ = TableInfo(nested=(Nested("statements", "subjects", ("actor",), "subject"),))
    subject_id: str = _id("ID: <statement_id>--<actor_id>.", public=False, derived=True)
    statement_id: str = ref("The statement that is about the actor.", "statements", derived=True)
    actor_id: str = ref("An actor the statement is about.", "actors", yaml="actor")
    note: str | None = note()


class SourceSection(SQLModel, table=True):
    """A block of an article's page that is not its reporting (a caption, a byline, a footer), marked by
    the words it starts with; each excerpt's section is derived from these."""

    __tablename__ = "source_sections"
    __table_args__ = (UniqueConstraint("source_id", "starts"),)
    __table_info__ = TableInfo(nested=(Nested("sources", "sections", ("section", "starts"), "section"),))
    section_id: str = _id("ID: <source_id>--<section>--<slug of its first words>.", public=False, derived=True)
    source_id: str = ref("The article whose page holds the block.", "sources", derived=True)
    section: str = column("What the block is (vocabulary section).", vocabulary="section")
    starts: str = column("The block's first words, character for character; the block runs to the end of its line.")


class SourceAnomaly(SQLModel, table=True):
    """Something an article says that contradicts another article, a well-known fact or itself: kept as
    the article says it, flagged, never silently corrected."""

    __tablename__ = "source_anomalies"
    __table_info__ = TableInfo(public_ids=True, mention="anomaly")
    anomaly_id: str = _id("Stable ID of the flag: <source short name>--<slug>.")
    source_id: str = ref("The article that says it.", "sources", derived=True)
    record_table: str | None = column(
        "The table of the row that carries the article's version, when one does.", default=None, targets="cited"
    )
    record_id: str | None = column(
        "The ID of that row.",
        default=None,
        format="slug",
        row_of="record_table",
        max_length=MAX_FIGURE_ID_LENGTH,  # the row may be a figure
    )
    kind: str = column("What it contradicts (vocabulary anomaly_kind).", vocabulary="anomaly_kind")
    says: str = column("What the article says, character for character.")
    note: str | None = note()
    outside_knowledge: str | None = outside_knowledge()


class Citation(SQLModel, table=True):
    """The evidence for a row: which article states it, with a verbatim excerpt. Every row of every
    other table (but vocabularies) has at least one."""

    __tablename__ = "citations"
    __table_info__ = TableInfo(cited=False, natural_key=("record_table", "record_id", "source_id", "evidence"))
    citation_id: str = column(
        "ID: the first 20 hex digits of the sha256 of record_table, record_id, source_id and evidence "
        "(joined by U+001F).",
        primary_key=True,
        derived=True,
    )
    record_table: str = column("The table of the cited row.", targets="cited", derived=True)
    record_id: str = column("The ID of the cited row.", format="slug", row_of="record_table", derived=True)
    source_id: str = ref("The article that states it.", "sources", yaml="source")
    evidence: str = column("An excerpt of the article, character for character, that supports the row.", max_length=300)
    is_inherited: bool = column(
        "True when a link row (alias, party, event actor, subject, figure) reuses its parent record's citation.",
        derived=True,
    )
    # Added by revision 0003_attribution, which appends them: last here as in the database.
    section: str | None = column(
        "Which part of the article the excerpt comes from: body, headline, byline, bio, caption, credit, footer, "
        "nav (vocabulary section); derived from the article's text and its sections; empty only in a build "
        "without the texts.",
        default=None,
        vocabulary="section",
        derived=True,
    )


class Vocabulary(SQLModel, table=True):
    """Every allowed value of every controlled vocabulary, with what it means."""

    __tablename__ = "vocabularies"
    __table_info__ = TableInfo(public_ids=True, cited=False)
    vocabulary: str = column("The vocabulary's name (event_kind, date_precision, ...).", primary_key=True, derived=True)
    value: str = column("One allowed value.", primary_key=True, derived=True)
    description: str = column("What the value means.", derived=True)


# Tables in load order.
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
        SourceSection,
        SourceAnomaly,
        Citation,
        Vocabulary,
    )
}
