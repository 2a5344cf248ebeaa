"""role_class: a controlled class for every office in actor_roles, derived from its free-text role

Revision ID: 0002_role_class
Revises: 0001_schema_v1
Create Date: 2026-11-21

Why: `actor_roles.role` is the office as each article writes it ("Defense Minister", "Prime
Minister", "NATO Assistant Secretary-General for Political Affairs and Security Policy"), so a
question like "every defence minister in the data" needed text matching. `role_class` answers it
with one controlled value per row.

Upgrade adds the column as NOT NULL, derived for existing rows with the rule below (first match
wins), and adds the `role_class` vocabulary to `vocabularies`. The rule is frozen here
as this revision's history; curated files state role_class themselves from now on. Downgrade drops
the column and the vocabulary rows. Tables a user made that reference actor_roles are kept
(`japan_nato.schema.ddl.altering`).
"""

import sqlalchemy as sa
from alembic import op

from japan_nato.schema.ddl import rebuild

revision = "0002_role_class"
down_revision = "0001_schema_v1"
branch_labels = None
depends_on = None

# (LIKE pattern on lower(role), class): the first that matches wins.
RULES = [
    ("%assistant secretary%general%", "international_official"),
    ("%secretary%general%", "secretary_general"),
    ("%deputy prime minister%", "deputy_head_of_government"),
    ("%prime minister%", "head_of_government"),
    ("%president-elect%", "elected_or_candidate"),
    ("%candidate%", "elected_or_candidate"),
    ("%president%", "head_of_state"),
    ("leader", "head_of_state"),
    ("%defen%minister%", "defence_minister"),
    ("%foreign minister%", "foreign_minister"),
    ("%minister%", "minister"),
    ("%ambassador%", "ambassador"),
    ("%opposition%", "opposition_leader"),
    ("%student%", "research_or_academic"),
    ("%research%", "research_or_academic"),
]
VOCABULARY = {
    "head_of_state": "president, monarch or supreme leader of a state",
    "head_of_government": "prime minister or equivalent",
    "deputy_head_of_government": "deputy prime minister or equivalent",
    "defence_minister": "minister of defence",
    "foreign_minister": "minister of foreign affairs",
    "minister": "any other minister",
    "ambassador": "ambassador or head of a diplomatic mission",
    "secretary_general": "secretary-general of an international organization",
    "international_official": "other official of an international organization",
    "elected_or_candidate": "president-elect, candidate or other office not yet held",
    "opposition_leader": "leader of an opposition party",
    "research_or_academic": "researcher, student or other academic position",
    "other": "anything else",
}


def upgrade() -> None:
    cases = " ".join(f"WHEN lower(role) LIKE '{pattern}' THEN '{cls}'" for pattern, cls in RULES)
    # A new NOT NULL column filled from the old rows: DuckDB cannot add it and then tighten it in one
    # transaction, so the table is rebuilt with the column in place (its referencing tables are kept).
    rebuild(op.get_bind(), "actor_roles", add={"role_class": ("VARCHAR NOT NULL", f"CASE {cases} ELSE 'other' END")})
    vocab = sa.table("vocabularies", sa.column("vocabulary"), sa.column("value"), sa.column("description"))
    op.bulk_insert(vocab, [{"vocabulary": "role_class", "value": v, "description": d} for v, d in VOCABULARY.items()])


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DELETE FROM vocabularies WHERE vocabulary = 'role_class'")
    rebuild(op.get_bind(), "actor_roles", drop=["role_class"])
