"""Following and notifications end to end: real SMTP, retries, two workers, digests, one-click
unsubscribe, follow levels through the routes, the notification list, query pins and feeds."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import make_url

from leerplatform.accounts.models import User
from leerplatform.actions.models import ActionItem
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following import services as following
from leerplatform.following.models import Follow, Notification
from leerplatform.forum import services as forum
from leerplatform.forum.models import Thread
from leerplatform.outbox.cli import deliver_due
from leerplatform.outbox.models import OutboxMessage
from leerplatform.outbox.services import retry_delay
from leerplatform.regions.services import region_by_code
from tests.conftest import (
    Mailbox,
    csrf_token,
    deliver_outbox,
    free_port,
    link_in,
    post_form,
    text_of,
)
from tests.factories import PASSWORD, make_user

AMSTERDAM = "5515"
GRONINGEN = "5501"
TOKEN_PAGE = "/meldingen"
"""Any page with a form carries the session's CSRF token (the log-out button in the header)."""

REPLY_QUERIES = 13
"""A reply through the route, everything included: the signed-in person with memberships and
host appointments, the thread, the submission check, the post and its counters, auto-follow,
one INSERT … SELECT for all followers, the commit, and the reads for the redirect to the post.
Measured 13 on SQLite, for 2 followers and for 1,000. Lower is fine; higher means a reply
started doing more."""

HEADER_QUERIES = 3
"""The regions page for a signed-in person, the unread count in the header included (it comes
with the person, in the query that loads them). Measured 3 on SQLite, for 0 and for 500 unread
notifications."""


# Helpers


def person(app: Flask, email: str, name: str, frequency: str = "direct", **overrides: Any) -> int:
    """A participant (verified, Amsterdam unless told) who gets e-mail as ``frequency``."""
    with app.app_context():
        user = make_user(email=email, display_name=name, **overrides)
        user.email_frequency = frequency
        db.session.commit()
        return user.id


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A browser of its own, logged in as ``email``."""
    client = app.test_client()
    response = post_form(client, "/inloggen", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def start_thread(app: Flask, author: str, title: str, code: str = AMSTERDAM) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == author))
        thread = forum.start_thread(
            region=region_by_code(code),
            author=user,
            title=title,
            kind="vraag",
            themes=["logeren"],
            body=f"Openingsbericht van {title}.",
        )
        db.session.commit()
        return thread.id


def reply(client: FlaskClient, thread_id: int, body: str) -> Any:
    response = post_form(
        client,
        f"/onderwerp/{thread_id}/reageren",
        {"body": body, "action": "post"},
        token_page=TOKEN_PAGE,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def follow(client: FlaskClient, path: str, level: str) -> Any:
    response = post_form(client, path, {"niveau": level}, token_page=TOKEN_PAGE)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def notes(app: Flask, email: str) -> list[Any]:
    """Someone's notifications, oldest first, as plain rows."""
    with app.app_context():
        return list(
            db.session.execute(
                select(
                    Notification.id,
                    Notification.kind,
                    Notification.mail_state,
                    Notification.read_at,
                    Notification.thread_id,
                    Notification.post_id,
                    Notification.action_item_id,
                )
                .join(User, User.id == Notification.user_id)
                .where(User.email == email)
                .order_by(Notification.id)
            ).all()
        )


def kinds(app: Flask, email: str) -> list[str]:
    return [n.kind for n in notes(app, email)]


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def follow_level_of(app: Flask, email: str, **target: int) -> str | None:
    with app.app_context():
        column, target_id = {
            "thread": (Follow.thread_id, target.get("thread")),
            "item": (Follow.action_item_id, target.get("item")),
            "region": (Follow.region_id, target.get("region")),
        }[next(iter(target))]
        return db.session.scalar(
            select(Follow.level)
            .join(User, User.id == Follow.user_id)
            .where(User.email == email, column == target_id)
        )


def region_id(app: Flask, code: str) -> int:
    with app.app_context():
        return region_by_code(code).id


def make_due(app: Flask) -> None:
    """Time passes: every pending message is due again."""
    with app.app_context():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def outbox_rows(app: Flask) -> list[Any]:
    with app.app_context():
        return list(
            db.session.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.message_id,
                    OutboxMessage.to_address,
                    OutboxMessage.status,
                    OutboxMessage.attempts,
                    OutboxMessage.next_attempt_at,
                    OutboxMessage.last_error,
                ).order_by(OutboxMessage.id)
            ).all()
        )


def is_postgresql(app: Flask) -> bool:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql"


def html_of(message: Message) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "no HTML part"
    return part.get_content()


def make_item(client: FlaskClient, thread_id: int, owner_id: int | None = None) -> int:
    """A host makes an action item of a thread, through the page."""
    response = post_form(
        client,
        f"/actiepunt/nieuw?onderwerp={thread_id}",
        {
            "title": "Logeerplek met nachtzorg",
            "description": "Twee aanbieders zoeken samen een oplossing.",
            "themes": ["logeren"],
            "owner": str(owner_id or 0),
        },
        token_page=TOKEN_PAGE,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/actiepunt/(\d+)", response.headers["Location"])
    assert match
    return int(match.group(1))


def set_status(app: Flask, client: FlaskClient, item_id: int, status: str, note: str) -> None:
    with app.app_context():
        version = db.session.get(ActionItem, item_id).version
    response = post_form(
        client,
        f"/actiepunt/{item_id}/status",
        {"status": status, "note": note, "version": str(version)},
        token_page=TOKEN_PAGE,
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def add_progress(client: FlaskClient, item_id: int, body: str) -> None:
    response = post_form(
        client, f"/actiepunt/{item_id}/voortgang", {"body": body}, token_page=TOKEN_PAGE
    )
    assert response.status_code == 302, response.get_data(as_text=True)


ASKER = "asker@example.nl"
HELPER = "helper@example.nl"
TITLE = "Wie kent een logeerhuis met tilliften?"


def asked_and_answered(app: Flask, asker_frequency: str = "direct") -> tuple[int, FlaskClient]:
    """The asker starts a thread; the helper replies through the page. (thread id, helper)"""
    person(app, ASKER, "Moeder van Noor", asker_frequency)
    person(app, HELPER, "Vader van Tim")
    thread_id = start_thread(app, ASKER, TITLE)
    helper = signed_in(app, HELPER)
    reply(helper, thread_id, "Het Kompas heeft er **twee**.")
    return thread_id, helper


# 1. A mail per event over real SMTP


def test_a_mail_per_event_arrives_over_smtp_with_its_headers_and_a_link_to_the_post(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    thread_id, _helper = asked_and_answered(app)
    before = utcnow()
    assert mailbox.messages == []  # queued in the outbox, not sent yet
    assert deliver_outbox(app) == 1
    assert deliver_outbox(app) == 0  # never twice
    [mail] = mailbox.to(ASKER)
    assert len(mailbox.messages) == 1  # the helper wrote it: no mail to the helper

    assert mail["Subject"] == f"Nieuwe reactie bij “{TITLE}”"
    assert mail["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert mail["To"] == ASKER
    assert mail["X-Envelope-To"] == ASKER
    [stored] = outbox_rows(app)
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", mail["Message-ID"])
    assert mail["Message-ID"] == stored.message_id
    assert re.search(r" [+-]\d{4}$", mail["Date"]), mail["Date"]  # "-0000": in UTC
    sent_at = parsedate_to_datetime(mail["Date"]).replace(tzinfo=UTC)
    assert abs(sent_at - before) < timedelta(minutes=2)
    assert mail.is_multipart()
    assert mail.get_body(preferencelist=("plain",)) is not None

    base = app.config["BASE_URL"]
    # A long header is folded onto its own line; unfolded, that leaves leading whitespace.
    unsubscribe = mail["List-Unsubscribe"].strip()
    header = re.fullmatch(rf"<{re.escape(base)}(/afmelden/[^>\s]+)>", unsubscribe)
    assert header, unsubscribe
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    text, html = text_of(mail), html_of(mail)
    assert "Hallo Moeder van Noor," in text
    assert f"Vader van Tim reageerde in “{TITLE}”." in text
    assert "Het Kompas heeft er" in text  # the excerpt (see the test on readable quotes)
    assert "Het Kompas heeft er" in html
    assert base + header.group(1) in text  # the same unsubscribe link in the body
    link = link_in(mail, "/meldingen/")
    assert f'href="{base}{link}"' in html
    [notification] = notes(app, ASKER)
    assert link == f"/meldingen/{notification.id}"
    assert notification.mail_state == "verstuurd"
    assert notification.read_at is None

    # The link in the mail, in a browser that is not logged in: log in first, then the post.
    browser = app.test_client()
    to_login = browser.get(link)
    assert to_login.status_code == 302
    assert to_login.headers["Location"].startswith("/inloggen")
    assert notes(app, ASKER)[0].read_at is None
    logged_in = post_form(
        browser,
        to_login.headers["Location"],
        {"email": ASKER, "password": PASSWORD},
        token_page="/inloggen",
    )
    assert logged_in.headers["Location"] == link
    landed = browser.get(link, follow_redirects=True)
    assert landed.status_code == 200
    assert [r.request.path for r in landed.history] == [
        link,
        f"/bericht/{notification.post_id}",
    ]
    assert landed.request.path == f"/onderwerp/{thread_id}"
    page = landed.get_data(as_text=True)
    assert "Het Kompas heeft er <strong>twee</strong>." in page
    assert f'id="bericht-{notification.post_id}"' in page
    # Following a link (a GET) changes nothing: a mail scanner that opens every link must not
    # mark anything read. In the app, opening the notification (a POST) does.
    assert notes(app, ASKER)[0].read_at is None
    post_form(browser, link, {}, token_page="/meldingen")
    assert notes(app, ASKER)[0].read_at is not None
    assert "lp-count" not in browser.get("/").get_data(as_text=True)


@dataclass
class FlakyServer:
    """A real SMTP server that answers 451 (try again later) to the first ``refusals`` mails."""

    refusals: int
    seen: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = (envelope.original_content or envelope.content).decode()
        message_id = re.search(r"^Message-ID: (.+?)\r?$", content, re.MULTILINE | re.IGNORECASE)
        assert message_id
        self.seen.append(message_id.group(1).strip())
        if len(self.seen) <= self.refusals:
            return "451 4.3.0 Try again later"
        self.accepted.append(message_id.group(1).strip())
        return "250 Message accepted for delivery"


def test_the_message_id_stays_the_same_when_the_server_asks_to_try_again(
    app: Flask, regions: None
) -> None:
    asked_and_answered(app)
    flaky = FlakyServer(refusals=2)
    controller = Controller(flaky, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config["MAIL_PORT"] = controller.port
        assert deliver_outbox(app) == 0
        make_due(app)
        assert deliver_outbox(app) == 0
        make_due(app)
        assert deliver_outbox(app) == 1
        make_due(app)
        assert deliver_outbox(app) == 0
    finally:
        controller.stop()
    [stored] = outbox_rows(app)
    assert stored.status == "sent"
    assert stored.attempts == 3
    assert flaky.seen == [stored.message_id] * 3
    assert flaky.accepted == [stored.message_id]


def test_mails_quote_the_post_as_readable_text_without_html_tags(
    app: Flask, regions: None, mailbox: Mailbox, runner: FlaskCliRunner
) -> None:
    person(app, "dagelijks@example.nl", "Dagelijkse Daan", "dagelijks")
    thread_id, _helper = asked_and_answered(app)
    follow(signed_in(app, "dagelijks@example.nl"), f"/onderwerp/{thread_id}/volgen", "alles")
    reply(signed_in(app, HELPER), thread_id, "Bel *vandaag* nog: **020 123 4567**.")
    runner.invoke(args=["digest", "send"])
    deliver_outbox(app)
    per_event = mailbox.to(ASKER)
    assert len(per_event) == 2
    digest = mailbox.last_to("dagelijks@example.nl")
    for mail, quote in [
        (per_event[0], "Het Kompas heeft er twee."),
        (digest, "Bel vandaag nog: 020 123 4567."),
    ]:
        text = text_of(mail)
        assert quote in text
        assert "<" not in text.replace("<http", "")
        html = html_of(mail)
        assert "&lt;" not in html  # no tags shown as text; formatting them is fine
        assert quote in re.sub(r"<[^>]+>", "", html)


def test_feed_summaries_are_readable_text_without_html_tags(app: Flask, regions: None) -> None:
    person(app, ASKER, "Moeder van Noor")
    with app.app_context():
        asker = db.session.scalar(select(User).where(User.email == ASKER))
        forum.start_thread(
            region=region_by_code(AMSTERDAM),
            author=asker,
            title=TITLE,
            kind="vraag",
            themes=["logeren"],
            body="Wij zoeken **dringend** een plek.",
        )
        db.session.commit()
    token = _feed_token(signed_in(app, ASKER))
    [entry] = _atom(app.test_client(), f"/feeds/regio/{AMSTERDAM}.atom?token={token}").entries
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary == "Wij zoeken dringend een plek."


# 2. The SMTP server is down


def test_with_the_mail_server_down_nothing_is_lost_and_it_is_delivered_once_when_back(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    asked_and_answered(app)
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens there

    delays = []
    for attempt in (1, 2, 3):
        tried_at = utcnow()
        assert deliver_outbox(app) == 0
        [row] = outbox_rows(app)
        assert row.status == "pending"
        assert row.attempts == attempt
        assert row.last_error
        delay = row.next_attempt_at - tried_at
        assert retry_delay(attempt) <= delay < retry_delay(attempt) + timedelta(seconds=30)
        delays.append(delay)
        assert deliver_outbox(app) == 0  # not due yet: no new try
        assert outbox_rows(app)[0].attempts == attempt
        make_due(app)
    assert delays == sorted(delays)
    assert delays[0] < delays[-1]
    # The notification was queued once; the mail waits in the outbox.
    [notification] = notes(app, ASKER)
    assert notification.mail_state == "verstuurd"
    assert mailbox.messages == []

    app.config["MAIL_PORT"] = working_port
    assert deliver_outbox(app) == 1
    make_due(app)
    assert deliver_outbox(app) == 0
    assert len(mailbox.to(ASKER)) == 1
    assert len(outbox_rows(app)) == 1
    assert outbox_rows(app)[0].status == "sent"


def test_after_the_last_try_the_mail_is_marked_failed_and_not_sent_later(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    asked_and_answered(app)
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    for _ in range(3):
        make_due(app)
        assert deliver_outbox(app) == 0
    [row] = outbox_rows(app)
    assert row.status == "failed"
    assert row.attempts == 3
    assert row.last_error

    app.config["MAIL_PORT"] = working_port
    make_due(app)
    assert deliver_outbox(app) == 0
    assert mailbox.messages == []


# 3. Two workers at once


def test_two_workers_at_once_send_every_mail_exactly_once(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    if not is_postgresql(app):
        pytest.skip(
            "two workers at once need row locks (FOR UPDATE SKIP LOCKED): run with "
            "TEST_DATABASE_URL=postgresql+psycopg://… ; SQLite serialises writers and has none"
        )
    threads_count, followers_count = 3, 20
    person(app, "schrijver@example.nl", "Schrijver", "nooit")
    with app.app_context():
        now = utcnow()
        home = region_by_code(AMSTERDAM).id
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"volger{n}@example.nl",
                    "display_name": f"Volger {n}",
                    "participant_kind": "ouder",
                    "password_hash": "-",
                    "session_token": f"volger-{n}",
                    "email_verified_at": now,
                    "home_region_id": home,
                    "email_frequency": "direct",
                }
                for n in range(followers_count)
            ],
        )
        follower_ids = list(
            db.session.scalars(select(User.id).where(User.email.like("volger%@example.nl")))
        )
        db.session.commit()
    thread_ids = [
        start_thread(app, "schrijver@example.nl", f"Onderwerp {n}") for n in range(threads_count)
    ]
    with app.app_context():
        db.session.execute(
            insert(Follow),
            [
                {"user_id": user_id, "thread_id": thread_id, "level": "alles"}
                for user_id in follower_ids
                for thread_id in thread_ids
            ],
        )
        writer = db.session.scalar(select(User).where(User.email == "schrijver@example.nl"))
        for thread_id in thread_ids:
            forum.reply_to(thread=db.session.get(Thread, thread_id), author=writer, body="Nieuws.")
        db.session.commit()
    expected = threads_count * followers_count
    assert count(app, Notification, Notification.mail_state == "direct") == expected

    start = threading.Barrier(2)
    errors: list[BaseException] = []
    sent_by: list[int] = [0, 0]

    def worker(number: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                for _round in range(200):
                    sent, _failed = deliver_due(limit=7)
                    sent_by[number] += sent
                    waiting = db.session.scalar(
                        select(func.count())
                        .select_from(Notification)
                        .where(Notification.mail_state == "direct")
                    ) + db.session.scalar(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(OutboxMessage.status == "pending")
                    )
                    db.session.commit()
                    if not waiting:
                        break
                db.session.remove()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in workers)

    assert all(sent_by), f"one worker did everything: {sent_by}; no test of two at once"
    assert sum(sent_by) == expected
    message_ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(message_ids) == expected
    assert len(set(message_ids)) == expected
    received = sorted((m["To"], m["Subject"]) for m in mailbox.messages)
    assert len(set(received)) == expected  # every follower got each thread's mail once
    for n in range(followers_count):
        assert len(mailbox.to(f"volger{n}@example.nl")) == threads_count
    # Every notification was queued exactly once.
    assert count(app, OutboxMessage) == count(app, Notification) == expected
    assert count(app, OutboxMessage, OutboxMessage.status == "sent") == expected
    assert count(app, Notification, Notification.mail_state == "verstuurd") == expected


# 4. The daily digest


DAILY = "dagelijks@example.nl"
READER = "leest-in-de-app@example.nl"
NEVER = "nooit@example.nl"
DIRECT = "direct@example.nl"


def test_the_digest_brings_each_daily_person_what_they_have_not_read_once(
    app: Flask, regions: None, mailbox: Mailbox, runner: FlaskCliRunner
) -> None:
    person(app, ASKER, "Moeder van Noor", "nooit")
    person(app, HELPER, "Vader van Tim", "nooit")
    ids = {
        email: person(app, email, name, frequency)
        for email, name, frequency in [
            (DAILY, "Dagelijkse Daan", "dagelijks"),
            (READER, "Lezende Lotte", "dagelijks"),
            (NEVER, "Nooit Nina", "nooit"),
            (DIRECT, "Directe Dirk", "direct"),
        ]
    }
    thread_id = start_thread(app, ASKER, TITLE)
    for email in ids:
        follow(signed_in(app, email), f"/onderwerp/{thread_id}/volgen", "alles")
    helper = signed_in(app, HELPER)
    reply(helper, thread_id, "Eerste tip: Het Kompas.")
    reply(helper, thread_id, "Tweede tip: De Vuurtoren.")
    assert [n.mail_state for n in notes(app, DAILY)] == ["digest", "digest"]
    assert [n.mail_state for n in notes(app, NEVER)] == ["geen", "geen"]

    # Lotte reads the first one in the app before the digest goes out.
    lotte = signed_in(app, READER)
    first_of_lotte = notes(app, READER)[0]
    opened = post_form(lotte, f"/meldingen/{first_of_lotte.id}", {}, token_page="/meldingen")
    assert opened.status_code == 302

    result = runner.invoke(args=["digest", "send"])
    assert result.exit_code == 0, result.output
    assert "digest: 2 summaries queued" in result.output
    assert deliver_outbox(app) == 4  # two digests, and Dirk's two mails per event

    [daan] = mailbox.to(DAILY)
    assert daan["Subject"] == "Nieuw voor jou op het leerplatform (2)"
    assert daan["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/afmelden/" in daan["List-Unsubscribe"]
    body = text_of(daan)
    assert "Hallo Dagelijkse Daan," in body
    assert body.count(f"Vader van Tim reageerde in “{TITLE}”.") == 2
    assert "Eerste tip: Het Kompas." in body
    assert "Tweede tip: De Vuurtoren." in body
    for notification in notes(app, DAILY):
        assert f"/meldingen/{notification.id}" in body
        assert f"/meldingen/{notification.id}" in html_of(daan)

    [lotte_mail] = mailbox.to(READER)
    assert lotte_mail["Subject"] == "Nieuw voor jou op het leerplatform (1)"
    lotte_body = text_of(lotte_mail)
    assert "Tweede tip: De Vuurtoren." in lotte_body
    assert "Eerste tip: Het Kompas." not in lotte_body
    assert f"/meldingen/{first_of_lotte.id}" not in lotte_body

    assert mailbox.to(NEVER) == []
    assert len(mailbox.to(DIRECT)) == 2
    assert all("Nieuw voor jou" not in m["Subject"] for m in mailbox.to(DIRECT))
    assert [n.mail_state for n in notes(app, DAILY)] == ["verstuurd", "verstuurd"]
    assert [n.read_at for n in notes(app, DAILY)] == [None, None]  # mailed is not read

    # Again the same day: nothing new, nothing sent.
    again = runner.invoke(args=["digest", "send"])
    assert "digest: 0 summaries queued" in again.output
    assert deliver_outbox(app) == 0

    # Something new: the next digest has only that.
    reply(helper, thread_id, "Derde tip: Het Anker.")
    mailbox.messages.clear()
    assert "digest: 2 summaries queued" in runner.invoke(args=["digest", "send"]).output
    deliver_outbox(app)
    [next_one] = mailbox.to(DAILY)
    assert next_one["Subject"] == "Nieuw voor jou op het leerplatform (1)"
    assert "Derde tip: Het Anker." in text_of(next_one)
    assert "Eerste tip" not in text_of(next_one)
    assert mailbox.to(NEVER) == []


def test_a_daily_person_who_read_everything_gets_no_digest(
    app: Flask, regions: None, mailbox: Mailbox, runner: FlaskCliRunner
) -> None:
    thread_id, helper = asked_and_answered(app, asker_frequency="dagelijks")
    reply(helper, thread_id, "Nog een tip.")
    asker = signed_in(app, ASKER)
    post_form(asker, "/meldingen/gelezen", {}, token_page=TOKEN_PAGE)
    assert all(n.read_at is not None for n in notes(app, ASKER))
    assert "digest: 0 summaries queued" in runner.invoke(args=["digest", "send"]).output
    assert deliver_outbox(app) == 0
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("dagelijks", "direct"),
        pytest.param("direct", "dagelijks"),
    ],
)
def test_changing_how_often_one_gets_mail_loses_nothing_that_waits(
    app: Flask, regions: None, mailbox: Mailbox, runner: FlaskCliRunner, before: str, after: str
) -> None:
    asked_and_answered(app, asker_frequency=before)  # the mail waits: no worker or digest yet
    asker = signed_in(app, ASKER)
    saved = post_form(asker, "/mijn-gegevens/meldingen", {"frequency": after})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.email_frequency).where(User.email == ASKER)) == after
    deliver_outbox(app)
    runner.invoke(args=["digest", "send"])
    deliver_outbox(app)
    mails = mailbox.to(ASKER)
    assert len(mails) == 1
    assert f"Vader van Tim reageerde in “{TITLE}”." in text_of(mails[0])


# 5. One-click unsubscribe


def test_one_click_unsubscribe_needs_no_login_and_stops_mail_but_not_notifications(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    thread_id, helper = asked_and_answered(app)
    assert deliver_outbox(app) == 1
    header = mailbox.last_to(ASKER)["List-Unsubscribe"].strip()
    path = re.fullmatch(r"<http://localhost(/afmelden/[^>]+)>", header).group(1)
    token = path.rsplit("/", 1)[1]

    def frequency() -> str:
        with app.app_context():
            return db.session.scalar(select(User.email_frequency).where(User.email == ASKER))

    browser = app.test_client()  # not logged in
    page = browser.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="{path}"' in html
    assert 'method="post"' in html
    assert frequency() == "direct"  # looking changes nothing (mail scanners open links)

    forged = [
        token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        "eyJ1aWQiOjF9.bm90LXNpZ25lZA",
        "niets",
    ]
    with app.app_context():
        asker = db.session.scalar(select(User).where(User.email == ASKER))
        following.ensure_feed_key(asker)
        forged.append(following.feed_token(asker))  # signed, but for something else
        db.session.rollback()
    for bad in forged:
        assert browser.get(f"/afmelden/{bad}").status_code == 404
        assert (
            browser.post(f"/afmelden/{bad}", data="List-Unsubscribe=One-Click").status_code == 404
        )
    assert frequency() == "direct"

    # The mail program posts by itself (RFC 8058): no login, no CSRF token.
    done = browser.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200
    assert frequency() == "nooit"
    assert browser.post(path, data="List-Unsubscribe=One-Click").status_code == 200  # twice: fine

    reply(helper, thread_id, "Nog iets: De Vuurtoren.")
    latest = notes(app, ASKER)[-1]
    assert latest.mail_state == "geen"
    assert latest.read_at is None
    assert deliver_outbox(app) == 0
    assert len(mailbox.to(ASKER)) == 1
    assert count(app, OutboxMessage) == 1
    listing = signed_in(app, ASKER).get("/meldingen").get_data(as_text=True)
    assert listing.count("Vader van Tim reageerde in") == 2


def test_unsubscribing_before_the_worker_runs_cancels_the_waiting_mail(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    asked_and_answered(app)
    assert notes(app, ASKER)[0].mail_state == "direct"
    with app.test_request_context():
        asker = db.session.scalar(select(User).where(User.email == ASKER))
        path = f"/afmelden/{following.unsubscribe_token(asker)}"
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert deliver_outbox(app) == 0
    assert mailbox.messages == []
    assert notes(app, ASKER)[0].mail_state == "geen"


# 6. Follow levels through the routes


def test_follow_levels_app_muted_and_stop_through_the_routes(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    person(app, ASKER, "Moeder van Noor", "nooit")
    people = {
        "alles": "alles@example.nl",
        "app": "app@example.nl",
        "gedempt": "gedempt@example.nl",
    }
    for level, email in people.items():
        person(app, email, f"Volger {level}", "direct")
    person(app, HELPER, "Vader van Tim")
    thread_id = start_thread(app, ASKER, TITLE)
    browsers = {level: signed_in(app, email) for level, email in people.items()}
    for level, browser in browsers.items():
        response = follow(browser, f"/onderwerp/{thread_id}/volgen", level)
        assert response.headers["Location"] == f"/onderwerp/{thread_id}"
        assert follow_level_of(app, people[level], thread=thread_id) == level

    helper = signed_in(app, HELPER)
    reply(helper, thread_id, "Eerste reactie.")
    assert [(n.kind, n.mail_state) for n in notes(app, people["alles"])] == [("reactie", "direct")]
    assert [(n.kind, n.mail_state) for n in notes(app, people["app"])] == [("reactie", "geen")]
    assert notes(app, people["gedempt"]) == []
    assert deliver_outbox(app) == 1
    assert [m["To"] for m in mailbox.messages] == [people["alles"]]

    # The muted person replies: auto-follow must not unmute them.
    reply(browsers["gedempt"], thread_id, "Ik reageer, maar wil niets horen.")
    assert follow_level_of(app, people["gedempt"], thread=thread_id) == "gedempt"
    reply(helper, thread_id, "Tweede reactie.")
    assert notes(app, people["gedempt"]) == []
    # Their reply reached the others; their own reply did not reach them.
    assert kinds(app, people["alles"]) == ["reactie", "reactie", "reactie"]

    # Stop following: nothing more.
    follow(browsers["alles"], f"/onderwerp/{thread_id}/volgen", "niet")
    assert follow_level_of(app, people["alles"], thread=thread_id) is None
    reply(helper, thread_id, "Derde reactie.")
    assert len(notes(app, people["alles"])) == 3
    assert len(notes(app, people["app"])) == 4

    # The page shows the level one chose.
    page = browsers["app"].get(f"/onderwerp/{thread_id}").get_data(as_text=True)
    assert "Je volgt dit: alleen op het platform" in page


def test_starting_replying_proposing_and_owning_follow_automatically(
    app: Flask, regions: None
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, HELPER, "Vader van Tim")
    person(app, "voorsteller@example.nl", "Voorsteller")
    person(app, "gastvrouw@example.nl", "Gastvrouw", host_of=AMSTERDAM)
    owner_id = person(app, "eigenaar@example.nl", "Eigenaar", host_of=AMSTERDAM)

    asker = signed_in(app, ASKER)
    started = post_form(
        asker,
        f"/regio/{AMSTERDAM}/nieuw",
        {"title": TITLE, "kind": "vraag", "themes": ["logeren"], "body": "Wie weet er een?"},
        token_page=TOKEN_PAGE,
    )
    assert started.status_code == 302
    thread_id = int(re.search(r"/onderwerp/(\d+)", started.headers["Location"]).group(1))
    assert follow_level_of(app, ASKER, thread=thread_id) == "alles"

    reply(signed_in(app, HELPER), thread_id, "Het Kompas.")
    assert follow_level_of(app, HELPER, thread=thread_id) == "alles"

    proposer = signed_in(app, "voorsteller@example.nl")
    proposed = post_form(
        proposer,
        f"/onderwerp/{thread_id}/actiepunt",
        {"voorstel-note": "Dit speelt al jaren."},
        token_page=TOKEN_PAGE,
    )
    assert proposed.status_code == 302
    assert follow_level_of(app, "voorsteller@example.nl", thread=thread_id) == "alles"

    host = signed_in(app, "gastvrouw@example.nl")
    item_id = make_item(host, thread_id, owner_id=owner_id)
    assert follow_level_of(app, "gastvrouw@example.nl", item=item_id) == "alles"
    assert follow_level_of(app, "eigenaar@example.nl", item=item_id) == "alles"
    # The accepted proposal: its proposer follows the item too.
    assert follow_level_of(app, "voorsteller@example.nl", item=item_id) == "alles"
    # Thread followers heard of the new item; the host who made it did not.
    for email in (ASKER, HELPER, "voorsteller@example.nl"):
        assert "nieuw_actiepunt" in kinds(app, email)
    assert kinds(app, "gastvrouw@example.nl") == []

    add_progress(signed_in(app, HELPER), item_id, "Ik heb gebeld.")
    assert follow_level_of(app, HELPER, item=item_id) == "alles"
    assert kinds(app, "eigenaar@example.nl")[-1] == "voortgang"
    assert kinds(app, "gastvrouw@example.nl") == ["voortgang"]
    # Progress goes to the item's followers only, not to those who only follow the thread.
    assert "voortgang" not in kinds(app, ASKER)


def test_region_followers_hear_of_new_threads(app: Flask, regions: None) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, "regio@example.nl", "Regiovolger")
    person(app, "regio-app@example.nl", "Regiovolger app", "direct")
    person(app, "elders@example.nl", "Elders", region_code=GRONINGEN)
    follow(signed_in(app, "regio@example.nl"), f"/regio/{AMSTERDAM}/volgen", "alles")
    follow(signed_in(app, "regio-app@example.nl"), f"/regio/{AMSTERDAM}/volgen", "app")
    follow(signed_in(app, "elders@example.nl"), f"/regio/{GRONINGEN}/volgen", "alles")
    amsterdam = region_id(app, AMSTERDAM)
    assert follow_level_of(app, "regio@example.nl", region=amsterdam) == "alles"

    asker = signed_in(app, ASKER)
    post_form(
        asker,
        f"/regio/{AMSTERDAM}/nieuw",
        {"title": TITLE, "kind": "vraag", "themes": ["logeren"], "body": "Wie weet er een?"},
        token_page=TOKEN_PAGE,
    )
    [heard] = notes(app, "regio@example.nl")
    assert heard.kind == "nieuw_onderwerp"
    assert heard.mail_state == "direct"
    assert [(n.kind, n.mail_state) for n in notes(app, "regio-app@example.nl")] == [
        ("nieuw_onderwerp", "geen")
    ]
    assert notes(app, "elders@example.nl") == []  # another region
    assert notes(app, ASKER) == []  # not about one's own thread
    listing = signed_in(app, "regio@example.nl").get("/meldingen").get_data(as_text=True)
    assert f"Moeder van Noor begon “{TITLE}” in Amsterdam" in listing

    # A reply in that thread is not news for the region's followers.
    reply(signed_in(app, "elders@example.nl"), heard.thread_id, "Hoi.")
    assert len(notes(app, "regio@example.nl")) == 1


def test_resolving_an_item_notifies_the_followers_of_its_threads_once(
    app: Flask, regions: None
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, "beide@example.nl", "Volgt beide")
    person(app, "gastvrouw@example.nl", "Gastvrouw", host_of=AMSTERDAM)
    thread_id = start_thread(app, ASKER, TITLE)
    both = signed_in(app, "beide@example.nl")
    follow(both, f"/onderwerp/{thread_id}/volgen", "alles")
    host = signed_in(app, "gastvrouw@example.nl")
    item_id = make_item(host, thread_id)
    follow(both, f"/actiepunt/{item_id}/volgen", "alles")
    assert follow_level_of(app, "beide@example.nl", item=item_id) == "alles"

    set_status(app, host, item_id, "in_behandeling", "")
    assert "status" not in kinds(app, ASKER)  # a status step is for the item's followers
    assert kinds(app, "beide@example.nl")[-1] == "status"

    set_status(app, host, item_id, "opgelost", "Het Kompas opent in maart.")
    assert kinds(app, ASKER)[-1] == "opgelost"
    assert kinds(app, "beide@example.nl").count("opgelost") == 1
    assert "opgelost" not in kinds(app, "gastvrouw@example.nl")
    resolved = notes(app, ASKER)[-1]
    assert resolved.action_item_id == item_id
    opened = post_form(
        signed_in(app, ASKER), f"/meldingen/{resolved.id}", {}, token_page="/meldingen"
    )
    assert opened.headers["Location"].startswith(f"/actiepunt/{item_id}#stap-")


def test_muting_a_region_does_not_silence_a_thread_one_follows_in_it(
    app: Flask, regions: None
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, "gastvrouw@example.nl", "Gastvrouw", host_of=AMSTERDAM)
    thread_id = start_thread(app, ASKER, TITLE)
    asker = signed_in(app, ASKER)
    follow(asker, f"/regio/{AMSTERDAM}/volgen", "gedempt")  # no news of every new thread
    assert follow_level_of(app, ASKER, thread=thread_id) == "alles"
    make_item(signed_in(app, "gastvrouw@example.nl"), thread_id)
    assert kinds(app, ASKER) == ["nieuw_actiepunt"]


def test_who_may_not_read_or_is_not_verified_hears_nothing_and_the_actor_never_hears_themself(
    app: Flask, regions: None, mailbox: Mailbox
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, "lid@example.nl", "Lid")
    person(app, "buiten@example.nl", "Buitenstaander", region_code=GRONINGEN)
    person(app, "onbevestigd@example.nl", "Onbevestigd", verified=False)
    person(app, "beheer@example.nl", "Beheerder", region_code=GRONINGEN, is_admin=True)
    thread_id = start_thread(app, ASKER, TITLE)
    outsider = signed_in(app, "buiten@example.nl")
    unverified = signed_in(app, "onbevestigd@example.nl")
    for browser in (outsider, unverified, signed_in(app, "lid@example.nl")):
        follow(browser, f"/onderwerp/{thread_id}/volgen", "alles")
        follow(browser, f"/regio/{AMSTERDAM}/volgen", "alles")
    follow(signed_in(app, "beheer@example.nl"), f"/onderwerp/{thread_id}/volgen", "alles")

    # The asker replies in their own thread: everyone else hears, the asker does not.
    asker = signed_in(app, ASKER)
    reply(asker, thread_id, "Aanvulling van mijzelf.")
    assert notes(app, ASKER) == []
    assert kinds(app, "lid@example.nl") == ["reactie"]
    assert kinds(app, "buiten@example.nl") == ["reactie"]
    assert notes(app, "onbevestigd@example.nl") == []
    assert deliver_outbox(app) == 3  # the member, the outsider (who may still read) and the admin
    assert mailbox.to("onbevestigd@example.nl") == []
    mailbox.messages.clear()

    # Amsterdam becomes members-only: the outsider may no longer read it.
    with app.app_context():
        forum.set_members_only(region=region_by_code(AMSTERDAM), members_only=True)
        db.session.commit()
    reply(signed_in(app, "lid@example.nl"), thread_id, "Alleen voor leden.")
    post_form(
        asker,
        f"/regio/{AMSTERDAM}/nieuw",
        {"title": "Nog een vraag", "kind": "vraag", "themes": ["logeren"], "body": "Tekst."},
        token_page=TOKEN_PAGE,
    )
    assert kinds(app, "buiten@example.nl") == ["reactie"]
    assert notes(app, "onbevestigd@example.nl") == []
    assert kinds(app, ASKER) == ["reactie"]  # the member's reply; not their own new thread
    assert kinds(app, "lid@example.nl") == ["reactie", "nieuw_onderwerp"]
    assert kinds(app, "beheer@example.nl") == ["reactie", "reactie"]  # admins may read it
    # And a non-member may not start following it now.
    refused = post_form(
        outsider, f"/regio/{AMSTERDAM}/volgen", {"niveau": "alles"}, token_page=TOKEN_PAGE
    )
    assert refused.status_code == 403

    deliver_outbox(app)
    assert mailbox.to("buiten@example.nl") == []
    assert mailbox.to("onbevestigd@example.nl") == []
    assert len(mailbox.to(ASKER)) == 1  # the member's reply
    assert len(mailbox.to("lid@example.nl")) == 1  # the new thread


# 7. The notification list


def test_the_list_shows_newest_first_marks_unread_and_marks_all_read(
    app: Flask, regions: None
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, "ander@example.nl", "Andere ouder")
    actors = ["Anna", "Bram", "Cees"]
    for name in actors:
        person(app, f"{name.lower()}@example.nl", name)
    thread_id = start_thread(app, ASKER, TITLE)
    other_thread = start_thread(app, "ander@example.nl", "Een ander onderwerp")
    for name in actors:
        reply(signed_in(app, f"{name.lower()}@example.nl"), thread_id, f"Tip van {name}.")
    reply(signed_in(app, "anna@example.nl"), other_thread, "Voor de ander.")
    with app.app_context():  # three moments, a minute apart, so "newest" is not a tie
        for minutes, n in enumerate(reversed(notes(app, ASKER))):
            db.session.execute(
                update(Notification)
                .where(Notification.id == n.id)
                .values(created_at=utcnow() - timedelta(minutes=minutes))
            )
        db.session.commit()
    _first, second, third = notes(app, ASKER)

    asker = signed_in(app, ASKER)
    read_one = post_form(asker, f"/meldingen/{second.id}", {}, token_page="/meldingen")
    assert read_one.status_code == 302
    listing = asker.get("/meldingen").get_data(as_text=True)
    items = re.findall(r'<li class="lp-thread lp-notification([^"]*)">(.*?)</li>', listing, re.S)
    assert [next(a for a in actors if a in body) for _cls, body in items] == [
        "Cees",
        "Bram",
        "Anna",
    ]
    unread = ["lp-notification--unread" in cls for cls, _body in items]
    assert unread == [True, False, True]
    assert [("Nieuw" in body) for _cls, body in items] == [True, False, True]
    assert f'action="/meldingen/{third.id}"' in items[0][1]
    assert 'class="lp-count">2' in listing

    # Someone else's notification, and one that does not exist: 404, and nothing changes.
    [others] = notes(app, "ander@example.nl")
    assert asker.get(f"/meldingen/{others.id}").status_code == 404
    opened = post_form(asker, f"/meldingen/{others.id}", {}, token_page="/meldingen")
    assert opened.status_code == 404
    assert asker.get("/meldingen/999999").status_code == 404
    assert notes(app, "ander@example.nl")[0].read_at is None
    assert app.test_client().get("/meldingen").status_code == 302  # log in first

    marked = post_form(asker, "/meldingen/gelezen", {}, token_page=TOKEN_PAGE)
    assert marked.status_code == 302
    assert all(n.read_at is not None for n in notes(app, ASKER))
    after = asker.get("/meldingen").get_data(as_text=True)
    assert "lp-notification--unread" not in after
    assert "lp-count" not in after
    assert "Alles op gelezen zetten" not in after  # nothing left to mark
    assert notes(app, "ander@example.nl")[0].read_at is None  # only one's own


# 8. Query pins


def _notification_rows(user_id: int, thread_id: int, region: int, number: int) -> list[dict]:
    now = utcnow()
    return [
        {
            "user_id": user_id,
            "kind": "reactie",
            "thread_id": thread_id,
            "region_id": region,
            "mail_state": "geen",
            "created_at": now - timedelta(seconds=n),
        }
        for n in range(number)
    ]


def test_the_unread_count_in_the_header_comes_with_the_reader(
    app: Flask, regions: None, query_counter: Any
) -> None:
    person(app, "rustig@example.nl", "Rustig")
    busy_id = person(app, "druk@example.nl", "Druk")
    thread_id = start_thread(app, "rustig@example.nl", TITLE)
    with app.app_context():
        db.session.execute(
            insert(Notification),
            _notification_rows(busy_id, thread_id, region_by_code(AMSTERDAM).id, 500),
        )
        db.session.commit()

    measured = {}
    for email in ("rustig@example.nl", "druk@example.nl"):
        browser = signed_in(app, email)
        browser.get("/regios")  # warm up
        with query_counter() as counted:
            page = browser.get("/regios")
        assert page.status_code == 200
        measured[email] = (counted, page.get_data(as_text=True))
    quiet, quiet_page = measured["rustig@example.nl"]
    busy, busy_page = measured["druk@example.nl"]
    assert 'class="lp-count">99+' in busy_page
    assert "lp-count" not in quiet_page
    assert quiet.count == busy.count <= HEADER_QUERIES
    for counted in (quiet, busy):
        about_notifications = [s for s in counted.statements if "FROM notifications" in s]
        assert len(about_notifications) == 1, about_notifications
        assert "count(" in about_notifications[0].lower()
        assert "FROM users" in about_notifications[0], "read with the person, not after"


def test_a_reply_to_a_thread_with_1000_followers_takes_as_many_queries_as_with_2(
    app: Flask, regions: None, query_counter: Any
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, HELPER, "Vader van Tim")
    small = start_thread(app, ASKER, "Een rustig onderwerp")
    busy = start_thread(app, ASKER, "Een druk onderwerp")
    with app.app_context():
        now = utcnow()
        home = region_by_code(AMSTERDAM).id
        frequencies = ["direct", "dagelijks", "nooit"]
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"massa{n}@example.nl",
                    "display_name": f"Massa {n}",
                    "participant_kind": "ouder",
                    "password_hash": "-",
                    "session_token": f"massa-{n}",
                    "email_verified_at": now,
                    "home_region_id": home,
                    "email_frequency": frequencies[n % 3],
                }
                for n in range(1000)
            ],
        )
        ids = list(
            db.session.scalars(
                select(User.id).where(User.email.like("massa%@example.nl")).order_by(User.id)
            )
        )
        db.session.execute(
            insert(Follow),
            [{"user_id": ids[0], "thread_id": small, "level": "alles"}]
            + [
                {"user_id": user_id, "thread_id": busy, "level": "alles" if n % 4 else "app"}
                for n, user_id in enumerate(ids[1:])
            ],
        )
        db.session.commit()
    assert count(app, Follow, Follow.thread_id == small) == 2  # the asker and one more
    assert count(app, Follow, Follow.thread_id == busy) == 1000

    helper = signed_in(app, HELPER)
    token = csrf_token(helper, TOKEN_PAGE)
    measured = []
    for thread_id in (small, busy):
        with query_counter() as counted:
            response = helper.post(
                f"/onderwerp/{thread_id}/reageren",
                data={"csrf_token": token, "body": "Bij ons ook.", "action": "post"},
            )
        assert response.status_code == 302
        measured.append(counted)
    few, many = measured
    assert few.count == many.count, (few.statements, many.statements)
    assert many.count <= REPLY_QUERIES
    assert count(app, Notification, Notification.thread_id == small) == 2
    assert count(app, Notification, Notification.thread_id == busy) == 1000
    with app.app_context():
        states = set(
            db.session.scalars(
                select(Notification.mail_state).where(Notification.thread_id == busy)
            )
        )
    assert states == {"direct", "digest", "geen"}  # decided in the same statement


# 9. Feeds


def _feed_token(browser: FlaskClient, code: str = AMSTERDAM) -> str:
    """The token in the feed address the settings page shows, after asking for addresses."""
    made = post_form(browser, "/mijn-gegevens/feeds", {}, token_page="/mijn-gegevens/meldingen")
    assert made.status_code == 302
    page = browser.get("/mijn-gegevens/meldingen").get_data(as_text=True)
    match = re.search(rf"/feeds/regio/{code}\.atom\?token=([^\s<\"&]+)", page)
    assert match, page
    return match.group(1)


def _atom(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_personal_feeds_parse_as_atom_show_what_one_may_read_and_can_be_revoked(
    app: Flask, regions: None
) -> None:
    person(app, ASKER, "Moeder van Noor")
    person(app, "buiten@example.nl", "Buitenstaander", region_code=GRONINGEN)
    person(app, "gastvrouw@example.nl", "Gastvrouw", host_of=AMSTERDAM)
    thread_id = start_thread(app, ASKER, TITLE)
    start_thread(app, ASKER, "Ander onderwerp in Amsterdam")
    start_thread(app, "buiten@example.nl", "Iets uit Groningen", code=GRONINGEN)
    host = signed_in(app, "gastvrouw@example.nl")
    item_id = make_item(host, thread_id)
    add_progress(host, item_id, "We hebben **gebeld** met Het Kompas.")
    set_status(app, host, item_id, "in_behandeling", "")

    member = signed_in(app, ASKER)
    settings = member.get("/mijn-gegevens/meldingen").get_data(as_text=True)
    assert "/feeds/regio/" not in settings  # no addresses until asked for
    token = _feed_token(member)
    anonymous = app.test_client()  # a feed reader: no session, only the token

    region_feed = _atom(anonymous, f"/feeds/regio/{AMSTERDAM}.atom?token={token}")
    titles = [entry.title for entry in region_feed.entries]
    assert any(TITLE in title for title in titles)
    assert any("Ander onderwerp in Amsterdam" in title for title in titles)
    assert not any("Groningen" in title for title in titles)
    for entry in region_feed.entries:
        assert entry.link.startswith("http://localhost/onderwerp/")
    assert region_feed.feed.title

    item_page = member.get(f"/actiepunt/{item_id}").get_data(as_text=True)
    assert f"/feeds/actiepunt/{item_id}.atom?token={token}" in item_page
    item_feed = _atom(anonymous, f"/feeds/actiepunt/{item_id}.atom?token={token}")
    assert len(item_feed.entries) == 3
    assert all(entry.title for entry in item_feed.entries)
    assert all(
        entry.link.startswith(f"http://localhost/actiepunt/{item_id}#stap-")
        for entry in item_feed.entries
    )
    assert any("gebeld" in entry.get("summary", "") for entry in item_feed.entries)
    assert any("Openingsbericht van" in entry.get("summary", "") for entry in region_feed.entries)

    # What does not exist, with a good token; missing or forged tokens.
    assert anonymous.get(f"/feeds/regio/9999.atom?token={token}").status_code == 404
    assert anonymous.get(f"/feeds/actiepunt/999999.atom?token={token}").status_code == 404
    for path in (f"/feeds/regio/{AMSTERDAM}.atom", f"/feeds/actiepunt/{item_id}.atom"):
        assert anonymous.get(path).status_code == 404
        assert anonymous.get(path + "?token=").status_code == 404
        assert anonymous.get(path + "?token=" + token[:-4] + "abcd").status_code == 404
    with app.test_request_context():
        asker = db.session.scalar(select(User).where(User.email == ASKER))
        unsubscribe = following.unsubscribe_token(asker)  # signed, but for something else
    assert anonymous.get(f"/feeds/regio/{AMSTERDAM}.atom?token={unsubscribe}").status_code == 404

    # Members-only: a non-member's token shows nothing of it.
    outsider = signed_in(app, "buiten@example.nl")
    outsider_token = _feed_token(outsider, GRONINGEN)
    assert anonymous.get(f"/feeds/regio/{AMSTERDAM}.atom?token={outsider_token}").status_code == 200
    with app.app_context():
        forum.set_members_only(region=region_by_code(AMSTERDAM), members_only=True)
        db.session.commit()
    for path in (f"/feeds/regio/{AMSTERDAM}.atom", f"/feeds/actiepunt/{item_id}.atom"):
        assert anonymous.get(f"{path}?token={outsider_token}").status_code == 404
        assert anonymous.get(f"{path}?token={token}").status_code == 200
    _atom(anonymous, f"/feeds/regio/{GRONINGEN}.atom?token={outsider_token}")

    # New addresses: the old one stops at once, the new one works.
    new_token = _feed_token(member)
    assert new_token != token
    assert anonymous.get(f"/feeds/regio/{AMSTERDAM}.atom?token={token}").status_code == 404
    assert anonymous.get(f"/feeds/actiepunt/{item_id}.atom?token={token}").status_code == 404
    _atom(anonymous, f"/feeds/regio/{AMSTERDAM}.atom?token={new_token}")
    _atom(anonymous, f"/feeds/actiepunt/{item_id}.atom?token={new_token}")
