"""Remembered fragments: a row or a post is rendered once per version, and a changed value is
never shown in its old form. Each test changes one value the markup shows and checks that the
remembered rendering equals a fresh one (if the key missed that value, the old one would come
back)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, get_template_attribute, render_template_string
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_login import login_user

from leerplatform import fragments
from leerplatform.accounts.models import ParticipantKind
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread, ThreadTheme
from leerplatform.forum.services import reply_to, start_thread
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth
from tests.factories import make_user


def _fresh(render: Callable[[], str]) -> str:
    fragments.forget_all()
    return render()


def _check_change(render: Callable[[], str], change: Callable[[], Any]) -> None:
    before = render()
    assert render() == before  # remembered: the same markup again
    change()
    after = render()
    assert after != before, "a changed value must show"
    assert after == _fresh(render), "the remembered rendering is the fresh one"


@pytest.fixture
def made(app: Flask, regions: None) -> Any:
    with app.app_context():
        author, replier = make_user(display_name="Anna"), make_user(display_name="Bram")
        thread = start_thread(
            region=region_by_code("5515"),
            author=author,
            title="Logeren in de zomer",
            kind="goed_voorbeeld",
            themes=["logeren"],
            body="Zo doen wij het.",
        )
        first = reply_to(thread=thread, author=replier, body="Bij ons ook.")
        second = reply_to(thread=thread, author=author, body="Fijn!", parent=first)
        db.session.commit()
        return {"thread": thread.id, "first": first.id, "second": second.id}


THREAD_CHANGES: dict[str, Callable[[Thread], Any]] = {
    "title": lambda t: setattr(t, "title", "Logeren in de winter"),
    "kind": lambda t: setattr(t, "kind", "vraag"),
    "pinned": lambda t: setattr(t, "is_pinned", True),
    "locked": lambda t: setattr(t, "is_locked", True),
    "answered": lambda t: setattr(t, "has_accepted_answer", True),
    "demo": lambda t: setattr(t, "is_demo", True),
    "themes": lambda t: t.theme_links.append(ThreadTheme(theme="vervoer")),
    "author name": lambda t: setattr(t.author, "display_name", "Anna B."),
    "author kind": lambda t: setattr(
        t.author, "participant_kind", ParticipantKind.ZORGPROFESSIONAL
    ),
    "author gone": lambda t: setattr(t, "author", None),
    "replies": lambda t: setattr(t, "reply_count", t.reply_count + 1),
    "recommendations": lambda t: setattr(t, "recommendation_count", 3),
    "last activity": lambda t: setattr(
        t, "last_activity_at", t.last_activity_at + timedelta(minutes=5)
    ),
}


@pytest.mark.parametrize("name", THREAD_CHANGES)
def test_a_thread_row_shows_every_change(app: Flask, made: Any, name: str) -> None:
    with app.test_request_context("/"):
        thread = db.session.get(Thread, made["thread"])
        assert thread is not None
        assert thread.author is not None
        _ = thread.theme_links, thread.region
        row = get_template_attribute("_macros/forum.html", "thread_row")
        _check_change(lambda: str(row(thread)), lambda: THREAD_CHANGES[name](thread))
        db.session.rollback()


def test_a_thread_row_with_its_region_shows_a_renamed_region(app: Flask, made: Any) -> None:
    with app.test_request_context("/"):
        thread = db.session.get(Thread, made["thread"])
        assert thread is not None
        row = get_template_attribute("_macros/forum.html", "thread_row")
        assert "Amsterdam" not in str(row(thread))
        _check_change(
            lambda: str(row(thread, show_region=True)),
            lambda: setattr(thread.region, "name", "Amsterdam-Zuid"),
        )
        db.session.rollback()


POST_CHANGES: dict[str, Callable[[Post], Any]] = {
    "words": lambda p: setattr(p, "body_html", "<p>Bij ons niet.</p>"),
    "edited": lambda p: setattr(p, "edited_at", p.created_at + timedelta(hours=1)),
    "edited by a host": lambda p: (
        setattr(p, "edited_at", p.created_at + timedelta(hours=1)),
        setattr(p, "edited_by_id", p.author_id + 1000),
    ),
    "deleted": lambda p: setattr(p, "deleted_at", p.created_at + timedelta(hours=1)),
    "accepted": lambda p: setattr(p, "accepted_at", p.created_at + timedelta(hours=1)),
    "author name": lambda p: setattr(p.author, "display_name", "Anna B."),
    "parent's author": lambda p: setattr(p.parent.author, "display_name", "Bram K."),
    "depth": lambda p: setattr(p, "depth", 6),
}


@pytest.mark.parametrize("name", POST_CHANGES)
def test_a_reply_shows_every_change(app: Flask, made: Any, name: str) -> None:
    with app.test_request_context("/"):
        post = db.session.get(Post, made["second"])
        assert post is not None
        assert post.parent is not None
        assert post.parent.author is not None
        shown = get_template_attribute("_macros/forum.html", "post_shown")
        _check_change(lambda: str(shown(post, post.parent)), lambda: POST_CHANGES[name](post))
        db.session.rollback()


def test_a_hidden_reply_is_never_remembered(app: Flask, made: Any) -> None:
    """What a hidden post shows depends on who reads: its author and the hosts see the words."""
    template = (
        '{% from "_macros/forum.html" import post_shown with context %}{{ post_shown(post, none) }}'
    )
    with app.test_request_context("/"):
        post = db.session.get(Post, made["first"])
        assert post is not None
        post.hidden_at, post.hidden_reason = post.created_at, "Niet volgens de huisregels."
        login_user(make_user())
        assert "Bij ons ook." not in render_template_string(template, post=post)
        login_user(post.author)
        assert "Bij ons ook." in render_template_string(template, post=post)
        db.session.rollback()


def test_rows_are_remembered_per_language(app: Flask, made: Any) -> None:
    with app.test_request_context("/"):
        thread = db.session.get(Thread, made["thread"])
        row = get_template_attribute("_macros/forum.html", "thread_row")
        with force_locale("nl"):
            dutch = str(row(thread))
        with force_locale("en"):
            english = str(row(thread))
        assert "reacties" in dutch
        assert "replies" in english
        with force_locale("nl"):
            assert str(row(thread)) == dutch


def _token_of_page(page: str) -> str:
    """The session's CSRF token, from the log-out form in the header."""
    match = re.search(r'action="/uitloggen".*?name="csrf_token"[^>]*value="([^"]+)"', page, re.S)
    assert match, "no log-out form"
    return match.group(1)


def test_each_reader_gets_their_own_links_and_their_own_form_token(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        asker, host = make_user(), make_user(host_of="5515")
        other = make_user()
        question = start_thread(
            region=region_by_code("5515"),
            author=asker,
            title="Wie weet een logeerhuis?",
            kind="vraag",
            themes=["logeren"],
            body="Graag tips.",
        )
        reply_to(thread=question, author=other, body="Het Zonnehuis.")
        db.session.commit()
        path = f"/onderwerp/{question.id}"
        emails = {"asker": asker.email, "host": host.email, "other": other.email}

    pages = {}
    for who, email in emails.items():
        auth.login(email)
        pages[who] = client.get(path).get_data(as_text=True)
        auth.logout()
    # The asker and the host may mark the answer, each with the token of their own session.
    for who in ("asker", "host"):
        form = re.search(
            r'action="/bericht/\d+/antwoord".*?name="csrf_token" value="([^"]+)"', pages[who], re.S
        )
        assert form, who
        assert form.group(1) == _token_of_page(pages[who])
    assert "Dit is het antwoord" not in pages["other"]
    # Only the host may hide; only the reply's author may edit it (besides the host).
    assert ">Verbergen<" in pages["host"]
    assert ">Verbergen<" not in pages["asker"]
    assert pages["other"].count(">Bewerken<") == 1


# Whole lists are remembered too (a region's page of threads, a page of replies with the
# reader's links): through the real pages, each change must show, and as a fresh page would.


def _page_without_tokens(client: FlaskClient, path: str) -> Callable[[], str]:
    def render() -> str:
        page = client.get(path)
        assert page.status_code == 200
        # The session's form tokens carry a timestamp, and the reply form a new submission key
        # each time: the rest of the page must be the same.
        return re.sub(
            r'name="(csrf_token|submission_key)"[^>]*value="[^"]+"', "", page.get_data(as_text=True)
        )

    return render


def _log_in_a_reader(app: Flask, auth: Auth) -> None:
    """A participant of Amsterdam, logged in."""
    with app.app_context():
        email = make_user(region_code="5515").email
    auth.login(email)


def _committed(
    app: Flask, model: Any, key: int, change: Callable[[Any], Any]
) -> Callable[[], None]:
    def commit() -> None:
        with app.app_context():
            change(db.session.get(model, key))
            db.session.commit()

    return commit


LIST_THREAD_CHANGES = {name: THREAD_CHANGES[name] for name in ("title", "locked", "themes")}


@pytest.mark.parametrize("name", [*LIST_THREAD_CHANGES, "author name"])
def test_the_list_on_a_region_page_shows_every_change(
    app: Flask, made: Any, client: FlaskClient, auth: Auth, name: str
) -> None:
    _log_in_a_reader(app, auth)
    _check_change(
        _page_without_tokens(client, "/regio/5515"),
        _committed(app, Thread, made["thread"], THREAD_CHANGES[name]),
    )


@pytest.mark.parametrize("name", [*POST_CHANGES, "hidden"])
def test_a_page_of_replies_shows_every_change(
    app: Flask, made: Any, client: FlaskClient, auth: Auth, name: str
) -> None:
    changes = {
        **POST_CHANGES,
        # Committed here, so by someone who exists (PostgreSQL checks the reference).
        "edited by a host": lambda p: (
            setattr(p, "edited_at", p.created_at + timedelta(hours=1)),
            setattr(p, "edited_by_id", p.parent.author_id),
        ),
        "hidden": lambda p: (
            setattr(p, "hidden_at", p.created_at),
            setattr(p, "hidden_reason", "Niet volgens de huisregels."),
        ),
    }
    _log_in_a_reader(app, auth)
    _check_change(
        _page_without_tokens(client, f"/onderwerp/{made['thread']}"),
        _committed(app, Post, made["second"], changes[name]),
    )


def _hide_first_reply(app: Flask, made: Any) -> str:
    """A host hides the first reply; the e-mail address of its author."""
    with app.app_context():
        post = db.session.get(Post, made["first"])
        assert post is not None
        assert post.author is not None
        post.hidden_at, post.hidden_reason = post.created_at, "Niet volgens de huisregels."
        db.session.commit()
        return post.author.email


def test_a_page_of_replies_shows_each_reader_their_own_view_of_a_hidden_reply(
    app: Flask, made: Any, client: FlaskClient, auth: Auth
) -> None:
    author_email = _hide_first_reply(app, made)
    with app.app_context():
        other_email = make_user(region_code="5515").email
    path = f"/onderwerp/{made['thread']}"
    seen = {}
    for email in (author_email, other_email, author_email):
        auth.login(email)
        seen.setdefault(email, []).append(client.get(path).get_data(as_text=True))
        auth.logout()
    assert "Bij ons ook." in seen[author_email][0]
    assert "Bij ons ook." in seen[author_email][1], "the author still reads it after another did"
    assert "Bij ons ook." not in seen[other_email][0]
    assert "verborgen door een gastheer" in seen[other_email][0]


def test_a_page_of_replies_shows_a_changed_reason_for_hiding_to_the_author(
    app: Flask, made: Any, client: FlaskClient, auth: Auth
) -> None:
    """The author of a hidden reply reads why; a new reason shows, though their links under it
    stay the same."""
    author_email = _hide_first_reply(app, made)
    auth.login(author_email)
    _check_change(
        _page_without_tokens(client, f"/onderwerp/{made['thread']}"),
        _committed(app, Post, made["first"], lambda p: setattr(p, "hidden_reason", "Een naam.")),
    )


# The header and the footer are remembered under what they show; each page gets its own token.


def _header(page: str) -> str:
    header = page[page.index("<header") : page.index("</header>")]
    return re.sub(r'name="csrf_token" value="[^"]+"', "", header)


def test_the_remembered_header_shows_each_reader_their_own_menu_and_count(
    app: Flask, made: Any, client: FlaskClient, auth: Auth
) -> None:
    from leerplatform.following.models import Notification

    with app.app_context():
        reader, host = make_user(region_code="5515"), make_user(host_of="5515")
        reader_email, reader_id, host_email = reader.email, reader.id, host.email
    seen = {}
    for email in (reader_email, host_email, reader_email):
        auth.login(email)
        seen.setdefault(email, []).append(_header(client.get("/regio/5515").get_data(as_text=True)))
        auth.logout()
    assert "Moderatie" in seen[host_email][0]
    assert "Moderatie" not in seen[reader_email][1]
    assert seen[reader_email][0] == seen[reader_email][1]

    auth.login(reader_email)
    render = _page_without_tokens(client, "/regio/5515")

    def notify() -> None:
        with app.app_context():
            db.session.add(
                Notification(user_id=reader_id, kind="reactie", thread_id=made["thread"])
            )
            db.session.commit()

    _check_change(render, notify)
    assert "1<span" in _header(render())
    # Another kind of page marks its own item in the menu.
    assert 'aria-current="page"' not in _header(render())
    assert 'aria-current="page"' in _header(client.get("/regios").get_data(as_text=True))


def test_a_remembered_header_and_footer_carry_this_pages_token(
    app: Flask, made: Any, client: FlaskClient, auth: Auth
) -> None:
    _log_in_a_reader(app, auth)
    pages = [client.get("/regio/5515").get_data(as_text=True) for _ in range(2)]
    for page in pages:
        assert "<lp-form-token>" not in page
        tokens = re.findall(r'name="csrf_token" value="([^"]+)"', page)
        assert tokens
        assert all(tokens)
    # The remembered logout form works: its token is a real one.
    logout = re.search(
        r'action="/uitloggen">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', pages[1]
    )
    assert logout is not None
    assert client.post("/uitloggen", data={"csrf_token": logout.group(1)}).status_code == 302
    assert "Uitloggen" not in client.get("/regio/5515").get_data(as_text=True)


# The other parts of a region's page: its details and hosts, its municipalities, the regiotafel
# block and the good practices. Each change shows, as on a fresh page.


def _change_region(app: Flask, change: Callable[[Any], Any]) -> Callable[[], None]:
    def commit() -> None:
        with app.app_context():
            region = region_by_code("5515")
            assert region is not None
            change(region)
            db.session.commit()

    return commit


def _appoint_host(region: Any) -> None:
    from leerplatform.regions.services import appoint_host

    appoint_host(region=region, user=make_user(display_name="Gastvrouw Ria"), appointed_by=None)


def _rename_first_host(region: Any) -> None:
    region.hosts[0].display_name = "Ria (gastvrouw)"


def _rename_municipality(region: Any) -> None:
    from sqlalchemy import select

    from leerplatform.regions.models import Municipality

    first = db.session.scalars(
        select(Municipality).where(Municipality.region_id == region.id).order_by(Municipality.name)
    ).first()
    first.name = "Aaa-dorp"


def _schedule_meeting(region: Any) -> None:
    from leerplatform.clock import utcnow
    from leerplatform.meetings import services as meetings

    host = region.hosts[0] if region.hosts else make_user(host_of="5515")
    start = utcnow() + timedelta(days=10)
    meetings.schedule_meeting(
        region=region,
        host=host,
        details=meetings.MeetingDetails(
            title="Regiotafel over logeren",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location="Buurthuis",
            video_url="",
            invited="Iedereen",
            description="",
        ),
    )


REGION_CHANGES: dict[str, Callable[[Any], Any]] = {
    "name": lambda r: setattr(r, "name", "Amsterdam en Diemen"),
    "care office": lambda r: setattr(r, "zorgkantoor", "Zorgkantoor Amstel"),
    "members only": lambda r: setattr(r, "members_only", True),
    "a host appointed": _appoint_host,
    "a municipality renamed": _rename_municipality,
    "a meeting scheduled": _schedule_meeting,
}


@pytest.mark.parametrize("name", REGION_CHANGES)
def test_the_top_of_a_region_page_shows_every_change(
    app: Flask, made: Any, client: FlaskClient, auth: Auth, name: str
) -> None:
    _log_in_a_reader(app, auth)
    _check_change(
        _page_without_tokens(client, "/regio/5515"), _change_region(app, REGION_CHANGES[name])
    )


def test_a_renamed_host_shows_on_the_region_page(
    app: Flask, made: Any, client: FlaskClient, auth: Auth
) -> None:
    _change_region(app, _appoint_host)()
    _log_in_a_reader(app, auth)
    _check_change(
        _page_without_tokens(client, "/regio/5515"), _change_region(app, _rename_first_host)
    )


def test_a_new_recommendation_shows_among_the_good_practices(
    app: Flask, made: Any, client: FlaskClient, auth: Auth
) -> None:
    _log_in_a_reader(app, auth)
    _check_change(
        _page_without_tokens(client, "/regio/5515"),
        _committed(app, Thread, made["thread"], lambda t: setattr(t, "recommendation_count", 3)),
    )


# The top of a conversation and its opening post are remembered on the thread page too.

OPENING_THREAD_CHANGES = ("title", "kind", "pinned", "locked", "demo", "themes", "author name")


@pytest.mark.parametrize("name", OPENING_THREAD_CHANGES)
def test_the_top_of_a_thread_page_shows_every_change(
    app: Flask, made: Any, client: FlaskClient, auth: Auth, name: str
) -> None:
    _log_in_a_reader(app, auth)
    _check_change(
        _page_without_tokens(client, f"/onderwerp/{made['thread']}"),
        _committed(app, Thread, made["thread"], THREAD_CHANGES[name]),
    )


@pytest.mark.parametrize("name", ["words", "edited", "deleted", "hidden"])
def test_the_opening_post_shows_every_change(
    app: Flask, made: Any, client: FlaskClient, auth: Auth, name: str
) -> None:
    from sqlalchemy import select

    changes = {
        **POST_CHANGES,
        "hidden": lambda p: (
            setattr(p, "hidden_at", p.created_at),
            setattr(p, "hidden_reason", "Niet volgens de huisregels."),
        ),
    }
    with app.app_context():
        reader_email = make_user(region_code="5515").email
        opening_id = db.session.scalar(
            select(Post.id).where(Post.thread_id == made["thread"], Post.is_opening.is_(True))
        )
    auth.login(reader_email)
    page = _page_without_tokens(client, f"/onderwerp/{made['thread']}")
    _check_change(page, _committed(app, Post, opening_id, changes[name]))
    if name == "hidden":
        assert "Zo doen wij het." not in page()
