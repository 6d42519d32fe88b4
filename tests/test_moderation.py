"""Moderation through the pages: report, decide, suspend, move, and the log that records it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from leerplatform.actions import services as actions
from leerplatform.extensions import db
from leerplatform.following.models import Follow
from leerplatform.forum import services as forum
from leerplatform.forum.models import Post, Thread
from leerplatform.moderation.models import AuditEntry, Report
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, Mailbox, deliver_outbox, post_form, text_of
from tests.factories import make_user

HOST = "gastvrouw@example.nl"
AUTHOR = "schrijver@example.nl"
READER = "lezer@example.nl"


def _world(app: Flask) -> tuple[int, int]:
    """A host of Amsterdam, an author with a thread and a reply, and a reader."""
    with app.app_context():
        host = make_user(email=HOST, display_name="Gastvrouw", host_of="5515")
        author = make_user(email=AUTHOR, display_name="Vader van Tim")
        make_user(email=READER, display_name="Moeder van Noor")
        thread = forum.start_thread(
            region=region_by_code("5515"),
            author=host,
            title="Ervaringen met logeerhuizen",
            kind="ervaring",
            themes=["logeren"],
            body="Deel hier je ervaringen.",
        )
        post = forum.reply_to(
            thread=thread, author=author, body="Onze Tim Jansen (3 mei 2015) logeert bij De Linde."
        )
        db.session.commit()
        return thread.id, post.id


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_report_reaches_the_queue_and_hiding_tells_the_author_why(
    app: Flask, regions: None, client: FlaskClient, auth: Auth, mailbox: Mailbox
) -> None:
    thread_id, post_id = _world(app)
    auth.login(READER)
    for _twice in range(2):
        post_form(
            client,
            f"/bericht/{post_id}/melden",
            {"reason": "privacy", "note": "Naam en geboortedatum van een kind."},
        )
    assert _count(app, Report) == 1
    auth.logout()

    auth.login(HOST)
    queue = client.get("/regio/5515/moderatie").get_data(as_text=True)
    assert "Naam en geboortedatum van een kind." in queue
    with app.app_context():
        report_id = db.session.scalar(select(Report.id))
    empty = post_form(client, f"/melding/{report_id}", {"decision": "verbergen", "reason": ""})
    assert "Schrijf waarom." in empty.get_data(as_text=True)
    assert _count(app, AuditEntry) == 0
    post_form(
        client,
        f"/melding/{report_id}",
        {"decision": "verbergen", "reason": "Er staan naam en geboortedatum van een kind in."},
    )
    assert _count(app, AuditEntry) == 1
    auth.logout()

    auth.login(READER)
    page = client.get(f"/onderwerp/{thread_id}").get_data(as_text=True)
    assert "Tim Jansen" not in page
    assert "verborgen door een gastheer of gastvrouw" in page
    auth.logout()
    auth.login(AUTHOR)
    own = client.get(f"/onderwerp/{thread_id}").get_data(as_text=True)
    assert "Tim Jansen" in own
    assert "Er staan naam en geboortedatum van een kind in." in own
    auth.logout()

    deliver_outbox(app)
    mail = text_of(mailbox.last_to(AUTHOR))
    assert "Er staan naam en geboortedatum van een kind in." in mail
    assert "niet mee eens" in mail


def test_a_suspended_participant_reads_but_cannot_post_and_keeps_what_they_typed(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    thread_id, post_id = _world(app)
    auth.login(HOST)
    post_form(
        client,
        f"/bericht/{post_id}/schorsen",
        {"days": "7", "reason": "Herhaaldelijk persoonsgegevens van kinderen."},
    )
    assert _count(app, AuditEntry) == 1
    auth.logout()

    auth.login(AUTHOR)
    assert client.get(f"/onderwerp/{thread_id}").status_code == 200
    refused = post_form(
        client,
        f"/onderwerp/{thread_id}/reageren",
        {"body": "Mijn lange reactie die niet verloren mag gaan.", "action": "post"},
        token_page=f"/onderwerp/{thread_id}",
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Herhaaldelijk persoonsgegevens van kinderen." in page
    assert "Mijn lange reactie die niet verloren mag gaan." in page
    assert _count(app, Post) == 2


def test_a_moved_thread_keeps_replies_links_followers_and_the_log_has_one_entry(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    thread_id, _post_id = _world(app)
    with app.app_context():
        from leerplatform.accounts.models import User

        host = db.session.scalar(select(User).where(User.email == HOST))
        thread = db.session.get(Thread, thread_id)
        item = actions.create_item(
            region=thread.region,
            author=host,
            title="Logeerplekken",
            description="Samen zoeken.",
            themes=["logeren"],
            threads=[thread],
        )
        db.session.commit()
        item_id = item.id
        followers = db.session.scalar(
            select(func.count()).select_from(Follow).where(Follow.thread_id == thread_id)
        )
    auth.login(HOST)
    post_form(
        client,
        f"/onderwerp/{thread_id}/beheren",
        {"action": "verplaatsen", "region": "5513", "reason": "Gaat over Kennemerland."},
    )
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread.region.code == "5513"
        assert thread.reply_count == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(Follow).where(Follow.thread_id == thread_id)
            )
            == followers
        )
        assert [
            link.thread_id for link in actions.links_of(db.session.get(type(item), item_id))
        ] == [thread_id]
        entries = db.session.scalars(select(AuditEntry)).all()
        assert [(e.action, e.reason, e.region.code) for e in entries] == [
            ("verplaatsen", "Gaat over Kennemerland.", "5515")
        ]
    log = client.get("/regio/5515/logboek?format=csv")
    assert log.mimetype == "text/csv"
    assert "Gaat over Kennemerland." in log.get_data(as_text=True)
