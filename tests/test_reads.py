"""A request that only read commits its transaction (so PostgreSQL keeps the prepared
statements); one that changed anything and did not commit is rolled back, as before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text, update

from leerplatform import end_session_quietly, reads
from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.forum import services as forum
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


def test_json_rows_brings_several_rows_as_one_column_with_their_values_intact(
    app: Flask, regions: None
) -> None:
    """Text with quotes and accents, numbers, true and false, a timestamp and nothing come
    back as they went in, on SQLite and on PostgreSQL; no rows at all read as none."""
    with app.app_context():
        moment = datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=UTC)
        names = ['Moeder van "Ties"', "Zoë\nen Daan"]
        for number, name in enumerate(names):
            user = make_user(display_name=name)
            user.created_at = moment + timedelta(days=number)
            user.totp_secret = None
            user.is_admin = number == 1
        db.session.commit()
        shown = (
            select(User.id, User.display_name, User.is_admin, User.created_at, User.totp_secret)
            .where(User.display_name.in_(names))
            .subquery()
        )
        value = db.session.scalar(select(reads.json_rows(*shown.c)))
        rows = sorted(reads.json_rows_of(value), key=lambda row: row[3])
        assert [(row[1], bool(row[2]), reads.json_datetime(row[3]), row[4]) for row in rows] == [
            (names[0], False, moment, None),
            (names[1], True, moment + timedelta(days=1), None),
        ]
        assert all(isinstance(row[0], int) for row in rows)
        nothing = shown.element.where(User.id < 0).subquery()
        assert reads.json_rows_of(db.session.scalar(select(reads.json_rows(*nothing.c)))) == []


def test_json_datetime_reads_both_databases_ways_of_writing_a_moment() -> None:
    expected = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    assert reads.json_datetime("2026-12-04T09:30:00+00:00") == expected
    assert reads.json_datetime("2026-12-04T10:30:00+01:00") == expected
    assert reads.json_datetime("2026-12-04 09:30:00.000000") == expected


@pytest.mark.postgres
def test_postgresql_plans_the_busy_pages_statements_once_per_connection(
    app: Flask, client: FlaskClient, auth: Auth, regions: None
) -> None:
    """psycopg prepares a statement after its fifth run; PostgreSQL then keeps one plan for it
    unless the plan depends on a parameter's value (a LIMIT, a constant passed as a value),
    and then plans it anew on every request. The region and thread pages must not."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements and their plans are PostgreSQL's")
        reader = make_user(email="lezer@example.nl")
        thread = forum.start_thread(
            region=reader.home_region,
            author=reader,
            title="Logeren in de zomer",
            kind="goed_voorbeeld",
            themes=["logeren"],
            body="Het logeerhuis is open.",
        )
        db.session.commit()
        pages = ["/regio/5515", "/landelijk", f"/onderwerp/{thread.id}"]
    auth.login("lezer@example.nl")
    for _ in range(12):
        for page in pages:
            assert client.get(page).status_code == 200
    with app.app_context():
        plans = db.session.execute(
            text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        ).all()
    busy = [row for row in plans if row.statement.startswith(("SELECT regions", "SELECT threads"))]
    assert len(busy) >= 3, plans
    planned_anew = [row.statement[:120] for row in busy if row.custom_plans > 5]
    assert planned_anew == []
    # On this little data PostgreSQL may keep one plan anyway; on a lot of data a LIMIT or
    # OFFSET as a parameter made it plan anew every time.
    limit_as_parameter = [
        row.statement[:120] for row in busy if re.search(r"\b(LIMIT|OFFSET) \$\d", row.statement)
    ]
    assert limit_as_parameter == []
