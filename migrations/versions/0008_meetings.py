"""meetings (regiotafels)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:10:40.638849

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: a region's page asks for its next and latest meetings by (region_id, starts_at);
    # the reminder run looks for meetings without a reminder by start time; the one-subject
    # check keeps an agenda point about exactly one conversation, one action item, or neither
    # (a topic in the proposer's own words), and the two unique constraints keep a conversation
    # or item on an agenda once (NULLs do not collide on SQLite or PostgreSQL). The decision
    # link is a nullable column on action_item_updates, added in batch mode for SQLite; old
    # timeline entries keep NULL. Removing a meeting keeps the decisions (SET NULL).
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("invited", sa.String(length=300), nullable=False),
        sa.Column("description_source", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("minutes_source", sa.Text(), nullable=False),
        sa.Column("minutes_html", sa.Text(), nullable=False),
        sa.Column("minutes_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_by_id", sa.Integer(), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meetings_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_meetings_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["minutes_by_id"],
            ["users.id"],
            name=op.f("fk_meetings_minutes_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_meetings_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("created_by_id", "submission_key", name="uq_meetings_submission"),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index("ix_meetings_region_starts", ["region_id", "starts_at"], unique=False)
        batch_op.create_index(
            "ix_meetings_reminder", ["reminder_sent_at", "starts_at"], unique=False
        )

    op.create_table(
        "meeting_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("action_item_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'onderwerp' AND thread_id IS NOT NULL AND action_item_id IS NULL) OR (kind = 'actiepunt' AND action_item_id IS NOT NULL AND thread_id IS NULL) OR (kind = 'eigen' AND thread_id IS NULL AND action_item_id IS NULL)",
            name=op.f("ck_meeting_agenda_items_one_subject"),
        ),
        sa.CheckConstraint(
            "kind IN ('onderwerp', 'actiepunt', 'eigen')", name=op.f("ck_meeting_agenda_items_kind")
        ),
        sa.CheckConstraint(
            "status IN ('voorgesteld', 'aangenomen', 'afgewezen')",
            name=op.f("ck_meeting_agenda_items_status"),
        ),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_items.id"],
            name=op.f("fk_meeting_agenda_items_action_item_id_action_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_agenda_items_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_agenda_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_agenda_items_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_meeting_agenda_items_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_items")),
        sa.UniqueConstraint("meeting_id", "action_item_id", name="uq_meeting_agenda_items_action"),
        sa.UniqueConstraint("meeting_id", "thread_id", name="uq_meeting_agenda_items_thread"),
    )
    with op.batch_alter_table("meeting_agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_agenda_items_action_item", ["action_item_id"], unique=False
        )
        batch_op.create_index(
            "ix_meeting_agenda_items_meeting", ["meeting_id", "status", "position"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_agenda_items_proposed_by_id"), ["proposed_by_id"], unique=False
        )
        batch_op.create_index("ix_meeting_agenda_items_thread", ["thread_id"], unique=False)

    op.create_table(
        "meeting_responses",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer IN ('ja', 'misschien', 'nee')", name=op.f("ck_meeting_responses_answer")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_responses_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_meeting_responses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_meeting_responses")),
    )
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_responses_user", ["user_id"], unique=False)

    with op.batch_alter_table("action_item_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_action_item_updates_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_action_item_updates_meeting_id_meetings"),
            "meetings",
            ["meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("action_item_updates", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_action_item_updates_meeting_id_meetings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_action_item_updates_meeting_id"))
        batch_op.drop_column("meeting_id")

    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_responses_user")

    op.drop_table("meeting_responses")
    with op.batch_alter_table("meeting_agenda_items", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_agenda_items_thread")
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_items_proposed_by_id"))
        batch_op.drop_index("ix_meeting_agenda_items_meeting")
        batch_op.drop_index("ix_meeting_agenda_items_action_item")

    op.drop_table("meeting_agenda_items")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_reminder")
        batch_op.drop_index("ix_meetings_region_starts")
        batch_op.drop_index(batch_op.f("ix_meetings_created_by_id"))

    op.drop_table("meetings")
