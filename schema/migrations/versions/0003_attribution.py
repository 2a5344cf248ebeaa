"""attribution: who asserts a claim, how sure the source is, each date's basis, each figure's qualifier, the section of the page an excerpt comes from, and flagged source anomalies

Revision ID: 0003_attribution
Revises: 0002_role_class
Create Date: 2026-12-03

Why: analysts could not tell a government's statement from the article author's own opinion, a
confirmed event from an intelligence assessment, a stated date from an inferred one, or "under 1%"
from "1%", because none of that was data.

Upgrade appends to
- statements: asserted_by (NOT NULL: actor, author, relayed), certainty (NOT NULL), hedge;
- events, quantities, budgets: certainty (NOT NULL), hedge; quantities: qualifier (NOT NULL); budgets: qualifier (with an amount or a share);
- every date with a precision: <date>_basis and <date>_qualifier (events: date_basis, date_qualifier;
  budgets: period_basis, period_qualifier; statements: said_basis, said_qualifier; ...);
- citations: section;
and creates source_sections and source_anomalies, and adds the new vocabularies (and the event kind
background_condition) to `vocabularies`.

Existing rows are filled by the rules below, frozen here as this revision's history; they are a
first approximation for databases upgraded in place (a release restored from an older version), not
a reading of the articles: the curated files state every value themselves from this revision on.
Downgrade drops all of it (events of kind background_condition become `other`, the old catch-all).
Tables a user made that reference ours are kept (`japan_nato.schema.ddl.altering`).
"""

import sqlalchemy as sa
from alembic import op

from japan_nato.schema.ddl import rebuild

revision = "0003_attribution"
down_revision = "0002_role_class"
branch_labels = None
depends_on = None


def _basis(date: str, note: str = "note") -> str:
    return (
        f"CASE WHEN {date} IS NULL THEN NULL WHEN {note} ILIKE '%infer%' THEN 'inferred' "
        f"WHEN regexp_matches(coalesce({note}, ''), '(?i)(resolved|\"last |\"on [a-z]+day|\"this week)') "
        "THEN 'resolved' ELSE 'stated' END"
    )


DATED = {  # table: [(date column, basis column, qualifier column), ...]
    "sources": [("published_on", "published_on_basis", "published_on_qualifier")],
    "actor_roles": [
        ("start_on", "start_basis", "start_qualifier"),
        ("end_on", "end_basis", "end_qualifier"),
        ("observed_on", "observed_basis", "observed_qualifier"),
    ],
    "memberships": [("start_on", "start_basis", "start_qualifier"), ("end_on", "end_basis", "end_qualifier")],
    "agreements": [("signed_on", "signed_basis", "signed_qualifier")],
    "events": [("start_on", "date_basis", "date_qualifier")],
    "budgets": [("period_start", "period_basis", "period_qualifier")],
    "statements": [("said_on", "said_basis", "said_qualifier")],
}
CERTAINTY = {
    "events": "CASE status WHEN 'planned' THEN 'planned' WHEN 'proposed' THEN 'proposed' ELSE 'stated' END",
    "statements": "'stated'",
    "quantities": "'stated'",
    "budgets": "CASE basis WHEN 'planned' THEN 'planned' WHEN 'target' THEN 'planned' ELSE 'stated' END",
}
QUALIFIER = {
    "quantities": (
        "CASE WHEN low IS NOT NULL AND high IS NULL THEN 'at_least' "
        "WHEN low IS NULL AND high IS NOT NULL THEN 'at_most' ELSE 'exact' END"
    ),
    "budgets": "CASE WHEN amount IS NOT NULL OR share_of_gdp_pct IS NOT NULL THEN 'exact' END",
}
VOCABULARIES = {
    "asserted_by": {
        "actor": "the words or position of a reported actor (the speaker)",
        "author": "the article's author or outlet, in its own analysis, conclusion or opinion",
        "relayed": "a report the article takes from another outlet (reported_by_id names it)",
    },
    "certainty": {
        "stated": "stated as fact",
        "reported": "reported or alleged (reportedly, according to, is believed to); the hedge keeps the words",
        "assessed": "an assessment or a likelihood (intelligence assessments indicate, it is likely that)",
        "planned": "decided or announced for the future",
        "proposed": "put forward, not decided",
    },
    "date_basis": {
        "stated": "the article prints the date, to the precision given",
        "resolved": "resolved from a relative expression (last week, on Monday) against the publication date",
        "inferred": "inferred from context (a caption's year, the article's date)",
        "outside": "outside knowledge (the row's outside_knowledge says what)",
    },
    "date_qualifier": {
        "early": "early in the period (early January 2026)",
        "mid": "in the middle of the period",
        "late": "late in the period (the late 1970s)",
        "around": "about then",
        "before": "before, or by, the date (by 2027)",
        "after": "after the date",
    },
    "figure_qualifier": {
        "exact": "the value or range as printed, with no qualifying word",
        "approximately": "some, about, approximately, nearly, roughly",
        "at_least": "at least: the value is low, there is no high",
        "over": "over, more than: the value is low, there is no high",
        "at_most": "up to, no more than: the value is high, there is no low",
        "under": "under, less than, below: the value is high, there is no low",
    },
    "section": {
        "body": "the article's own reporting",
        "headline": "the headline or the standfirst under it",
        "byline": "the byline",
        "bio": "a note about the author",
        "caption": "a photo caption",
        "credit": "a photo credit",
        "footer": "a disclaimer or the publisher's own text",
        "nav": "site navigation, category labels, share buttons",
    },
    "anomaly_kind": {
        "contradicts_source": "another of the articles says otherwise",
        "contradicts_known_fact": "a well-known fact says otherwise (outside_knowledge says which)",
        "inconsistent_within_source": "the article contradicts itself",
    },
}
BACKGROUND = (
    "background_condition",
    "a standing condition or situation the article describes, not a dated occurrence (a territorial "
    "dispute, a nuclear programme, a face-off)",
)


def _added(table: str) -> dict[str, tuple[str, str]]:
    """column -> (SQL type, fill expression), in the order the models append them."""
    add: dict[str, tuple[str, str]] = {}
    for date, basis, qualifier in DATED.get(table, []):
        add[basis] = ("VARCHAR", _basis(date, "date_note" if table == "sources" else "note"))
        add[qualifier] = ("VARCHAR", "NULL")
    if table == "statements":
        add["asserted_by"] = ("VARCHAR NOT NULL", "CASE WHEN reported_by_id IS NOT NULL THEN 'relayed' ELSE 'actor' END")
    if table in QUALIFIER:
        add["qualifier"] = ("VARCHAR NOT NULL" if table == "quantities" else "VARCHAR", QUALIFIER[table])
    if table in CERTAINTY:
        add["certainty"] = ("VARCHAR NOT NULL", CERTAINTY[table])
        add["hedge"] = ("VARCHAR", "NULL")
    if table == "citations":
        add["section"] = ("VARCHAR", "NULL")
    return add


TABLES = ["sources", "actor_roles", "memberships", "agreements", "events", "quantities", "budgets", "statements", "citations"]


def upgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        # New NOT NULL columns filled from the old rows: a rebuild, as in 0002 (DuckDB cannot add and
        # then tighten a column in one transaction); the tables that reference it are kept.
        rebuild(conn, table, add=_added(table))
    op.create_table(
        "source_sections",
        sa.Column("section_id", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("section", sa.String(), nullable=False),
        sa.Column("starts", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("section_id"),
        sa.UniqueConstraint("source_id", "starts"),
    )
    op.create_table(
        "source_anomalies",
        sa.Column("anomaly_id", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("record_table", sa.String(), nullable=True),
        sa.Column("record_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("says", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("outside_knowledge", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("anomaly_id"),
    )
    vocab = sa.table("vocabularies", sa.column("vocabulary"), sa.column("value"), sa.column("description"))
    rows = [{"vocabulary": v, "value": k, "description": d} for v, values in VOCABULARIES.items() for k, d in values.items()]
    rows.append({"vocabulary": "event_kind", "value": BACKGROUND[0], "description": BACKGROUND[1]})
    op.bulk_insert(vocab, rows)


def downgrade() -> None:
    conn = op.get_bind()
    names = ", ".join(f"'{v}'" for v in VOCABULARIES)
    conn.exec_driver_sql(f"DELETE FROM vocabularies WHERE vocabulary IN ({names})")
    conn.exec_driver_sql(f"DELETE FROM vocabularies WHERE vocabulary = 'event_kind' AND value = '{BACKGROUND[0]}'")
    conn.exec_driver_sql(f"UPDATE events SET kind = 'other' WHERE kind = '{BACKGROUND[0]}'")
    op.drop_table("source_anomalies")
    op.drop_table("source_sections")
    for table in reversed(TABLES):
        rebuild(conn, table, drop=list(_added(table)))
