"""A request that only read commits its transaction (so PostgreSQL keeps the prepared
statements); one that changed anything and did not commit is rolled back, as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update

from leerplatform import end_session_quietly
from leerplatform.accounts.models import User
from leerplatform.extensions import db
from tests.conftest import Auth
from tests.factories import make_user


@pytest.fixture
def endings(app: Flask) -> Iterator[list[str]]:
    """How each transaction on the app's engine ended: "commit" or "rollback"."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def committed(_connection: object) -> None:
        seen.append("commit")

    def rolled_back(_connection: object) -> None:
        seen.append("rollback")

    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    yield seen
    event.remove(engine, "commit", committed)
    event.remove(engine, "rollback", rolled_back)


def test_a_page_that_only_reads_ends_with_a_commit(
    app: Flask, client: FlaskClient, auth: Auth, regions: None, endings: list[str]
) -> None:
    with app.app_context():
        make_user(email="lezer@example.nl")
    auth.login("lezer@example.nl")
    endings.clear()
    assert client.get("/regio/5515").status_code == 200
    assert endings == ["commit"]


def test_a_flushed_change_that_was_not_committed_is_rolled_back(
    app: Flask, regions: None, endings: list[str]
) -> None:
    with app.test_request_context():
        user = make_user(display_name="Moeder van Ties")
        endings.clear()
        user.display_name = "Iemand anders"
        db.session.flush()
        end_session_quietly(None)
        assert endings == ["rollback"]
        assert db.session.get(User, user.id).display_name == "Moeder van Ties"


def test_a_change_still_pending_is_not_committed(
    app: Flask, regions: None, endings: list[str]
) -> None:
    with app.test_request_context():
        user = make_user(display_name="Moeder van Ties")
        user_id = user.id  # a transaction that has read
        user.display_name = "Iemand anders"  # and a change not yet flushed
        endings.clear()
        end_session_quietly(None)
        assert endings == ["rollback"]
        assert db.session.get(User, user_id).display_name == "Moeder van Ties"


def test_a_statement_on_the_connection_counts_as_a_write(
    app: Flask, regions: None, endings: list[str]
) -> None:
    with app.test_request_context():
        user = make_user(display_name="Moeder van Ties")
        endings.clear()
        db.session.connection().execute(
            update(User).where(User.id == user.id).values(display_name="Iemand anders")
        )
        end_session_quietly(None)
        assert endings == ["rollback"]
        assert db.session.get(User, user.id).display_name == "Moeder van Ties"


def test_a_request_that_failed_rolls_back_even_when_it_only_read(
    app: Flask, regions: None, endings: list[str]
) -> None:
    with app.test_request_context():
        make_user()
        db.session.execute(select(User.id)).all()
        endings.clear()
        end_session_quietly(RuntimeError("the view failed"))
        assert endings == ["rollback"]


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT users.id FROM users WHERE users.id = %(id)s", True),
        ("WITH pages AS (SELECT 1 AS page) SELECT pages.page FROM pages", True),
        ("SELECT users.updated_at FROM users", True),
        ("UPDATE users SET display_name = %(name)s", False),
        ("INSERT INTO users (email) VALUES (%(email)s)", False),
        ("WITH gone AS (DELETE FROM posts RETURNING posts.id) SELECT count(*) FROM gone", False),
        ("SELECT users.id FROM users FOR UPDATE", False),
        ("SET LOCAL statement_timeout = 1000", False),
    ],
)
def test_only_a_select_counts_as_reading(statement: str, reads: bool) -> None:
    from leerplatform.reads import _reads_only

    assert _reads_only(statement) is reads
