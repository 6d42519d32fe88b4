"""Take your data home, and leave without a trace: checked against every table."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, Text, func, select

from leerplatform.accounts.models import User
from leerplatform.actions import services as actions
from leerplatform.extensions import db
from leerplatform.following import services as following
from leerplatform.forum import services as forum
from leerplatform.forum.models import Post, Thread
from leerplatform.moderation import services as moderation
from leerplatform.privacy.services import NOT_MINE
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, post_form
from tests.factories import make_user

LEAVER = "vertrekker@example.nl"
NAME = "Moeder van Fenna"


def _busy_life(app: Flask) -> int:
    """A person who did a bit of everything; returns their id."""
    with app.app_context():
        host = make_user(email="gastheer@example.nl", display_name="Gastheer", host_of="5515")
        other = make_user(email="ander@example.nl", display_name="Vader van Bo")
        me = make_user(email=LEAVER, display_name=NAME)
        region = region_by_code("5515")
        thread = forum.start_thread(
            region=region, author=me, title="Mijn knelpunt met vervoer", kind="knelpunt",
            themes=["vervoer"], body="De taxi komt te laat.",
        )  # fmt: skip
        reply = forum.reply_to(thread=thread, author=other, body="Herkenbaar.")
        mine = forum.reply_to(thread=thread, author=me, body="Dank je.", parent=reply)
        forum.edit_post(post=mine, body="Dank je wel!", editor=me)
        good = forum.start_thread(
            region=region, author=other, title="Vaste chauffeur helpt", kind="goed_voorbeeld",
            themes=["vervoer"], body="Vraag om een vaste chauffeur.",
        )  # fmt: skip
        forum.recommend(thread=good, user=me)
        following.set_follow(me, "app", region=region)
        forum.reply_to(thread=good, author=other, body="Nog een tip.")
        item = actions.create_item(
            region=region, author=host, title="Vervoer op tijd", description="Samen.",
            themes=["vervoer"], owner=me, threads=[thread],
        )  # fmt: skip
        actions.add_update(item=item, author=me, body="Ik bel de vervoerder.")
        actions.propose(thread=good, user=me, note="Graag een actiepunt.")
        moderation.report(post=reply, reporter=me, reason="anders", note="Klopt niet helemaal.")
        moderation.warn_author(post=mine, host=host, reason="Let op je toon.")
        db.session.commit()
        return me.id


def _as_exported(value: object) -> str:
    """How the export writes what JSON has no type for: dates and times in ISO 8601."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def test_the_export_holds_every_row_that_points_at_the_person(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    user_id = _busy_life(app)
    auth.login(LEAVER)
    response = client.get("/mijn-gegevens/download")
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == LEAVER
    assert "password_hash" not in data["account"]
    with app.app_context():
        # Every row of every table that points at the person is in the export, all columns,
        # with the same values as in the database.
        checked = 0
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if (
                    table.name == "users"
                    or (table.name, column.name) in NOT_MINE
                    or not any(key.column.table.name == "users" for key in column.foreign_keys)
                ):
                    continue
                rows = db.session.execute(select(table).where(column == user_id)).mappings()
                expected = sorted(
                    json.dumps(dict(row), default=_as_exported, sort_keys=True) for row in rows
                )
                exported = sorted(
                    json.dumps(row, sort_keys=True) for row in data[f"{table.name}.{column.name}"]
                )
                assert exported == expected, f"{table.name}.{column.name}"
                checked += len(expected)
        assert checked >= 15
    posts = {p["body_source"] for p in data["posts.author_id"]}
    assert posts >= {"De taxi komt te laat.", "Dank je wel!"}
    revisions = [r["body_source"] for r in data["post_revisions.of_my_posts"]]
    assert revisions == ["Dank je."]
    assert data["reports.reporter_id"][0]["note"] == "Klopt niet helemaal."
    updates = [u["body_source"] for u in data["action_item_updates.author_id"]]
    assert "Ik bel de vervoerder." in updates
    assert data["action_items.owner_id"][0]["title"] == "Vervoer op tijd"
    assert data["follows.user_id"], "what they follow"
    assert data["notifications.user_id"], "their notifications"
    assert data["consent_records.user_id"], "their consent"
    # Others' notifications about what they did are others' data, and mail bodies stay out.
    assert "notifications.actor_id" not in data
    assert all("body_text" not in mail for mail in data["outbox_messages.to_me"])


def _text_columns_holding(value: str) -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                hits = db.session.scalar(
                    select(func.count()).select_from(table).where(column.contains(value))
                )
                if hits:
                    found.append(f"{table.name}.{column.name}")
    return found


@pytest.mark.parametrize("posts", ["houden", "weg"])
def test_after_deleting_the_account_no_table_holds_the_address_or_the_name(
    app: Flask, regions: None, client: FlaskClient, auth: Auth, posts: str
) -> None:
    user_id = _busy_life(app)
    auth.login(LEAVER)
    wrong = post_form(client, "/mijn-gegevens/verwijderen", {"posts": posts, "password": "fout"})
    assert "Dit is niet je wachtwoord." in wrong.get_data(as_text=True)
    response = post_form(
        client,
        "/mijn-gegevens/verwijderen",
        {"posts": posts, "password": "een lange zin als wachtwoord"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert _text_columns_holding(LEAVER) == []
        assert _text_columns_holding(NAME) == []
        thread = db.session.scalar(select(Thread).where(Thread.kind == "knelpunt"))
        replies = db.session.scalars(select(Post).where(Post.author_id.is_(None))).all()
        assert replies, "their posts lose their author"
        if posts == "houden":
            assert thread.title == "Mijn knelpunt met vervoer"
            assert {p.body_source for p in replies} >= {"De taxi komt te laat.", "Dank je wel!"}
        else:
            assert thread.title != "Mijn knelpunt met vervoer"
            assert all(p.body_source == "" and p.deleted_at for p in replies)
            assert thread.reply_count == 1  # the other person's reply stays
    page = client.get("/onderwerp/1").get_data(as_text=True)
    assert client.get("/mijn-gegevens").status_code == 302  # logged out
    assert NAME not in page


def test_purge_removes_unconfirmed_accounts_after_a_week_and_delivered_mail_after_a_month(
    app: Flask, regions: None, runner: object
) -> None:
    from datetime import timedelta

    from leerplatform.clock import utcnow
    from leerplatform.outbox.models import OutboxMessage

    with app.app_context():
        old = make_user(email="oud@example.nl", verified=False)
        new = make_user(email="nieuw@example.nl", verified=False)
        kept = make_user(email="bevestigd@example.nl")
        old.created_at = utcnow() - timedelta(days=8)
        kept.created_at = utcnow() - timedelta(days=400)
        moments = {"oud": 31, "recent": 2}
        for name, days in moments.items():
            db.session.add(
                OutboxMessage(
                    message_id=f"<{name}@example.nl>",
                    to_address="iemand@example.nl",
                    subject=name,
                    body_text="…",
                    status="sent",
                    sent_at=utcnow() - timedelta(days=days),
                )
            )
        db.session.add(
            OutboxMessage(
                message_id="<wacht@example.nl>",
                to_address="iemand@example.nl",
                subject="wacht",
                body_text="…",
                status="pending",
                created_at=utcnow() - timedelta(days=90),
            )
        )
        db.session.commit()
        new_id, kept_id = new.id, kept.id
    result = runner.invoke(args=["privacy", "purge"])  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert "1 unconfirmed accounts and 1 delivered e-mails removed" in result.output
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
        assert "oud@example.nl" not in emails
        assert {db.session.get(User, new_id).email, db.session.get(User, kept_id).email} <= emails
        subjects = set(db.session.scalars(select(OutboxMessage.subject)))
        assert subjects == {"recent", "wacht"}


def test_the_export_leaves_out_every_credential(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    from tests.factories import enable_two_step

    with app.app_context():
        me = make_user(email=LEAVER, display_name=NAME)
        secret = enable_two_step(me)
        db.session.commit()
    auth.login(LEAVER)
    # Logging in now asks for a code; the export is reached through the code step.
    import pyotp

    post_form(client, "/inloggen/code", {"code": pyotp.TOTP(secret).now()})
    body = client.get("/mijn-gegevens/download").get_data(as_text=True)
    data = json.loads(body)
    assert data["account"]["email"] == LEAVER
    assert data["recovery_codes.user_id"], "the recovery codes exist, as rows"
    for secret_name in ("password_hash", "session_token", "totp_secret", "code_hash", "feed_key"):
        assert secret_name not in body
    assert secret not in body


def test_the_privacy_statement_says_what_people_can_do_themselves_and_how_long_we_keep_it(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    assert 'href="/mijn-gegevens"' in page
    assert "Al je gegevens downloaden" in page
    assert "Je account verwijderen. Daarmee trek je ook je toestemming in." in page
    assert "na een week nog niet bevestigd" in page
    assert "bewaren we een maand" in page
    assert "Binnenkort" not in page
