"""The search index, which the models do not describe: it lives beside their tables.

PostgreSQL keeps a generated ``search_vector`` column (``to_tsvector('dutch', …)``) with a GIN
index on every searchable table, so every row is searchable the moment it is written, however it
was written. SQLite keeps an FTS5 table of stemmed text, filled by triggers that call ``lp_stem`` (a
Python function every connection of the app gets, see ``register_stemmer``). The migrations and
the test schema (``create_all``) build it from the statements here (migration 0009 keeps its own
copy of the expression indexes that 0010 replaced with the stored vectors).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event, text

from leerplatform.extensions import db
from leerplatform.search.words import stem_text

FTS_TABLE = "search_fts"
"""Rows are keyed by ``rowid = id * 4 + DOC_KIND``, so one table holds every kind of result."""
DOC_POST, DOC_ACTION_ITEM, DOC_PLACE = 0, 1, 2


VECTOR_COLUMN = "search_vector"
POSTGRESQL_VECTORS = {
    "posts": ("ix_search_posts", "body_source"),
    "threads": ("ix_search_threads", "title"),
    "action_items": ("ix_search_action_items", "title || ' ' || description_source"),
    "places": (
        "ix_search_places",
        "name || ' ' || kind || ' ' || provider || ' ' || description",
    ),
}
"""Per table on PostgreSQL: the GIN index and the text of its stored ``search_vector``.

The vector is a generated column, so PostgreSQL keeps it up to date on every write, however the
row was written (the bench inserts with COPY). It is stored, not computed in the query: ranking
and the recheck of a lossy bitmap then read the vector instead of parsing the text again, which
for a word in half of 500,000 posts was the difference between 5 seconds and a few milliseconds.
The models do not name the column, so the ORM never loads it."""

POSTGRESQL_STATEMENTS = tuple(
    statement
    for table_name, (index, source) in POSTGRESQL_VECTORS.items()
    for statement in (
        f"ALTER TABLE {table_name} ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('dutch', {source})) STORED",
        f"CREATE INDEX IF NOT EXISTS {index} ON {table_name} USING gin ({VECTOR_COLUMN})",
    )
)

SQLITE_STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(body, "
    "tokenize='unicode61 remove_diacritics 2')",
    # An opening post is found by its thread's title too.
    "CREATE TRIGGER IF NOT EXISTS posts_search_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES (NEW.id * 4, lp_stem(CASE WHEN NEW.is_opening "
    "THEN COALESCE((SELECT title FROM threads WHERE id = NEW.thread_id), '') || ' ' ELSE '' END "
    "|| NEW.body_source)); END",
    "CREATE TRIGGER IF NOT EXISTS posts_search_update AFTER UPDATE OF body_source ON posts BEGIN "
    "DELETE FROM search_fts WHERE rowid = OLD.id * 4; "
    "INSERT INTO search_fts(rowid, body) VALUES (NEW.id * 4, lp_stem(CASE WHEN NEW.is_opening "
    "THEN COALESCE((SELECT title FROM threads WHERE id = NEW.thread_id), '') || ' ' ELSE '' END "
    "|| NEW.body_source)); END",
    "CREATE TRIGGER IF NOT EXISTS posts_search_delete AFTER DELETE ON posts BEGIN "
    "DELETE FROM search_fts WHERE rowid = OLD.id * 4; END",
    "CREATE TRIGGER IF NOT EXISTS threads_search_title AFTER UPDATE OF title ON threads BEGIN "
    "DELETE FROM search_fts WHERE rowid IN "
    "(SELECT id * 4 FROM posts WHERE thread_id = NEW.id AND is_opening); "
    "INSERT INTO search_fts(rowid, body) SELECT id * 4, lp_stem(NEW.title || ' ' || body_source) "
    "FROM posts WHERE thread_id = NEW.id AND is_opening; END",
    "CREATE TRIGGER IF NOT EXISTS action_items_search_insert AFTER INSERT ON action_items BEGIN "
    "INSERT INTO search_fts(rowid, body) "
    "VALUES (NEW.id * 4 + 1, lp_stem(NEW.title || ' ' || NEW.description_source)); END",
    "CREATE TRIGGER IF NOT EXISTS action_items_search_update "
    "AFTER UPDATE OF title, description_source ON action_items BEGIN "
    "DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 1; "
    "INSERT INTO search_fts(rowid, body) "
    "VALUES (NEW.id * 4 + 1, lp_stem(NEW.title || ' ' || NEW.description_source)); END",
    "CREATE TRIGGER IF NOT EXISTS action_items_search_delete AFTER DELETE ON action_items BEGIN "
    "DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 1; END",
    "CREATE TRIGGER IF NOT EXISTS places_search_insert AFTER INSERT ON places BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES "
    "(NEW.id * 4 + 2, lp_stem(NEW.name || ' ' || NEW.kind || ' ' || NEW.provider || ' ' "
    "|| NEW.description)); END",
    "CREATE TRIGGER IF NOT EXISTS places_search_update "
    "AFTER UPDATE OF name, kind, provider, description ON places BEGIN "
    "DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 2; "
    "INSERT INTO search_fts(rowid, body) VALUES "
    "(NEW.id * 4 + 2, lp_stem(NEW.name || ' ' || NEW.kind || ' ' || NEW.provider || ' ' "
    "|| NEW.description)); END",
    "CREATE TRIGGER IF NOT EXISTS places_search_delete AFTER DELETE ON places BEGIN "
    "DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 2; END",
)

SQLITE_BACKFILL = (
    "DELETE FROM search_fts",
    "INSERT INTO search_fts(rowid, body) SELECT posts.id * 4, lp_stem(CASE WHEN posts.is_opening "
    "THEN threads.title || ' ' ELSE '' END || posts.body_source) "
    "FROM posts JOIN threads ON threads.id = posts.thread_id",
    "INSERT INTO search_fts(rowid, body) "
    "SELECT id * 4 + 1, lp_stem(title || ' ' || description_source) FROM action_items",
    "INSERT INTO search_fts(rowid, body) "
    "SELECT id * 4 + 2, lp_stem(name || ' ' || kind || ' ' || provider || ' ' || description) "
    "FROM places",
)
"""Fill the index from what is there: after the migration, or with ``flask search reindex``."""
SQLITE_COUNT = "SELECT count(*) FROM search_fts"


def statements_for(dialect: str) -> tuple[str, ...]:
    if dialect == "postgresql":
        return POSTGRESQL_STATEMENTS
    if dialect == "sqlite":
        return SQLITE_STATEMENTS
    return ()


def create_search_schema(_target: Any, connection: Any, **_kw: Any) -> None:
    """After ``create_all``: the same index the migration builds."""
    for statement in statements_for(connection.dialect.name):
        connection.execute(text(statement))


event.listen(db.metadata, "after_create", create_search_schema)


@event.listens_for(Engine, "connect")
def register_stemmer(dbapi_connection: Any, _record: Any) -> None:
    """Give every SQLite connection the stemmer its search triggers call."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("lp_stem", 1, stem_text, deterministic=True)
