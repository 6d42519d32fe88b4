"""Following through the pages: a reply reaches the followers in the app and by e-mail."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.following.models import Notification
from leerplatform.forum import services as forum
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, Mailbox, deliver_outbox, post_form, text_of
from tests.factories import make_user

ASKER = "vraagsteller@example.nl"
HELPER = "helper@example.nl"


def _thread(app: Flask) -> int:
    with app.app_context():
        asker = make_user(email=ASKER, display_name="Moeder van Noor")
        make_user(email=HELPER, display_name="Vader van Tim")
        asker.email_frequency = "direct"
        thread = forum.start_thread(
            region=region_by_code("5515"),
            author=asker,
            title="Wie kent een logeerhuis met tilliften?",
            kind="vraag",
            themes=["logeren"],
            body="We zoeken een plek met tillift.",
        )
        db.session.commit()
        return thread.id


def test_a_reply_notifies_the_asker_in_the_app_and_by_mail_with_unsubscribe_headers(
    app: Flask, regions: None, client: FlaskClient, auth: Auth, mailbox: Mailbox
) -> None:
    thread_id = _thread(app)
    auth.login(HELPER)
    post_form(
        client,
        f"/onderwerp/{thread_id}/reageren",
        {"body": "Het Kompas heeft er twee.", "action": "post"},
        token_page=f"/onderwerp/{thread_id}",
    )
    auth.logout()

    assert deliver_outbox(app) >= 1
    mail = mailbox.last_to(ASKER)
    assert "Wie kent een logeerhuis met tilliften?" in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<http://localhost(/afmelden/[^>]+)>", mail["List-Unsubscribe"])
    assert unsubscribe
    body = text_of(mail)
    assert "Het Kompas heeft er twee." in body
    assert "Vader van Tim" in body

    auth.login(ASKER)
    home = client.get("/").get_data(as_text=True)
    assert 'Meldingen <span class="lp-count">1' in home
    listing = client.get("/meldingen").get_data(as_text=True)
    assert "Vader van Tim reageerde in" in listing
    with app.app_context():
        notification = db.session.scalar(select(Notification))
    # The link in a mail only leads the way; opening it in the app marks it read.
    followed = client.get(f"/meldingen/{notification.id}")
    assert followed.status_code == 302
    assert "/bericht/" in followed.headers["Location"]
    assert 'Meldingen <span class="lp-count">1' in client.get("/").get_data(as_text=True)
    opened = post_form(client, f"/meldingen/{notification.id}", {}, token_page="/meldingen")
    assert opened.status_code == 302
    assert "/bericht/" in opened.headers["Location"]
    assert "lp-count" not in client.get("/").get_data(as_text=True)
    auth.logout()

    # One click from the mail program, without logging in and without a CSRF token.
    assert client.post(unsubscribe.group(1)).status_code == 200
    with app.app_context():
        asker = db.session.scalar(select(User).where(User.email == ASKER))
        assert asker.email_frequency == "nooit"


def test_muting_a_thread_stops_its_notifications(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    thread_id = _thread(app)
    auth.login(ASKER)
    post_form(
        client,
        f"/onderwerp/{thread_id}/volgen",
        {"niveau": "gedempt"},
        token_page=f"/onderwerp/{thread_id}",
    )
    auth.logout()
    auth.login(HELPER)
    post_form(
        client,
        f"/onderwerp/{thread_id}/reageren",
        {"body": "Probeer De Vuurtoren.", "action": "post"},
        token_page=f"/onderwerp/{thread_id}",
    )
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 0
