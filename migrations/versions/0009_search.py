"""search: a thread's place, and the search index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:40:00.000000

"""

from alembic import op
import sqlalchemy as sa

from leerplatform.search.schema import SQLITE_BACKFILL, SQLITE_STATEMENTS

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    "posts_search_insert",
    "posts_search_update",
    "posts_search_delete",
    "threads_search_title",
    "action_items_search_insert",
    "action_items_search_update",
    "action_items_search_delete",
    "places_search_insert",
    "places_search_update",
    "places_search_delete",
)
POSTGRESQL_INDEXES = ("ix_search_posts", "ix_search_threads", "ix_search_action_items", "ix_search_places")
# As this revision built them: expression indexes (0010 replaced them with stored vectors).
POSTGRESQL_STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS ix_search_posts ON posts "
    "USING gin (to_tsvector('dutch', body_source))",
    "CREATE INDEX IF NOT EXISTS ix_search_threads ON threads "
    "USING gin (to_tsvector('dutch', title))",
    "CREATE INDEX IF NOT EXISTS ix_search_action_items ON action_items "
    "USING gin (to_tsvector('dutch', title || ' ' || description_source))",
    "CREATE INDEX IF NOT EXISTS ix_search_places ON places "
    "USING gin (to_tsvector('dutch', "
    "name || ' ' || kind || ' ' || provider || ' ' || description))",
)


def upgrade():
    # Reviewed: a thread may be about one place of the directory (set null when the place goes);
    # the place page lists its threads, hence the index. The search index is not in the models:
    # GIN expression indexes on PostgreSQL, an FTS5 table with triggers on SQLite (see
    # leerplatform/search/schema.py). It is built after the batch step, because SQLite's batch
    # mode copies the threads table and would drop a trigger made before it. A later migration
    # that batch-alters posts, threads, action_items or places on SQLite must run
    # statements_for("sqlite") again (tests/test_migrations.py checks the triggers are there).
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_threads_place_id"), ["place_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_threads_place_id_places"), "places", ["place_id"], ["id"], ondelete="SET NULL"
        )

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for statement in POSTGRESQL_STATEMENTS:
            op.execute(statement)
    if dialect == "sqlite":
        for statement in SQLITE_STATEMENTS:
            op.execute(statement)
        for statement in SQLITE_BACKFILL:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        for index in POSTGRESQL_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {index}")

    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_threads_place_id_places"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_threads_place_id"))
        batch_op.drop_column("place_id")
