"""search: stored vectors instead of expression indexes on PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# As this revision builds them (leerplatform/search/schema.py builds the same for the tests):
# per table the GIN index and the text of its stored vector.
VECTOR_COLUMN = "search_vector"
POSTGRESQL_VECTORS = {
    "posts": ("ix_search_posts", "body_source"),
    "threads": ("ix_search_threads", "title"),
    "action_items": ("ix_search_action_items", "title || ' ' || description_source"),
    "places": ("ix_search_places", "name || ' ' || kind || ' ' || provider || ' ' || description"),
}
# What 0009 built, to go back to.
EXPRESSION_INDEXES = {
    "posts": "to_tsvector('dutch', body_source)",
    "threads": "to_tsvector('dutch', title)",
    "action_items": "to_tsvector('dutch', title || ' ' || description_source)",
    "places": "to_tsvector('dutch', name || ' ' || kind || ' ' || provider || ' ' || description)",
}


def upgrade():
    # Reviewed: PostgreSQL only (SQLite keeps its FTS5 table of 0009). Each searchable table gets
    # a generated, stored tsvector of the same text 0009 indexed, and the GIN index moves from the
    # expression to that column (same index names, so the search code and the migrations check
    # stay as they are). Adding a stored generated column rewrites the table once: on 500,000
    # posts 14 seconds on the bench data, under a lock that blocks writes meanwhile.
    if op.get_bind().dialect.name != "postgresql":
        return
    for table_name, (index, source) in POSTGRESQL_VECTORS.items():
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(
            f"ALTER TABLE {table_name} ADD COLUMN {VECTOR_COLUMN} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('dutch', {source})) STORED"
        )
        op.execute(f"CREATE INDEX {index} ON {table_name} USING gin ({VECTOR_COLUMN})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table_name, (index, _source) in POSTGRESQL_VECTORS.items():
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"ALTER TABLE {table_name} DROP COLUMN IF EXISTS {VECTOR_COLUMN}")
        op.execute(
            f"CREATE INDEX {index} ON {table_name} USING gin ({EXPRESSION_INDEXES[table_name]})"
        )
