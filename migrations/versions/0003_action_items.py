"""action items: items, themes, links, timeline, proposals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:38:38.688477

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: the board filters on (region, status) and on the origin region of escalated
    # items; the monitor groups items made in a period (created_at) and resolved ones; a
    # thread finds its items through ix_action_item_links_thread; the unique constraints make
    # a double submission one item or one update. `version` guards concurrent changes.
    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('origin_region_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('description_source', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('resolution_source', sa.Text(), nullable=False),
    sa.Column('resolution_html', sa.Text(), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('update_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_days', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'in_behandeling', 'opgelost', 'niet_haalbaar', 'samengevoegd')", name=op.f('ck_action_items_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_action_items_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['action_items.id'], name=op.f('fk_action_items_merged_into_id_action_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['origin_region_id'], ['regions.id'], name=op.f('fk_action_items_origin_region_id_regions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_action_items_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_action_items_region_id_regions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items')),
    sa.UniqueConstraint('created_by_id', 'submission_key', name='uq_action_items_submission')
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_created', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_action_items_origin_region', ['origin_region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_action_items_region_status', ['region_id', 'status', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_action_items_resolved', ['resolved_at'], unique=False)
        batch_op.create_index('ix_action_items_status_target', ['status', 'target_date'], unique=False)

    op.create_table('action_item_links',
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('knelpunt', 'oplossing')", name=op.f('ck_action_item_links_role')),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_action_item_links_action_item_id_action_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_action_item_links_linked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_action_item_links_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_item_id', 'thread_id', name=op.f('pk_action_item_links'))
    )
    with op.batch_alter_table('action_item_links', schema=None) as batch_op:
        batch_op.create_index('ix_action_item_links_thread', ['thread_id'], unique=False)

    op.create_table('action_item_themes',
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=20), nullable=False),
    sa.CheckConstraint("theme IN ('logeren', 'dagbesteding', 'wonen', 'vervoer', 'hulpmiddelen', 'personeel', 'bekostiging', 'regelgeving', 'overig')", name=op.f('ck_action_item_themes_theme')),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_action_item_themes_action_item_id_action_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_item_id', 'theme', name=op.f('pk_action_item_themes'))
    )
    with op.batch_alter_table('action_item_themes', schema=None) as batch_op:
        batch_op.create_index('ix_action_item_themes_theme', ['theme', 'action_item_id'], unique=False)

    op.create_table('action_item_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('other_item_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('aangemaakt', 'voortgang', 'status', 'gewijzigd', 'gekoppeld', 'samengevoegd', 'opgeschaald')", name=op.f('ck_action_item_updates_kind')),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_action_item_updates_action_item_id_action_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_action_item_updates_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['other_item_id'], ['action_items.id'], name=op.f('fk_action_item_updates_other_item_id_action_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_action_item_updates_thread_id_threads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item_updates')),
    sa.UniqueConstraint('author_id', 'submission_key', name='uq_action_item_updates_submission')
    )
    with op.batch_alter_table('action_item_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_updates_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_action_item_updates_item', ['action_item_id', 'created_at'], unique=False)

    op.create_table('action_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('action_item_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("outcome IN ('aangenomen', 'afgewezen')", name=op.f('ck_action_proposals_outcome')),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_action_proposals_action_item_id_action_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_action_proposals_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_action_proposals_proposed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_action_proposals_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_action_proposals_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_proposals')),
    sa.UniqueConstraint('thread_id', 'proposed_by_id', name='uq_action_proposals_once')
    )
    with op.batch_alter_table('action_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_action_proposals_region_open', ['region_id', 'decided_at'], unique=False)



def downgrade():
    with op.batch_alter_table('action_proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_action_proposals_region_open')

    op.drop_table('action_proposals')
    with op.batch_alter_table('action_item_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_action_item_updates_item')
        batch_op.drop_index(batch_op.f('ix_action_item_updates_author_id'))

    op.drop_table('action_item_updates')
    with op.batch_alter_table('action_item_themes', schema=None) as batch_op:
        batch_op.drop_index('ix_action_item_themes_theme')

    op.drop_table('action_item_themes')
    with op.batch_alter_table('action_item_links', schema=None) as batch_op:
        batch_op.drop_index('ix_action_item_links_thread')

    op.drop_table('action_item_links')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_status_target')
        batch_op.drop_index('ix_action_items_resolved')
        batch_op.drop_index('ix_action_items_region_status')
        batch_op.drop_index(batch_op.f('ix_action_items_owner_id'))
        batch_op.drop_index('ix_action_items_origin_region')
        batch_op.drop_index(batch_op.f('ix_action_items_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_created_by_id'))
        batch_op.drop_index('ix_action_items_created')

    op.drop_table('action_items')
