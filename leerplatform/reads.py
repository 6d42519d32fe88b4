"""Reads that select columns, not objects: straight on the session's connection.

``db.session.execute`` prepares every statement for loading objects, even one that selects a
count or a few columns; on the busy pages that work costs more than the query itself. These two
run the statement on the connection of the session's own transaction (so they see what it
wrote, once flushed) and return plain rows. Use them only for statements without entities:
``select(Thread)`` still goes through the session, to get Thread objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Select

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
