"""The first run: demo content that loads once, and every demo account logs in."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from leerplatform import create_app
from leerplatform.accounts.models import User
from leerplatform.clock import utcnow
from leerplatform.demo.forum import PARTICIPANTS, load_forum_demo
from leerplatform.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_email, load_demo
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Recommendation, Theme, Thread, ThreadKind, ThreadTheme
from leerplatform.regions.models import Region
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth


def test_demo_loads_once(
    runner: FlaskCliRunner, client: FlaskClient, auth: Auth, app: Flask
) -> None:
    """One load serves several checks: the whole demo takes a few seconds to make."""
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "ouder@demo.leerplatform.nl" in first.output
    assert "deelnemer-01@demo.leerplatform.nl" in first.output
    assert "Demo-onderwerpen:" in first.output

    for role in [role for role, *_ in DEMO_ACCOUNTS] + ["deelnemer-01"]:
        response = auth.login(demo_email(role), DEMO_PASSWORD)
        assert response.status_code == 302, role
        assert response.headers["Location"] == "/", role
        assert client.get("/mijn-gegevens").status_code == 200, role
        auth.logout()

    with app.app_context():
        hosts = [user.email for user in region_by_code("5515").hosts]
    assert hosts == ["gastheer@demo.leerplatform.nl"]

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "al geladen" in second.output


def _counts() -> dict[str, int]:
    def count(model: type[db.Model]) -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "users": count(User),
        "threads": count(Thread),
        "posts": count(Post),
        "recommendations": count(Recommendation),
    }


def test_demo_forum_has_a_bit_of_everything(app: Flask) -> None:
    """Loaded once, checked for many things at the same time."""
    with app.app_context():
        assert len(load_demo()) == len(DEMO_ACCOUNTS) + len(PARTICIPANTS)
        db.session.commit()
        before = _counts()

        threads = db.session.scalars(select(Thread).where(Thread.is_demo.is_(True))).all()
        assert len(threads) >= 250
        assert before["threads"] == len(threads)

        all_codes = set(db.session.scalars(select(Region.code)))
        codes_with_threads = set(
            db.session.scalars(select(Region.code).join(Thread, Thread.region_id == Region.id))
        )
        assert len(all_codes) == 32
        assert codes_with_threads == all_codes
        per_region = Counter(thread.region_id for thread in threads)
        amsterdam, national = region_by_code("5515"), region_by_code("landelijk")
        busiest = {region_id for region_id, _n in per_region.most_common(2)}
        assert busiest == {amsterdam.id, national.id}
        assert any(t.is_pinned for t in threads if t.region_id == amsterdam.id)
        assert len({(t.region_id, t.title) for t in threads}) == len(threads)

        assert {t.kind for t in threads} == {kind.value for kind in ThreadKind}
        themes = set(db.session.scalars(select(ThreadTheme.theme)))
        assert themes == {theme.value for theme in Theme}
        assert all(1 <= len(t.theme_links) <= 3 for t in threads)

        posts = db.session.scalars(select(Post)).all()
        assert max(post.depth for post in posts) >= 3
        assert max(t.reply_count for t in threads) >= 30

        questions = [t for t in threads if t.kind == ThreadKind.VRAAG.value]
        answered = [t for t in questions if t.has_accepted_answer]
        assert 0.5 * len(questions) <= len(answered) < len(questions)
        accepted_posts = [post for post in posts if post.accepted_at is not None]
        assert {post.thread_id for post in accepted_posts} == {t.id for t in answered}
        assert len(accepted_posts) == len(answered)

        recommended = dict(
            db.session.execute(
                select(Recommendation.thread_id, func.count()).group_by(Recommendation.thread_id)
            ).all()
        )
        practices = [t for t in threads if t.kind == ThreadKind.GOED_VOORBEELD.value]
        assert any(t.recommendation_count > 0 for t in practices)
        assert max(t.recommendation_count for t in practices) <= 15
        assert all(t.recommendation_count == recommended.get(t.id, 0) for t in threads)
        assert set(recommended) <= {t.id for t in practices}
        authors = {t.id: t.author_id for t in threads}
        assert not db.session.scalar(
            select(func.count())
            .select_from(Recommendation)
            .join(Thread, Thread.id == Recommendation.thread_id)
            .where(Recommendation.user_id == Thread.author_id)
        )

        replies = (
            select(Thread.id, Thread.reply_count, func.count(Post.id))
            .outerjoin(Post, (Post.thread_id == Thread.id) & Post.is_opening.is_(False))
            .group_by(Thread.id, Thread.reply_count)
        )
        assert [row for row in db.session.execute(replies) if row[1] != row[2]] == []

        now = utcnow()
        by_id = {post.id: post for post in posts}
        by_thread = {t.id: t for t in threads}
        for post in posts:
            thread = by_thread[post.thread_id]
            assert post.created_at <= now
            if post.is_opening:
                assert post.created_at == thread.created_at
                assert post.author_id == authors[thread.id]
            else:
                parent_time = by_id[post.parent_id].created_at if post.parent_id else None
                assert post.created_at > (parent_time or thread.created_at)
        latest: dict[int, datetime] = {}
        for post in posts:
            latest[post.thread_id] = max(
                latest.get(post.thread_id, post.created_at), post.created_at
            )
        assert all(t.last_activity_at == latest[t.id] for t in threads)
        assert min(t.created_at for t in threads) < now - timedelta(days=240)

        assert load_demo() == []
        assert load_forum_demo() == 0
        db.session.commit()
        assert _counts() == before


def test_demo_content_is_never_loaded_in_production(schema: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "DEMO_ALLOWED": False,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "nooit in productie" in result.output
