"""moderation: reports, suspensions, audit log, hidden posts, host edits

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 11:28:37.065819

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: the queue reads open reports per region, oldest first; the log reads a
    # region's entries newest first; suspensions are read with the logged-in user. Posts get
    # nullable columns only, so the batch copy on SQLite keeps every row.
    op.create_table('suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_suspensions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_suspensions_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_suspensions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspensions'))
    )
    with op.batch_alter_table('suspensions', schema=None) as batch_op:
        batch_op.create_index('ix_suspensions_user', ['user_id', 'region_id', 'until'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('verbergen', 'zichtbaar', 'afwijzen', 'waarschuwen', 'schorsen', 'schorsing_opheffen', 'vastzetten', 'losmaken', 'sluiten', 'openen', 'verplaatsen', 'labels', 'bewerken')", name=op.f('ck_audit_entries_action')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_audit_entries_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_audit_entries_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_audit_entries_subject_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_audit_entries_thread_id_threads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_region', ['region_id', 'created_at'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.CheckConstraint("decision IN ('verborgen', 'afgewezen', 'gewaarschuwd', 'geschorst')", name=op.f('ck_reports_decision')),
    sa.CheckConstraint("reason IN ('privacy', 'onvriendelijk', 'reclame', 'onjuist', 'anders')", name=op.f('ck_reports_reason')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reports_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_reports_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_reports_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('post_id', 'reporter_id', name='uq_reports_once')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_queue', ['region_id', 'decided_at', 'created_at'], unique=False)

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_post_revisions_replaced_by_id_users'), 'users', ['replaced_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_posts_edited_by_id_users'), 'users', ['edited_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_posts_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('edited_by_id')

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_post_revisions_replaced_by_id_users'), type_='foreignkey')
        batch_op.drop_column('replaced_by_id')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_queue')

    op.drop_table('reports')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_region')

    op.drop_table('audit_entries')
    with op.batch_alter_table('suspensions', schema=None) as batch_op:
        batch_op.drop_index('ix_suspensions_user')

    op.drop_table('suspensions')
