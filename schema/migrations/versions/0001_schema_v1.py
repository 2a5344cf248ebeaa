"""schema v1: sources, actors and aliases, roles, memberships, agreements and parties, events and their actors, quantities, budgets, statements and subjects, citations, vocabularies

Revision ID: 0001_schema_v1
Revises: 
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0001_schema_v1'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('actor_aliases',
    sa.Column('alias_id', sa.String(), nullable=False),
    sa.Column('actor_id', sa.String(), nullable=False),
    sa.Column('alias', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('alias_id'),
    sa.UniqueConstraint('actor_id', 'alias')
    )
    op.create_table('actor_roles',
    sa.Column('role_id', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('organization_id', sa.String(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('start_precision', sa.String(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('end_precision', sa.String(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('observed_precision', sa.String(), nullable=False),
    sa.Column('posted_to_id', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('role_id')
    )
    op.create_table('actors',
    sa.Column('actor_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('iso3', sa.String(), nullable=True),
    sa.Column('country_iso3', sa.String(), nullable=True),
    sa.Column('wikidata_qid', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('actor_id')
    )
    op.create_table('agreement_parties',
    sa.Column('party_id', sa.String(), nullable=False),
    sa.Column('agreement_id', sa.String(), nullable=False),
    sa.Column('actor_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('party_id'),
    sa.UniqueConstraint('agreement_id', 'actor_id', 'role')
    )
    op.create_table('agreements',
    sa.Column('agreement_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_precision', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('summary', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('agreement_id')
    )
    op.create_table('budgets',
    sa.Column('budget_id', sa.String(), nullable=False),
    sa.Column('actor_id', sa.String(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('period_precision', sa.String(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('currency', sa.String(), nullable=True),
    sa.Column('share_of_gdp_pct', sa.Float(), nullable=True),
    sa.Column('basis', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('budget_id')
    )
    op.create_table('citations',
    sa.Column('citation_id', sa.String(), nullable=False),
    sa.Column('record_table', sa.String(), nullable=False),
    sa.Column('record_id', sa.String(), nullable=False),
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('is_inherited', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('citation_id')
    )
    op.create_table('event_actors',
    sa.Column('event_actor_id', sa.String(), nullable=False),
    sa.Column('event_id', sa.String(), nullable=False),
    sa.Column('actor_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('event_actor_id'),
    sa.UniqueConstraint('event_id', 'actor_id', 'role')
    )
    op.create_table('events',
    sa.Column('event_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('summary', sa.String(), nullable=False),
    sa.Column('location', sa.String(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(), nullable=False),
    sa.Column('agreement_id', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('event_id')
    )
    op.create_table('memberships',
    sa.Column('membership_id', sa.String(), nullable=False),
    sa.Column('member_id', sa.String(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('start_precision', sa.String(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('end_precision', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('membership_id')
    )
    op.create_table('quantities',
    sa.Column('quantity_id', sa.String(), nullable=False),
    sa.Column('record_table', sa.String(), nullable=False),
    sa.Column('record_id', sa.String(), nullable=False),
    sa.Column('measure', sa.String(), nullable=False),
    sa.Column('low', sa.Float(), nullable=True),
    sa.Column('high', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('quantity_id')
    )
    op.create_table('sources',
    sa.Column('source_id', sa.String(), nullable=False),
    sa.Column('file', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=True),
    sa.Column('publisher', sa.String(), nullable=True),
    sa.Column('publisher_actor_id', sa.String(), nullable=True),
    sa.Column('author', sa.String(), nullable=True),
    sa.Column('author_actor_id', sa.String(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_on_precision', sa.String(), nullable=False),
    sa.Column('date_note', sa.String(), nullable=True),
    sa.Column('url', sa.String(), nullable=True),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('source_id')
    )
    op.create_table('statement_subjects',
    sa.Column('subject_id', sa.String(), nullable=False),
    sa.Column('statement_id', sa.String(), nullable=False),
    sa.Column('actor_id', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('subject_id'),
    sa.UniqueConstraint('statement_id', 'actor_id')
    )
    op.create_table('statements',
    sa.Column('statement_id', sa.String(), nullable=False),
    sa.Column('speaker_id', sa.String(), nullable=False),
    sa.Column('said_on', sa.Date(), nullable=True),
    sa.Column('said_precision', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('is_verbatim', sa.Boolean(), nullable=False),
    sa.Column('event_id', sa.String(), nullable=True),
    sa.Column('reported_by_id', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('outside_knowledge', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('statement_id')
    )
    op.create_table('vocabularies',
    sa.Column('vocabulary', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('vocabulary', 'value')
    )



def downgrade() -> None:

    op.drop_table('vocabularies')
    op.drop_table('statements')
    op.drop_table('statement_subjects')
    op.drop_table('sources')
    op.drop_table('quantities')
    op.drop_table('memberships')
    op.drop_table('events')
    op.drop_table('event_actors')
    op.drop_table('citations')
    op.drop_table('budgets')
    op.drop_table('agreements')
    op.drop_table('agreement_parties')
    op.drop_table('actors')
    op.drop_table('actor_roles')
    op.drop_table('actor_aliases')

