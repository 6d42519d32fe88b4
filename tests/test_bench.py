"""The benchmark's own parts: the data set it seeds, the ceiling page and the query counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from leerplatform import create_app
from leerplatform.accounts.models import User
from leerplatform.actions.models import ActionItem
from leerplatform.bench.seed import BENCH_EMAIL, BENCH_PASSWORD, Sizes, seed
from leerplatform.config import ConfigError
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread
from leerplatform.places.models import Place
from tests.conftest import Auth, Mailbox
from tests.factories import make_user

SMALL = Sizes(users=60, threads=120, posts=1_500, big_thread_replies=90, action_items=40, places=20)


@pytest.fixture
def bench_app(schema: str, smtp_server: Mailbox, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": schema,
            "MAIL_PORT": smtp_server.port,
            "RATELIMIT_ENABLED": False,
            "TWO_STEP_REQUIRED_FOR_MODERATORS": False,
            "BENCH": True,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def is_postgresql(app: Flask) -> bool:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql"


def test_without_the_bench_setting_there_is_no_ceiling_and_no_count(
    app: Flask, client: FlaskClient, regions: None
) -> None:
    assert client.get("/bench/plafond?regio=5515").status_code == 404
    assert "X-Query-Count" not in client.get("/healthz").headers


def test_production_refuses_the_bench_setting() -> None:
    with pytest.raises(ConfigError, match="LEERPLATFORM_BENCH"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "x" * 40,
                "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db.example/lp",
                "TWO_STEP_REQUIRED_FOR_MODERATORS": True,
                "BENCH": True,
            }
        )


def test_the_ceiling_shows_a_regions_latest_threads_with_one_query(bench_app: Flask) -> None:
    from leerplatform.forum.services import start_thread
    from leerplatform.regions.services import import_reference_data, region_by_code

    with bench_app.app_context():
        import_reference_data()
        author = make_user(email="schrijver@example.nl", display_name="Moeder van Ties")
        for code, title in (("5515", "Logeren in Amsterdam-Noord"), ("5513", "Ergens anders")):
            region = region_by_code(code)
            assert region is not None
            start_thread(
                region=region, author=author, title=title, kind="ervaring",
                themes=["logeren"], body="Zo ging het bij ons.",
            )  # fmt: skip
        db.session.commit()
    response = bench_app.test_client().get("/bench/plafond?regio=5515")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Logeren in Amsterdam-Noord" in page
    assert "Moeder van Ties" in page
    assert "Ergens anders" not in page
    assert response.headers["X-Query-Count"] == "1"


def test_every_response_says_how_many_statements_it_ran(bench_app: Flask) -> None:
    response = bench_app.test_client().get("/healthz")
    assert response.headers["X-Query-Count"] == "1"


def test_seeding_needs_postgresql(app: Flask) -> None:
    if is_postgresql(app):
        pytest.skip("this checks the refusal on SQLite")
    result = app.test_cli_runner().invoke(args=["bench", "seed", "--users", "5"])
    assert result.exit_code != 0
    assert "PostgreSQL" in result.output


def test_seeding_is_refused_in_production(app: Flask) -> None:
    app.config["DEMO_ALLOWED"] = False
    result = app.test_cli_runner().invoke(args=["bench", "seed", "--users", "5"])
    assert result.exit_code != 0
    assert "productie" in result.output


@pytest.fixture
def seeded(bench_app: Flask) -> int:
    if not is_postgresql(bench_app):
        pytest.skip("seeding uses COPY: run with TEST_DATABASE_URL=postgresql+psycopg://…")
    with bench_app.app_context():
        result = seed(sizes=SMALL, progress=lambda _step, _rows: None)
        db.session.commit()
        return result.big_thread_id


def test_the_seed_writes_the_sizes_asked_for(bench_app: Flask, seeded: int) -> None:
    with bench_app.app_context():

        def count(model: type) -> int:
            return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

        assert count(User) == SMALL.users
        assert count(Thread) == SMALL.threads
        assert count(Post) == SMALL.posts
        assert count(ActionItem) == SMALL.action_items
        assert count(Place) == SMALL.places
        big = db.session.get(Thread, seeded)
        assert big is not None
        assert big.reply_count == SMALL.big_thread_replies


def test_the_seeded_counters_match_the_rows(bench_app: Flask, seeded: int) -> None:
    with bench_app.app_context():
        wrong_threads = db.session.scalar(
            text(
                "SELECT count(*) FROM threads t WHERE reply_count <> (SELECT count(*) FROM posts p"
                " WHERE p.thread_id = t.id AND NOT p.is_opening) OR last_activity_at <>"
                " (SELECT max(created_at) FROM posts p WHERE p.thread_id = t.id)"
                " OR recommendation_count <> (SELECT count(*) FROM recommendations r"
                " WHERE r.thread_id = t.id)"
            )
        )
        wrong_items = db.session.scalar(
            text(
                "SELECT count(*) FROM action_items a WHERE update_count <> (SELECT count(*)"
                " FROM action_item_updates u WHERE u.action_item_id = a.id) OR last_activity_at"
                " <> (SELECT max(created_at) FROM action_item_updates u"
                " WHERE u.action_item_id = a.id)"
            )
        )
        wrong_tree = db.session.scalar(
            text(
                "SELECT count(*) FROM posts c JOIN posts p ON p.id = c.parent_id"
                " WHERE c.depth <> p.depth + 1 OR c.root_id <> p.root_id"
                " OR c.path <> p.path || lpad(c.id::text, 10, '0') || '/'"
            )
        )
    assert (wrong_threads, wrong_items, wrong_tree) == (0, 0, 0)


def test_the_app_writes_after_the_seeded_rows(bench_app: Flask, seeded: int) -> None:
    """The sequences were moved past the ids the seed gave: a new reply gets a fresh id."""
    from leerplatform.forum.services import reply_to

    with bench_app.app_context():
        thread = db.session.get(Thread, seeded)
        author = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
        assert thread is not None
        assert author is not None
        reply = reply_to(thread=thread, author=author, body="Nog een ervaring.")
        db.session.commit()
        assert reply.id == SMALL.posts + int(db.session.scalar(select(func.min(Post.id))) or 0)
        assert thread.reply_count == SMALL.big_thread_replies + 1


def test_the_bench_account_reads_the_big_thread(bench_app: Flask, seeded: int) -> None:
    client = bench_app.test_client()
    Auth(client).login(BENCH_EMAIL, BENCH_PASSWORD)
    response = client.get(f"/onderwerp/{seeded}")
    assert response.status_code == 200
    assert "Wachtlijst dagbesteding" in response.get_data(as_text=True)
    assert int(response.headers["X-Query-Count"]) > 1
