"""Reads that select columns, not objects: straight on the session's connection.

``db.session.execute`` prepares every statement for loading objects, even one that selects a
count or a few columns; on the busy pages that work costs more than the query itself. These two
run the statement on the connection of the session's own transaction (so they see what it
wrote, once flushed) and return plain rows. Use them only for statements without entities:
``select(Thread)`` still goes through the session, to get Thread objects.

A request that only read ends its transaction with COMMIT rather than ROLLBACK
(:func:`end_read_only`). For the database the two are the same when nothing was written, but
psycopg forgets its prepared statements on every ROLLBACK: with it, PostgreSQL parsed and planned
each query of each page anew; now a page's queries are prepared once per connection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, event
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Text

from leerplatform.extensions import db


def rows(statement: Select[Any], values: Mapping[str, Any] | None = None) -> Sequence[Row[Any]]:
    """Every row of ``statement`` (with ``values`` for its bound parameters), after flushing
    what the session still holds."""
    db.session.flush()
    return db.session.connection().execute(statement, values).all()


def scalar(statement: Select[Any], values: Mapping[str, Any] | None = None) -> Any:
    """The first column of the first row, or None."""
    db.session.flush()
    return db.session.connection().execute(statement, values).scalar()


class json_rows(FunctionElement[str]):  # noqa: N801 - reads like the SQL function it is
    """An aggregate: the rows it sees as one JSON array of arrays, ``[[a, b], ...]``, as text.

    For the few rows that go with a page's main row (a region's next meetings, its good
    practices): as a scalar subquery over a subquery of their own, they come in the main row's
    query instead of a query of their own, which costs the app more than the rows.
    :func:`json_rows_of` reads the text (text, not JSON: a row with a collection joined in
    must be hashable). JSON knows no timestamps, so those come as text: :func:`json_datetime`
    reads them. The order of the rows is the subquery's in practice, but no database promises
    it: sort them after reading."""

    type = Text()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows)
def _json_rows(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


def json_rows_of(value: str | None) -> list[list[Any]]:
    """The rows :class:`json_rows` gave (None from PostgreSQL when there were none)."""
    return json.loads(value) if value else []


def json_datetime(value: str) -> datetime:
    """A timestamp as :class:`json_rows` gives it: ISO 8601 with its offset from PostgreSQL,
    without one (but UTC, as every timestamp we store) from SQLite."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


READ_ONLY = "leerplatform_read_only"


def track_writes(engine: Engine) -> None:
    """Mark each transaction on ``engine`` read-only until a statement other than a SELECT runs."""
    event.listen(engine, "begin", _began)
    event.listen(engine, "before_cursor_execute", _statement)


def _began(connection: Connection) -> None:
    connection.info[READ_ONLY] = True


def _statement(
    connection: Connection,
    _cursor: DBAPICursor,
    statement: str,
    _parameters: Any,
    _context: ExecutionContext | None,
    _executemany: bool,
) -> None:
    if not statement.startswith(("SELECT", "WITH")) or not _reads_only(statement):
        connection.info[READ_ONLY] = False


_WRITE_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|INTO)\b").search


@lru_cache(maxsize=2048)
def _reads_only(statement: str) -> bool:
    """A SELECT, or a WITH whose parts are SELECTs. SQLAlchemy writes keywords in capitals and
    sends every value as a parameter, so a capital INSERT, UPDATE, DELETE, MERGE or INTO in the
    text is a write (or a SELECT ... FOR UPDATE, which may as well end with a rollback);
    anything else (SET, SAVEPOINT, a statement of our own) counts as a write too. Remembered
    (only statements that start as a read come here, so a seed's long INSERTs are not kept):
    the statements are the few SQLAlchemy compiled once, and the regex cost 20 µs each.

    What this cannot see, and the code must therefore not do in a request that may end as
    read-only: writing through the DBAPI connection or a cursor of its own (past SQLAlchemy's
    events), a SELECT of a function that changes something (``pg_notify``, ``set_config`` for
    the session, a function that writes), or a write in lower case in a ``text()``."""
    return statement.startswith(("SELECT", "WITH")) and _WRITE_WORD(statement) is None


def end_read_only(session: Session) -> None:
    """Before the session is closed: COMMIT its transaction if it only read and holds no
    changes; otherwise leave it to be rolled back when the session closes.

    The commit goes straight to the connection: the session is discarded next, so there is
    nothing for ``Session.commit`` to flush or expire."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.info.get(READ_ONLY):
        connection.commit()
