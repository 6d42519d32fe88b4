"""The forum through the test client: starting threads, replying in branches, paging, editing,
deleting, answers, recommendations, the region page, members-only regions, escaping, and the
number of queries the two busy pages take.

Large threads and regions are written with bulk inserts that leave the rows exactly as the
services would (``path``, ``root_id``, ``depth`` and the counters on ``Thread``), so the tests
stay fast on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html as html_lib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, update

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum.models import (
    Post,
    PostRevision,
    Recommendation,
    Theme,
    Thread,
    ThreadKind,
    ThreadTheme,
)
from leerplatform.forum.services import (
    REPLIES_PER_PAGE,
    THREADS_PER_PAGE,
    delete_post,
    recommend,
    reply_to,
    start_thread,
)
from leerplatform.regions.services import region_by_code
from leerplatform.text import MAX_SOURCE_LENGTH, render_markdown
from tests.conftest import Auth, csrf_token, post_form
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("regions")

AMSTERDAM = "5515"
KENNEMERLAND = "5513"
KINDS = [kind.value for kind in ThreadKind]
THEMES = [theme.value for theme in Theme]

# Pinned query counts of the busy pages, measured on SQLite and PostgreSQL; the same for a small
# and a large data set. Upwards is a regression; downwards, lower the pin. Region page: the
# logged-in user with memberships, host appointments and the unread count in the header (1),
# the region with its hosts, the names of its municipalities, how the user follows it, its most
# recommended good practices and its regiotafel block (1), a page of threads with their themes
# and the count of all (1); a visitor gets the region alone.
# Thread page: the user with the unread count (1), the thread with its hosts and themes, how the
# user follows it, whether they said "works for us too", how many replies were ever posted and
# the linked action items (1), the page bounds (1, only when that number is new to the process:
# they are remembered under it), the opening post with the page's replies (1), and for a
# question the accepted answer (1).
REGION_PAGE_QUERIES = {"member": 3, "non_member": 3, "anonymous": 1}
THREAD_PAGE_QUERIES = {"goed_voorbeeld": 3, "vraag": 4}


# --- people and data ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str


@dataclass(frozen=True)
class People:
    anna: Person
    """A parent in Amsterdam: starts the threads."""
    bram: Person
    """A parent in Amsterdam: replies."""
    carla: Person
    """A care professional in Amsterdam: replies too."""
    host: Person
    """The host of Amsterdam."""
    olaf: Person
    """A parent from Kennemerland: not a member of Amsterdam."""


@pytest.fixture
def people(app: Flask, cheap_password_hashing: None) -> People:
    def person(name: str, **overrides: Any) -> Person:
        user = make_user(display_name=name, **overrides)
        return Person(user.id, user.email, name)

    with app.app_context():
        return People(
            anna=person("Anna de Vries"),
            bram=person("Bram Jansen"),
            carla=person("Carla Bos", participant_kind=ParticipantKind.ZORGPROFESSIONAL),
            host=person("Gastvrouw Hanna", host_of=AMSTERDAM),
            olaf=person("Olaf Kennemer", region_code=KENNEMERLAND),
        )


def client_of(app: Flask, person: Person) -> FlaskClient:
    """A browser of its own, logged in as ``person``."""
    client = app.test_client()
    response = Auth(client).login(person.email)
    assert response.status_code == 302, html(response)
    return client


def region_id(code: str = AMSTERDAM) -> int:
    region = region_by_code(code)
    assert region is not None
    return region.id


def start(
    app: Flask,
    author: Person,
    *,
    title: str = "Logeren bij De Vuurtoren",
    kind: str = "ervaring",
    themes: Sequence[str] = ("logeren",),
    body: str = "Wij logeren daar elke maand.",
    code: str = AMSTERDAM,
) -> int:
    """A thread started through the service, committed; its id."""
    with app.app_context():
        thread = start_thread(
            region=region_by_code(code),
            author=db.session.get(User, author.id),
            title=title,
            kind=kind,
            themes=themes,
            body=body,
        )
        db.session.commit()
        return thread.id


def reply(app: Flask, thread_id: int, author: Person, body: str, parent: int | None = None) -> int:
    """A reply made through the service, committed; its id."""
    with app.app_context():
        post = reply_to(
            thread=db.session.get(Thread, thread_id),
            author=db.session.get(User, author.id),
            body=body,
            parent=db.session.get(Post, parent) if parent else None,
        )
        db.session.commit()
        return post.id


def opening_id(app: Flask, thread_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(True))
        )


def rows(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


_rendered: dict[str, str] = {}


def rendered(source: str) -> str:
    if source not in _rendered:
        _rendered[source] = str(render_markdown(source))
    return _rendered[source]


def thread_row(
    number: int, *, region: int, author: int | None, at: datetime, **changes: Any
) -> dict[str, Any]:
    """The columns of a thread as ``start_thread`` sets them; counters are filled in later."""
    row: dict[str, Any] = {
        "region_id": region,
        "author_id": author,
        "title": f"Onderwerp {number:04d}",
        "kind": KINDS[number % len(KINDS)],
        "is_pinned": False,
        "is_locked": False,
        "is_demo": False,
        "reply_count": 0,
        "recommendation_count": 0,
        "has_accepted_answer": False,
        "created_at": at,
        "last_activity_at": at,
    }
    row.update(changes)
    return row


def insert_threads(threads: list[dict[str, Any]], themes: Sequence[Sequence[str]]) -> list[int]:
    """Threads with their themes and opening posts, in three statements; their ids in order."""
    ids = list(
        db.session.scalars(
            insert(Thread).returning(Thread.id, sort_by_parameter_order=True), threads
        )
    )
    db.session.execute(
        insert(ThreadTheme),
        [
            {"thread_id": thread_id, "theme": theme}
            for thread_id, chosen in zip(ids, themes, strict=True)
            for theme in dict.fromkeys(chosen)
        ],
    )
    body = "Zo gaat het bij ons. *Wat herken je?*"
    db.session.execute(
        insert(Post),
        [
            {
                "thread_id": thread_id,
                "author_id": row["author_id"],
                "is_opening": True,
                "depth": 0,
                "path": "",
                "body_source": body,
                "body_html": rendered(body),
                "created_at": row["created_at"],
            }
            for thread_id, row in zip(ids, threads, strict=True)
        ],
    )
    return ids


@dataclass
class NewReply:
    thread_id: int
    author_id: int | None
    at: datetime
    parent: int | None = None
    """Index, in the same list, of the earlier reply this one answers; None: the thread."""
    body: str = "Bij ons werkt het **ook** zo."
    edited: bool = False
    deleted: bool = False
    accepted: bool = False


def insert_replies(replies: Sequence[NewReply]) -> list[int]:
    """Replies as ``reply_to``, ``edit_post``, ``delete_post`` and ``accept_answer`` leave them.

    One insert per depth, one update for ``root_id``/``path`` and one for the thread counters.
    Returns the ids in the order of ``replies``.
    """
    if not replies:
        return []
    depth: list[int] = []
    for index, new in enumerate(replies):
        assert new.parent is None or new.parent < index
        depth.append(1 if new.parent is None else depth[new.parent] + 1)
    ids = [0] * len(replies)
    roots = [0] * len(replies)
    paths = [""] * len(replies)
    for level in sorted(set(depth)):
        indexes = [i for i, d in enumerate(depth) if d == level]
        values = []
        for i in indexes:
            new = replies[i]
            body = new.body if not new.edited else new.body + " Aangevuld."
            values.append(
                {
                    "thread_id": new.thread_id,
                    "author_id": new.author_id,
                    "parent_id": None if new.parent is None else ids[new.parent],
                    "is_opening": False,
                    "depth": level,
                    "body_source": "" if new.deleted else body,
                    "body_html": "" if new.deleted else rendered(body),
                    "created_at": new.at,
                    "edited_at": new.at + timedelta(hours=1) if new.edited else None,
                    "deleted_at": new.at + timedelta(hours=2) if new.deleted else None,
                    "accepted_at": new.at + timedelta(hours=3) if new.accepted else None,
                }
            )
        made = db.session.scalars(
            insert(Post).returning(Post.id, sort_by_parameter_order=True), values
        )
        for i, post_id in zip(indexes, made, strict=True):
            parent = replies[i].parent
            ids[i] = post_id
            roots[i] = post_id if parent is None else roots[parent]
            paths[i] = ("" if parent is None else paths[parent]) + f"{post_id:010d}/"
    db.session.execute(
        update(Post),
        [
            {"id": post_id, "root_id": root, "path": path}
            for post_id, root, path in zip(ids, roots, paths, strict=True)
        ],
    )
    revisions = [
        {
            "post_id": post_id,
            "title": None,
            "body_source": new.body,
            "written_at": new.at,
            "replaced_at": new.at + timedelta(hours=1),
        }
        for post_id, new in zip(ids, replies, strict=True)
        if new.edited and not new.deleted
    ]
    if revisions:
        db.session.execute(insert(PostRevision), revisions)
    thread_ids = {new.thread_id for new in replies}
    current = {
        thread.id: thread
        for thread in db.session.scalars(select(Thread).where(Thread.id.in_(thread_ids)))
    }
    changes = []
    for thread_id, thread in current.items():
        mine = [new for new in replies if new.thread_id == thread_id]
        changes.append(
            {
                "id": thread_id,
                "reply_count": thread.reply_count + sum(not new.deleted for new in mine),
                "last_activity_at": max([thread.last_activity_at, *(new.at for new in mine)]),
                "has_accepted_answer": thread.has_accepted_answer
                or any(new.accepted and not new.deleted for new in mine),
            }
        )
    db.session.execute(update(Thread), changes)
    return ids


def insert_recommendations(thread_id: int, user_ids: Sequence[int]) -> None:
    """A recommendation ("dit werkt ook bij ons") from each of ``user_ids``, and the counter."""
    db.session.execute(
        insert(Recommendation), [{"thread_id": thread_id, "user_id": u} for u in user_ids]
    )
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(recommendation_count=Thread.recommendation_count + len(user_ids))
    )


def branches(
    rng: random.Random,
    *,
    thread_id: int,
    authors: Sequence[int | None],
    sizes: Sequence[int],
    start_at: datetime,
    number_from: int = 0,
) -> list[NewReply]:
    """Branches of the given sizes; within a branch each reply answers a random earlier one.

    Reply number ``n`` (counted from ``number_from``) is by ``authors[n % len(authors)]``, edited
    when ``n % 7 == 3`` and deleted when ``n % 23 == 11``.
    """
    replies: list[NewReply] = []
    at = start_at
    for size in sizes:
        first = len(replies)
        for n in range(size):
            at += timedelta(minutes=1)
            index = len(replies)
            number = number_from + index
            replies.append(
                NewReply(
                    thread_id=thread_id,
                    author_id=authors[number % len(authors)],
                    at=at,
                    parent=None if n == 0 else rng.randrange(first, index),
                    body=f"Reactie nummer {number % 5}: dat **herken** ik.",
                    edited=number % 7 == 3,
                    deleted=number % 23 == 11,
                )
            )
    return replies


# --- reading pages --------------------------------------------------------------------------


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def plain(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def tag_of(page: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|textarea)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert match, f'no control with id="{field_id}"'
    return match.group(0)


def title_value(page: str) -> str:
    """What the title box of a form holds."""
    value = re.search(r'\bvalue="([^"]*)"', tag_of(page, "title"))
    return html_lib.unescape(value.group(1)) if value else ""


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert match, f"no input named {name}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    assert value, f"input {name} has no value"
    return html_lib.unescape(value.group(1))


def textarea_text(page: str, field_id: str) -> str:
    match = re.search(
        rf'<textarea\b[^>]*\bid="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert match, f'no textarea with id="{field_id}"'
    return html_lib.unescape(match.group(1).lstrip("\r\n"))


def checked_values(page: str, name: str) -> set[str]:
    tags = re.findall(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tags, f"no inputs named {name}"
    return {
        html_lib.unescape(re.search(r'\bvalue="([^"]*)"', tag).group(1))
        for tag in tags
        if re.search(r"\schecked\b", tag)
    }


def error_at(page: str, field_id: str) -> str:
    """The error text shown at a field (empty if none)."""
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</div>', page, re.S)
    return plain(match.group(1)) if match else ""


def error_summary(page: str) -> str:
    match = re.search(r"<div\b[^>]*data-error-summary[^>]*>(.*?)</div>", page, re.S)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class ShownReply:
    id: int
    indent: int
    html: str

    @property
    def text(self) -> str:
        return plain(self.html)


REPLY_RE = re.compile(
    r'<li class="lp-reply lp-reply--depth-(\d+)">\s*'
    r'<article class="lp-post" id="bericht-(\d+)">(.*?)</article>',
    re.S,
)
THREAD_ROW_RE = re.compile(
    r'<h3 class="lp-thread__title"><a\b[^>]*\bhref="/onderwerp/(\d+)"[^>]*>(.*?)</a></h3>', re.S
)
PAGES_RE = re.compile(r"Pagina (\d+) van (\d+)")


def replies_on(page: str) -> list[ShownReply]:
    return [ShownReply(int(i), int(d), body) for d, i, body in REPLY_RE.findall(page)]


def listed(page: str) -> list[int]:
    """The thread ids in the region page's list of conversations, in order."""
    return [int(thread_id) for thread_id, _title in THREAD_ROW_RE.findall(page)]


def next_page(page: str) -> tuple[str, dict[str, list[str]]]:
    """Path and query of the "next page" link."""
    match = re.search(r'<a\b[^>]*\brel="next"[^>]*\bhref="([^"]+)"', page)
    assert match, "no link to the next page"
    address = urlsplit(html_lib.unescape(match.group(1)))
    return address.path, parse_qs(address.query)


def page_count(page: str) -> int:
    match = PAGES_RE.search(page)
    return int(match.group(2)) if match else 1


def new_thread_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Logeerhuis met nachtzorg in Noord",
        "kind": "goed_voorbeeld",
        "themes": ["logeren", "personeel"],
        "body": "Bij *De Vuurtoren* is 's nachts altijd een verpleegkundige wakker.",
        "action": "post",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- 1. starting a thread: errors keep what was typed ---------------------------------------


@pytest.mark.parametrize(
    ("changes", "field_id", "anchor", "message"),
    [
        pytest.param({"title": ""}, "title", "title", "Schrijf een titel.", id="empty-title"),
        pytest.param(
            {"title": "Hoi"}, "title", "title", "Gebruik 5 tot 150 tekens.", id="short-title"
        ),
        pytest.param(
            {"title": "        "}, "title", "title", "Schrijf een titel.", id="blank-title"
        ),
        pytest.param(
            {"title": "   Hoi   "},
            "title",
            "title",
            "Gebruik 5 tot 150 tekens.",
            id="short-title-padded-with-spaces",
        ),
        pytest.param(
            {"themes": []}, "themes", "themes-0", "Kies minstens één thema.", id="no-theme"
        ),
        pytest.param(
            {"kind": None}, "kind", "kind-0", "Kies wat voor bericht het is.", id="no-kind"
        ),
        pytest.param({"body": ""}, "body", "body", "Schrijf je bericht.", id="empty-body"),
        pytest.param({"body": "   \n\t  "}, "body", "body", "Schrijf je bericht.", id="blank-body"),
        pytest.param(
            {"body": "Lang verhaal. " + "x" * MAX_SOURCE_LENGTH},
            "body",
            "body",
            f"Je bericht is te lang: maximaal {MAX_SOURCE_LENGTH} tekens.",
            id="body-too-long",
        ),
    ],
)
def test_a_thread_with_bad_input_shows_errors_and_keeps_what_was_typed(
    app: Flask,
    people: People,
    changes: dict[str, Any],
    field_id: str,
    anchor: str,
    message: str,
) -> None:
    client = client_of(app, people.anna)
    data = new_thread_form(**changes)

    response = post_form(client, f"/regio/{AMSTERDAM}/nieuw", data)

    assert response.status_code == 200
    page = html(response)
    assert error_at(page, field_id) == f"Fout: {message}", "one Dutch message at the field"
    summary = error_summary(page)
    assert f'href="#{anchor}"' in summary
    assert message in plain(summary)
    assert page.index("data-error-summary") < page.index('<form method="post" action="/regio/')
    others = {"title", "kind", "themes", "body"} - {field_id}
    assert not [other for other in others if error_at(page, other)]
    assert title_value(page) == data.get("title", "").strip(), "spaces around a title do not count"
    assert textarea_text(page, "body") == data.get("body", "")
    assert checked_values(page, "kind") == ({data["kind"]} if "kind" in data else set())
    assert checked_values(page, "themes") == set(data.get("themes", []))
    assert rows(app, Thread) == rows(app, Post) == 0


def test_a_thread_with_everything_wrong_lists_every_problem_above_the_form(
    app: Flask, people: People
) -> None:
    client = client_of(app, people.anna)
    data = new_thread_form(title="", kind=None, themes=[], body="")

    page = html(post_form(client, f"/regio/{AMSTERDAM}/nieuw", data))

    summary = error_summary(page)
    for anchor in ("title", "kind-0", "themes-0", "body"):
        assert f'href="#{anchor}"' in summary
    assert "Er zijn 4 fouten in het formulier" in page
    assert rows(app, Thread) == 0


@pytest.mark.parametrize("path", [f"/regio/{AMSTERDAM}/nieuw", "/landelijk/nieuw"])
def test_the_privacy_hint_stands_above_the_editor(app: Flask, people: People, path: str) -> None:
    page = html(client_of(app, people.anna).get(path))
    hint = page.index("lp-privacy-hint")
    assert hint < page.index('name="body"')
    text = " ".join(plain(page[hint : page.index("</div>", hint)]).split())
    assert "naam" in text
    assert "geboortedatum" in text
    assert "foto" in text
    assert 'href="/huisregels"' in page[hint:]


def test_a_good_thread_is_stored_and_shown(app: Flask, people: People) -> None:
    client = client_of(app, people.anna)

    response = post_form(client, f"/regio/{AMSTERDAM}/nieuw", new_thread_form())

    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalar(select(Thread))
        assert thread.title == "Logeerhuis met nachtzorg in Noord"
        assert thread.kind == "goed_voorbeeld"
        assert thread.themes == [Theme.LOGEREN, Theme.PERSONEEL]
        assert thread.author_id == people.anna.id
        thread_id = thread.id
    assert response.headers["Location"] == f"/onderwerp/{thread_id}"
    page = html(client.get(response.headers["Location"]))
    assert "<em>De Vuurtoren</em>" in page
    assert "Je bericht staat online" in page


# --- 2. preview ---------------------------------------------------------------------------


PREVIEW_SOURCE = "Dit is **belangrijk**:\n\n- logeren\n- vervoer\n\n[Meer](https://example.nl)"


def preview_of(page: str) -> str:
    match = re.search(r'<section class="lp-preview"[^>]*>(.*?)</section>', page, re.S)
    assert match, "no preview on the page"
    return match.group(1)


def test_preview_of_a_new_thread_renders_markdown_and_stores_nothing(
    app: Flask, people: People
) -> None:
    client = client_of(app, people.anna)
    data = new_thread_form(body=PREVIEW_SOURCE, action="preview")

    response = post_form(client, f"/regio/{AMSTERDAM}/nieuw", data)

    assert response.status_code == 200
    page = html(response)
    preview = preview_of(page)
    assert "Voorbeeld: zo zien anderen het" in preview
    assert "<strong>belangrijk</strong>" in preview
    assert "<li>logeren</li>" in preview
    assert 'href="https://example.nl"' in preview
    assert "data-error-summary" not in page
    assert textarea_text(page, "body") == PREVIEW_SOURCE
    assert checked_values(page, "themes") == {"logeren", "personeel"}
    assert rows(app, Thread) == rows(app, Post) == 0


def test_preview_of_a_reply_renders_markdown_and_stores_nothing(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    client = client_of(app, people.bram)

    response = post_form(
        client,
        f"/onderwerp/{thread_id}/reageren",
        {"body": PREVIEW_SOURCE, "action": "preview"},
        token_page=f"/onderwerp/{thread_id}",
    )

    assert response.status_code == 200
    page = html(response)
    assert "<strong>belangrijk</strong>" in preview_of(page)
    assert textarea_text(page, "body") == PREVIEW_SOURCE
    assert rows(app, Post) == 1
    with app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == 0


def test_an_empty_reply_shows_the_error_and_stores_nothing(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    parent = reply(app, thread_id, people.carla, "Wie herkent dit?")
    client = client_of(app, people.bram)

    response = post_form(client, f"/bericht/{parent}/reageren", {"body": "  ", "action": "post"})

    assert response.status_code == 200
    page = html(response)
    assert error_at(page, "body") == "Fout: Schrijf je bericht."
    assert 'href="#body"' in error_summary(page)
    assert "Wie herkent dit?" in page
    assert rows(app, Post) == 2


# --- 3. double submission -------------------------------------------------------------------


def test_sending_the_new_thread_form_twice_makes_one_thread(app: Flask, people: People) -> None:
    client = client_of(app, people.anna)
    form = html(client.get(f"/regio/{AMSTERDAM}/nieuw"))
    data = {
        "csrf_token": hidden_value(form, "csrf_token"),
        "submission_key": hidden_value(form, "submission_key"),
        **new_thread_form(),
    }

    first = client.post(f"/regio/{AMSTERDAM}/nieuw", data=data)
    second = client.post(f"/regio/{AMSTERDAM}/nieuw", data=data)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert rows(app, Thread) == 1
    assert rows(app, Post) == 1
    assert client.get(second.headers["Location"]).status_code == 200


def test_sending_a_reply_twice_makes_one_reply(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    client = client_of(app, people.bram)
    page = html(client.get(f"/onderwerp/{thread_id}"))
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "submission_key": hidden_value(page, "submission_key"),
        "body": "Bij ons ook!",
        "action": "post",
    }

    first = client.post(f"/onderwerp/{thread_id}/reageren", data=data)
    second = client.post(f"/onderwerp/{thread_id}/reageren", data=data)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].startswith(f"/onderwerp/{thread_id}#bericht-")
    with app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == 1
    assert rows(app, Post) == 2
    shown = replies_on(html(client.get(f"/onderwerp/{thread_id}")))
    assert [r.text.count("Bij ons ook!") for r in shown] == [1]


def test_sending_a_reply_to_a_reply_twice_makes_one_reply(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    parent = reply(app, thread_id, people.bram, "Wie weet een logeerhuis?")
    client = client_of(app, people.carla)
    page = html(client.get(f"/bericht/{parent}/reageren"))
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "submission_key": hidden_value(page, "submission_key"),
        "body": "De Vuurtoren!",
        "action": "post",
    }

    first = client.post(f"/bericht/{parent}/reageren", data=data)
    second = client.post(f"/bericht/{parent}/reageren", data=data)

    assert first.headers["Location"] == second.headers["Location"]
    assert rows(app, Post) == 3


# --- 4. threaded replies and permalinks -----------------------------------------------------


def test_a_reply_to_a_reply_is_shown_indented_under_its_parent(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna, title="Wie kent een goed logeerhuis?", kind="vraag")
    bram = client_of(app, people.bram)
    first = post_form(
        bram,
        f"/onderwerp/{thread_id}/reageren",
        {"body": "Probeer De Vuurtoren.", "action": "post"},
        token_page=f"/onderwerp/{thread_id}",
    )
    assert first.status_code == 302
    first_id = int(first.headers["Location"].rsplit("bericht-", 1)[1])
    second_id = reply(app, thread_id, people.carla, "Of Huize Zon, in Noord.")
    anna = client_of(app, people.anna)
    nested = post_form(
        anna, f"/bericht/{first_id}/reageren", {"body": "Hebben ze nachtzorg?", "action": "post"}
    )
    assert nested.status_code == 302
    nested_id = int(nested.headers["Location"].rsplit("bericht-", 1)[1])

    page = html(anna.get(f"/onderwerp/{thread_id}"))

    shown = replies_on(page)
    assert [(r.id, r.indent) for r in shown] == [(first_id, 1), (nested_id, 2), (second_id, 1)]
    assert "Hebben ze nachtzorg?" in shown[1].text
    for shown_reply in shown:
        assert f'href="/bericht/{shown_reply.id}"' in shown_reply.html
    assert "Anna de Vries" in shown[1].text
    with app.app_context():
        nested_post = db.session.get(Post, nested_id)
        assert (nested_post.parent_id, nested_post.root_id, nested_post.depth) == (
            first_id,
            first_id,
            2,
        )


def test_deep_replies_flatten_and_say_whom_they_answer(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    authors = [people.bram, people.carla]
    chain: list[int] = []
    for depth in range(1, 7):
        chain.append(
            reply(
                app,
                thread_id,
                authors[depth % 2],
                f"Antwoord op diepte {depth}",
                parent=chain[-1] if chain else None,
            )
        )

    shown = replies_on(html(client_of(app, people.anna).get(f"/onderwerp/{thread_id}")))

    assert [r.id for r in shown] == chain
    assert [r.indent for r in shown] == [1, 2, 3, 4, 4, 4]
    for depth, (post, parent) in enumerate(zip(shown[1:], shown, strict=False), start=2):
        context = re.search(r'<p class="lp-post__context([^"]*)">(.*?)</p>', post.html, re.S)
        assert context, f"reply at depth {depth} does not say what it answers"
        assert f'href="#bericht-{parent.id}"' in context.group(2)
        assert authors[(depth - 1) % 2].name in plain(context.group(2))
        if depth > 4:
            assert "lp-visually-hidden" not in context.group(1)
            assert "reactie op" in plain(context.group(2)).lower()


def test_a_permalink_leads_to_the_page_and_place_of_the_post(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    with app.app_context():
        ids = insert_replies(
            [
                NewReply(thread_id=thread_id, author_id=people.bram.id, at=utcnow())
                for _ in range(REPLIES_PER_PAGE + 5)
            ]
        )
        db.session.commit()
    opening = opening_id(app, thread_id)
    client = client_of(app, people.carla)

    assert client.get(f"/bericht/{opening}").headers["Location"] == (
        f"/onderwerp/{thread_id}#bericht-{opening}"
    )
    assert client.get(f"/bericht/{ids[0]}").headers["Location"] == (
        f"/onderwerp/{thread_id}#bericht-{ids[0]}"
    )
    last = client.get(f"/bericht/{ids[-1]}")
    assert last.status_code == 302
    assert last.headers["Location"] == f"/onderwerp/{thread_id}?pagina=2#bericht-{ids[-1]}"
    page = html(client.get(f"/onderwerp/{thread_id}?pagina=2"))
    assert f'id="bericht-{ids[-1]}"' in page
    assert f'href="/bericht/{ids[-1]}"' in page
    assert client.get("/bericht/999999").status_code == 404


# --- 5. paging keeps branches whole ---------------------------------------------------------


def test_pages_of_a_long_thread_hold_whole_branches_and_every_post_once(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna)
    rng = random.Random(5515)
    sizes = [rng.randint(1, 12) for _ in range(40)]
    sizes[7] = REPLIES_PER_PAGE + 15  # one branch longer than a page
    with app.app_context():
        authors = [people.bram.id, people.carla.id, people.anna.id]
        ids = insert_replies(
            branches(rng, thread_id=thread_id, authors=authors, sizes=sizes, start_at=utcnow())
        )
        db.session.commit()
        truth = {
            post.id: (post.root_id, post.path)
            for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))
        }
    branch_of: dict[int, set[int]] = {}
    for post_id, (root, _path) in truth.items():
        branch_of.setdefault(root, set()).add(post_id)
    client = client_of(app, people.bram)

    first = html(client.get(f"/onderwerp/{thread_id}"))
    pages = page_count(first)
    seen: list[int] = []
    roots_per_page: list[set[int]] = []
    for number in range(1, pages + 1):
        page = first if number == 1 else html(client.get(f"/onderwerp/{thread_id}?pagina={number}"))
        assert f"Pagina {number} van {pages}" in page
        on_page = [r.id for r in replies_on(page)]
        assert on_page == sorted(on_page, key=lambda post_id: truth[post_id])
        roots = {truth[post_id][0] for post_id in on_page}
        for root in roots:
            assert branch_of[root] <= set(on_page), f"branch {root} torn on page {number}"
        roots_per_page.append(roots)
        seen.extend(on_page)

    assert pages > 3
    assert len(seen) == len(set(seen)) == len(ids)
    assert set(seen) == set(ids)
    big_branch = branch_of[ids[sum(sizes[:7])]]
    assert len(big_branch) > REPLIES_PER_PAGE
    for root in branch_of:
        assert [root in roots for roots in roots_per_page].count(True) == 1
    for number in (1, pages):
        sample = [
            r.id for r in replies_on(html(client.get(f"/onderwerp/{thread_id}?pagina={number}")))
        ]
        for post_id in (sample[0], sample[-1]):
            expected = f"/onderwerp/{thread_id}" + (f"?pagina={number}" if number > 1 else "")
            location = client.get(f"/bericht/{post_id}").headers["Location"]
            assert location == f"{expected}#bericht-{post_id}"


def test_remembered_page_bounds_follow_a_new_reply(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    with app.app_context():
        insert_replies(
            [
                NewReply(thread_id=thread_id, author_id=people.bram.id, at=utcnow())
                for _ in range(REPLIES_PER_PAGE)
            ]
        )
        db.session.commit()
    client = client_of(app, people.carla)
    assert page_count(html(client.get(f"/onderwerp/{thread_id}"))) == 1
    with app.app_context():
        (latest,) = insert_replies(
            [NewReply(thread_id=thread_id, author_id=people.bram.id, at=utcnow())]
        )
        db.session.commit()
    first = html(client.get(f"/onderwerp/{thread_id}"))
    assert page_count(first) == 2
    assert f'id="bericht-{latest}"' not in first
    assert f'id="bericht-{latest}"' in html(client.get(f"/onderwerp/{thread_id}?pagina=2"))


def test_a_page_after_a_long_branch_is_filled_again(app: Flask, people: People) -> None:
    """A page takes whole branches until it holds a page's worth: after a branch longer than
    the rest of a page, the next page starts empty and fills up, however the replies before it
    add up (a page of one reply in the middle of a thread would be a page for nothing)."""
    thread_id = start(app, people.anna)
    sizes = [30, REPLIES_PER_PAGE * 2 + 9, 1, 5]
    with app.app_context():
        ids = insert_replies(
            branches(
                random.Random(7),
                thread_id=thread_id,
                authors=[people.bram.id],
                sizes=sizes,
                start_at=utcnow(),
            )
        )
        db.session.commit()
    client = client_of(app, people.bram)
    first = html(client.get(f"/onderwerp/{thread_id}"))
    second = html(client.get(f"/onderwerp/{thread_id}?pagina=2"))
    assert page_count(first) == 2
    assert len(replies_on(first)) == sizes[0] + sizes[1]
    assert {r.id for r in replies_on(second)} == set(ids[sizes[0] + sizes[1] :])
    location = client.get(f"/bericht/{ids[-1]}").headers["Location"]
    assert location == f"/onderwerp/{thread_id}?pagina=2#bericht-{ids[-1]}"


# --- 6. editing and deleting ----------------------------------------------------------------


def test_editing_a_reply_shows_edited_and_keeps_the_earlier_version(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna)
    post_id = reply(app, thread_id, people.bram, "Eerste versie van mijn verhaal.")
    client = client_of(app, people.bram)
    form = html(client.get(f"/bericht/{post_id}/bewerken"))
    assert textarea_text(form, "body") == "Eerste versie van mijn verhaal."

    response = post_form(
        client, f"/bericht/{post_id}/bewerken", {"body": "Tweede versie, met **nachtzorg**."}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/onderwerp/{thread_id}#bericht-{post_id}"
    shown = replies_on(html(client.get(f"/onderwerp/{thread_id}")))[0]
    assert "bewerkt" in shown.text
    assert "<strong>nachtzorg</strong>" in shown.html
    assert "Eerste versie" not in shown.html
    assert f'href="/bericht/{post_id}/geschiedenis"' in shown.html
    history = html(client.get(f"/bericht/{post_id}/geschiedenis"))
    assert "Eerdere versies" in history
    assert "Eerste versie van mijn verhaal." in history
    assert history.index("Tweede versie") < history.index("Eerste versie")


def test_preview_of_an_edit_changes_nothing(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    post_id = reply(app, thread_id, people.bram, "Zoals het er eerst stond.")
    client = client_of(app, people.bram)

    response = post_form(
        client, f"/bericht/{post_id}/bewerken", {"body": PREVIEW_SOURCE, "action": "preview"}
    )

    assert response.status_code == 200
    assert "<strong>belangrijk</strong>" in preview_of(html(response))
    assert textarea_text(html(response), "body") == PREVIEW_SOURCE
    assert rows(app, PostRevision) == 0
    shown = replies_on(html(client.get(f"/onderwerp/{thread_id}")))[0]
    assert "Zoals het er eerst stond." in shown.text
    assert "bewerkt" not in shown.text


def test_editing_the_opening_post_keeps_the_earlier_title(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna, title="Logeren in Noord", body="Oude tekst.")
    opening = opening_id(app, thread_id)
    client = client_of(app, people.anna)

    response = post_form(
        client,
        f"/bericht/{opening}/bewerken",
        {"title": "Logeren in Amsterdam-Noord", "body": "Nieuwe tekst."},
    )

    assert response.status_code == 302
    page = html(client.get(f"/onderwerp/{thread_id}"))
    assert "<h1>Logeren in Amsterdam-Noord</h1>" in page
    assert "bewerkt" in page
    history = plain(html(client.get(f"/bericht/{opening}/geschiedenis")))
    assert "Titel: Logeren in Noord" in history
    assert "Oude tekst." in history


def test_editing_without_changes_adds_no_version(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    post_id = reply(app, thread_id, people.bram, "Zelfde tekst.")
    client = client_of(app, people.bram)

    post_form(client, f"/bericht/{post_id}/bewerken", {"body": "Zelfde tekst."})

    assert rows(app, PostRevision) == 0
    assert "bewerkt" not in replies_on(html(client.get(f"/onderwerp/{thread_id}")))[0].text


def test_a_deleted_reply_leaves_a_placeholder_and_its_replies_stay(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna)
    parent = reply(app, thread_id, people.bram, "Wat ik eerst schreef.")
    child = reply(app, thread_id, people.carla, "Mijn antwoord blijft staan.", parent=parent)
    client = client_of(app, people.bram)
    post_form(client, f"/bericht/{parent}/bewerken", {"body": "Wat ik daarna schreef."})
    confirm = html(client.get(f"/bericht/{parent}/verwijderen"))
    assert "Wat ik daarna schreef." in confirm

    response = post_form(client, f"/bericht/{parent}/verwijderen", {})

    assert response.status_code == 302
    shown = replies_on(html(client.get(f"/onderwerp/{thread_id}")))
    assert [(r.id, r.indent) for r in shown] == [(parent, 1), (child, 2)]
    assert "Dit bericht is verwijderd door de schrijver." in shown[0].text
    assert "schreef" not in shown[0].text
    assert "bewerkt" not in shown[0].text
    assert "Mijn antwoord blijft staan." in shown[1].text
    assert "Carla Bos" in shown[1].text
    history = html(client.get(f"/bericht/{parent}/geschiedenis"))
    assert "schreef" not in history
    with app.app_context():
        post = db.session.get(Post, parent)
        assert (post.body_source, post.body_html) == ("", "")
        assert post.deleted_at is not None


def test_a_reply_written_while_its_parent_was_deleted_is_kept_under_the_placeholder(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna)
    parent = reply(app, thread_id, people.bram, "Een vraag van Bram.")
    carla = client_of(app, people.carla)
    token_page = f"/bericht/{parent}/reageren"
    form_token = csrf_token(carla, token_page)
    post_form(client_of(app, people.bram), f"/bericht/{parent}/verwijderen", {})

    assert carla.get(token_page).status_code == 302, "no new reply to a deleted post is offered"
    sent = carla.post(
        token_page,
        data={"csrf_token": form_token, "body": "Mijn antwoord op de vraag.", "action": "post"},
    )

    assert sent.status_code == 302
    shown = replies_on(html(carla.get(f"/onderwerp/{thread_id}")))
    assert (shown[0].id, shown[0].indent) == (parent, 1)
    assert "Mijn antwoord op de vraag." in shown[1].text


# --- 7. accepted answer ---------------------------------------------------------------------


def test_the_asker_marks_an_answer_and_can_withdraw_it(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna, title="Wie kent vervoer naar dagbesteding?", kind="vraag")
    first = reply(app, thread_id, people.bram, "Bel de regiotaxi.")
    helpful = reply(app, thread_id, people.carla, "De gemeente vergoedt **eigen vervoer**.")
    anna = client_of(app, people.anna)
    page = html(anna.get(f"/onderwerp/{thread_id}"))
    assert f'action="/bericht/{helpful}/antwoord"' in page

    response = post_form(
        anna, f"/bericht/{helpful}/antwoord", {}, token_page=f"/onderwerp/{thread_id}"
    )

    assert response.status_code == 302
    page = html(anna.get(f"/onderwerp/{thread_id}"))
    answer = re.search(r'<section class="lp-answer".*?</section>', page, re.S)
    assert answer, "the accepted answer is not shown"
    assert "Het antwoord dat hielp" in answer.group(0)
    assert "<strong>eigen vervoer</strong>" in answer.group(0)
    assert "Carla Bos" in answer.group(0)
    assert "regiotaxi" not in answer.group(0)
    opening = page.index(f'id="bericht-{opening_id(app, thread_id)}"')
    assert opening < answer.start() < page.index('id="reacties-titel"')
    shown = {r.id: r for r in replies_on(page)}
    assert "Antwoord dat hielp" in shown[helpful].text
    assert "Antwoord dat hielp" not in shown[first].text
    assert "Beantwoord" in html(anna.get(f"/regio/{AMSTERDAM}"))

    post_form(
        anna, f"/onderwerp/{thread_id}/antwoord-intrekken", {}, token_page=f"/onderwerp/{thread_id}"
    )

    page = html(anna.get(f"/onderwerp/{thread_id}"))
    assert 'class="lp-answer"' not in page
    assert "Beantwoord" not in html(anna.get(f"/regio/{AMSTERDAM}"))
    with app.app_context():
        assert not db.session.get(Thread, thread_id).has_accepted_answer
        assert db.session.get(Post, helpful).accepted_at is None


def test_marking_another_answer_replaces_the_first(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna, kind="vraag")
    first = reply(app, thread_id, people.bram, "Eerste antwoord.")
    second = reply(app, thread_id, people.carla, "Beter antwoord.")
    anna = client_of(app, people.anna)
    post_form(anna, f"/bericht/{first}/antwoord", {}, token_page=f"/onderwerp/{thread_id}")
    post_form(anna, f"/bericht/{second}/antwoord", {}, token_page=f"/onderwerp/{thread_id}")

    page = html(anna.get(f"/onderwerp/{thread_id}"))

    answer = re.search(r'<section class="lp-answer".*?</section>', page, re.S).group(0)
    assert "Beter antwoord." in answer
    assert "Eerste antwoord." not in answer
    with app.app_context():
        accepted = db.session.scalars(select(Post.id).where(Post.accepted_at.is_not(None))).all()
        assert accepted == [second]


def test_deleting_the_accepted_answer_takes_it_away_from_the_question(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna, title="Wie weet een taxi?", kind="vraag")
    answer = reply(app, thread_id, people.bram, "Taxi Tromp rijdt ook rolstoelen.")
    anna = client_of(app, people.anna)
    post_form(anna, f"/bericht/{answer}/antwoord", {}, token_page=f"/onderwerp/{thread_id}")
    bram = client_of(app, people.bram)

    post_form(bram, f"/bericht/{answer}/verwijderen", {})

    page = html(anna.get(f"/onderwerp/{thread_id}"))
    assert 'class="lp-answer"' not in page
    assert "Taxi Tromp" not in page
    assert "Beantwoord" not in html(anna.get(f"/regio/{AMSTERDAM}"))


# --- 8. "dit werkt ook bij ons" -------------------------------------------------------------


def test_a_recommendation_counts_once_per_person_and_can_be_taken_back(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna, title="Logeerhuis met nachtzorg", kind="goed_voorbeeld")
    bram = client_of(app, people.bram)
    page = html(bram.get(f"/onderwerp/{thread_id}"))
    assert "0 deelnemers zeggen: dit werkt ook bij ons." in page
    token = hidden_value(page, "csrf_token")

    first = bram.post(f"/onderwerp/{thread_id}/werkt-ook-bij-ons", data={"csrf_token": token})
    second = bram.post(f"/onderwerp/{thread_id}/werkt-ook-bij-ons", data={"csrf_token": token})

    assert first.status_code == second.status_code == 302
    page = html(bram.get(f"/onderwerp/{thread_id}"))
    assert "1 deelnemer zegt: dit werkt ook bij ons." in page
    assert "Intrekken" in page
    carla = client_of(app, people.carla)
    post_form(
        carla, f"/onderwerp/{thread_id}/werkt-ook-bij-ons", {}, token_page=f"/onderwerp/{thread_id}"
    )
    assert "2 deelnemers zeggen: dit werkt ook bij ons." in html(
        carla.get(f"/onderwerp/{thread_id}")
    )
    assert "werkt ook bij 2 anderen" in html(carla.get(f"/regio/{AMSTERDAM}"))

    post_form(
        bram,
        f"/onderwerp/{thread_id}/werkt-ook-bij-ons",
        {"undo": "1"},
        token_page=f"/onderwerp/{thread_id}",
    )

    page = html(bram.get(f"/onderwerp/{thread_id}"))
    assert "1 deelnemer zegt: dit werkt ook bij ons." in page
    assert "Dit werkt ook bij ons</button>" in page
    with app.app_context():
        assert db.session.get(Thread, thread_id).recommendation_count == 1
        recommenders = db.session.scalars(select(Recommendation.user_id)).all()
        assert recommenders == [people.carla.id]


def test_the_region_page_lists_the_most_recommended_good_practices(
    app: Flask, people: People
) -> None:
    most = start(app, people.anna, title="Nachtzorg bij het logeerhuis", kind="goed_voorbeeld")
    some = start(app, people.bram, title="Taxi met vaste chauffeur", kind="goed_voorbeeld")
    none = start(app, people.carla, title="Dagbesteding aan huis", kind="goed_voorbeeld")
    other = start(app, people.anna, title="Wachtlijst voor wonen", kind="knelpunt")
    with app.app_context():
        for thread_id, fans in [
            (most, [people.bram, people.carla, people.host]),
            (some, [people.anna]),
        ]:
            thread = db.session.get(Thread, thread_id)
            for fan in fans:
                recommend(thread=thread, user=db.session.get(User, fan.id))
        db.session.commit()

    page = html(client_of(app, people.olaf).get(f"/regio/{AMSTERDAM}"))

    section = re.search(r'<section aria-labelledby="aanbevolen-titel".*?</section>', page, re.S)
    assert section, "no list of recommended good practices"
    assert "Goede voorbeelden die ook elders werken" in section.group(0)
    items = [plain(item) for item in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)]
    assert items == [
        "Nachtzorg bij het logeerhuis \N{EN DASH} werkt ook bij 3 anderen",
        "Taxi met vaste chauffeur \N{EN DASH} werkt ook bij 1 ander",
    ]
    assert f'href="/onderwerp/{most}"' in section.group(0)
    assert f'href="/onderwerp/{none}"' not in section.group(0)
    assert f'href="/onderwerp/{other}"' not in section.group(0)


def test_the_region_page_lists_five_good_practices_most_recommended_first_then_latest(
    app: Flask, people: People
) -> None:
    """The list comes with the region in one query (as JSON) and is put in order after: by
    how many recommend it, then by the latest activity; no more than five."""
    now = utcnow()
    counts = {"Eén": 2, "Twee": 5, "Drie": 2, "Vier": 1, "Vijf": 0, "Zes": 3, "Zeven": 2}
    ids = {
        title: start(app, people.anna, title=f"Voorbeeld {title}", kind="goed_voorbeeld")
        for title in counts
    }
    with app.app_context():
        for hours, (title, count) in enumerate(counts.items()):
            thread = db.session.get(Thread, ids[title])
            thread.recommendation_count = count
            thread.last_activity_at = now - timedelta(hours=hours)
        db.session.commit()

    page = html(client_of(app, people.olaf).get(f"/regio/{AMSTERDAM}"))

    section = re.search(r'<section aria-labelledby="aanbevolen-titel".*?</section>', page, re.S)
    assert section, "no list of recommended good practices"
    listed = re.findall(r'href="/onderwerp/(\d+)"', section.group(0))
    # 5, 3, then the three with 2 by latest activity (Eén, Drie, Zeven); Vier and Vijf drop.
    assert listed == [str(ids[title]) for title in ["Twee", "Zes", "Eén", "Drie", "Zeven"]]


def test_the_national_space_lists_the_most_recommended_good_practices_of_every_space(
    app: Flask, people: People
) -> None:
    regional = start(app, people.anna, title="Nachtzorg bij het logeerhuis", kind="goed_voorbeeld")
    national = start(
        app, people.bram, title="Landelijk vervoer regelen", kind="goed_voorbeeld", code="landelijk"
    )
    closed = start(
        app, people.olaf, title="Besloten voorbeeld", kind="goed_voorbeeld", code=KENNEMERLAND
    )
    with app.app_context():
        region_by_code(KENNEMERLAND).members_only = True
        for thread_id, fans in [
            (regional, [people.bram, people.carla]),
            (national, [people.anna]),
            (closed, [people.olaf, people.host, people.carla, people.bram]),
        ]:
            db.session.get(Thread, thread_id).recommendation_count = len(fans)
        db.session.commit()

    page = html(client_of(app, people.anna).get("/landelijk"))
    section = re.search(r'<section aria-labelledby="aanbevolen-titel".*?</section>', page, re.S)
    assert section, "no list of recommended good practices"
    items = [plain(item) for item in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)]
    # Amsterdam's and the national one; not the members-only region Anna is no member of.
    assert items == [
        "Nachtzorg bij het logeerhuis \N{EN DASH} werkt ook bij 2 anderen (Amsterdam)",
        "Landelijk vervoer regelen \N{EN DASH} werkt ook bij 1 ander",
    ]


# --- 9. the region page: filters, order, paging, pinned -------------------------------------


@pytest.fixture
def thirty_threads(app: Flask, people: People) -> dict[str, Any]:
    """30 threads in Amsterdam, created and last active in different orders; the pinned one
    (number 29) is the oldest and the quietest."""
    now = utcnow()
    with app.app_context():
        region = region_id()
        threads = []
        themes = []
        for n in range(30):
            created = now - timedelta(days=n + 1)
            active = now - timedelta(hours=(n * 7) % 30 + 1, minutes=n)
            threads.append(
                thread_row(
                    n,
                    region=region,
                    author=[people.anna.id, people.bram.id, people.carla.id][n % 3],
                    at=created,
                    last_activity_at=active if n != 29 else created,
                    is_pinned=n == 29,
                )
            )
            themes.append(
                [THEMES[n % len(THEMES)], "wonen"] if n % 5 == 0 else [THEMES[n % len(THEMES)]]
            )
        ids = insert_threads(threads, themes)
        db.session.commit()
    return {
        thread_id: {**row, "themes": set(chosen)}
        for thread_id, row, chosen in zip(ids, threads, themes, strict=True)
    }


def expected_order(threads: dict[int, dict[str, Any]], key: str) -> list[int]:
    return sorted(
        threads,
        key=lambda i: (not threads[i]["is_pinned"], -threads[i][key].timestamp(), -i),
    )


def test_the_region_page_shows_25_threads_a_page_pinned_first_latest_activity_first(
    app: Flask, people: People, thirty_threads: dict[int, dict[str, Any]]
) -> None:
    client = client_of(app, people.bram)
    order = expected_order(thirty_threads, "last_activity_at")

    first = html(client.get(f"/regio/{AMSTERDAM}"))
    second = html(client.get(f"/regio/{AMSTERDAM}?pagina=2"))

    assert THREADS_PER_PAGE == 25
    assert listed(first) == order[:25]
    assert listed(second) == order[25:]
    assert thirty_threads[listed(first)[0]]["is_pinned"]
    assert "Vastgezet" in first
    assert "Pagina 1 van 2" in first
    assert "Pagina 2 van 2" in second
    assert next_page(first) == (f"/regio/{AMSTERDAM}", {"pagina": ["2"]})
    # Past the end no row carries the count: it is asked on its own, and the pager still knows.
    beyond = html(client.get(f"/regio/{AMSTERDAM}?pagina=5"))
    assert listed(beyond) == []
    assert "Pagina 5 van 2" in beyond


def test_the_region_page_sorts_by_newest(
    app: Flask, people: People, thirty_threads: dict[int, dict[str, Any]]
) -> None:
    client = client_of(app, people.bram)
    order = expected_order(thirty_threads, "created_at")

    first = html(client.get(f"/regio/{AMSTERDAM}?sorteer=nieuw"))
    second = html(client.get(f"/regio/{AMSTERDAM}?sorteer=nieuw&pagina=2"))

    assert listed(first) + listed(second) == order
    assert listed(first)[0] == next(i for i, t in thirty_threads.items() if t["is_pinned"])
    assert next_page(first) == (f"/regio/{AMSTERDAM}", {"pagina": ["2"], "sorteer": ["nieuw"]})
    assert '<option value="nieuw" selected>' in first


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("soort=vraag", lambda t: t["kind"] == "vraag"),
        ("soort=goed-voorbeeld", lambda t: t["kind"] == "goed_voorbeeld"),
        ("thema=wonen", lambda t: "wonen" in t["themes"]),
        (
            "soort=knelpunt&thema=wonen",
            lambda t: t["kind"] == "knelpunt" and "wonen" in t["themes"],
        ),
    ],
)
def test_the_region_page_filters_by_kind_and_theme(
    app: Flask,
    people: People,
    thirty_threads: dict[int, dict[str, Any]],
    query: str,
    keep: Any,
) -> None:
    client = client_of(app, people.bram)
    wanted = {i: t for i, t in thirty_threads.items() if keep(t)}

    page = html(client.get(f"/regio/{AMSTERDAM}?{query}"))

    assert listed(page) == expected_order(wanted, "last_activity_at")
    found = len(wanted)
    assert f"{found} {'gesprek' if found == 1 else 'gesprekken'} gevonden." in page


def test_an_unknown_filter_shows_everything(
    app: Flask, people: People, thirty_threads: dict[int, dict[str, Any]]
) -> None:
    client = client_of(app, people.bram)
    page = html(client.get(f"/regio/{AMSTERDAM}?soort=onzin&thema=niets&sorteer=raar"))
    assert listed(page) == expected_order(thirty_threads, "last_activity_at")[:25]


# --- 10. members-only regions ---------------------------------------------------------------


def test_a_host_makes_a_region_members_only_and_joining_opens_it(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna, title="Ons geheime logeeradres")
    olaf = client_of(app, people.olaf)
    assert "Ons geheime logeeradres" in html(olaf.get(f"/regio/{AMSTERDAM}"))
    host = client_of(app, people.host)

    response = post_form(
        host,
        f"/regio/{AMSTERDAM}/instellingen",
        {"members_only": "y"},
        token_page=f"/regio/{AMSTERDAM}",
    )

    assert response.status_code == 302
    with app.app_context():
        assert region_by_code(AMSTERDAM).members_only
    page = html(olaf.get(f"/regio/{AMSTERDAM}"))
    assert "Amsterdam" in page
    assert "Deze regio is alleen voor leden. Word lid om mee te lezen." in page
    assert f'action="/regio/{AMSTERDAM}/lid-worden"' in page
    assert "Ons geheime logeeradres" not in page
    assert "/onderwerp/" not in page
    assert olaf.get(f"/onderwerp/{thread_id}").status_code == 403
    assert olaf.get(f"/bericht/{opening_id(app, thread_id)}").status_code == 403
    member_page = html(client_of(app, people.bram).get(f"/regio/{AMSTERDAM}"))
    assert "Ons geheime logeeradres" in member_page

    joined = post_form(olaf, f"/regio/{AMSTERDAM}/lid-worden", {}, token_page=f"/regio/{AMSTERDAM}")

    assert joined.status_code == 302
    assert "Ons geheime logeeradres" in html(olaf.get(f"/regio/{AMSTERDAM}"))
    assert olaf.get(f"/onderwerp/{thread_id}").status_code == 200


def test_a_host_opens_a_members_only_region_again(app: Flask, people: People) -> None:
    start(app, people.anna, title="Weer voor iedereen")
    host = client_of(app, people.host)
    post_form(
        host,
        f"/regio/{AMSTERDAM}/instellingen",
        {"members_only": "y"},
        token_page=f"/regio/{AMSTERDAM}",
    )

    post_form(host, f"/regio/{AMSTERDAM}/instellingen", {}, token_page=f"/regio/{AMSTERDAM}")

    with app.app_context():
        assert not region_by_code(AMSTERDAM).members_only
    assert "Weer voor iedereen" in html(client_of(app, people.olaf).get(f"/regio/{AMSTERDAM}"))


# --- 11. escaping ---------------------------------------------------------------------------


XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'
XSS_BODY = "\n\n".join(
    [
        "<script>alert('b')</script>",
        '<img src="x" onerror="alert(2)">',
        "[klik hier](javascript:alert(3))",
        '<a href="javascript:alert(4)">ook hier</a>',
        "[en hier](JaVaScRiPt:alert(5))",
        "<javascript:alert(6)>",
        '<iframe src="https://evil.example"></iframe>',
    ]
)


class MarkupCheck(HTMLParser):
    """Collects what would run in a browser: scripts, event handlers, script addresses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline <script> {attrs}")
        if tag in {"img", "iframe", "object", "embed", "svg"}:
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            cleaned = "".join(ch for ch in (value or "") if ch > " ").lower()
            if name in {"href", "src", "action", "formaction"} and cleaned.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")


def assert_harmless(page: str) -> None:
    """No script, event handler or javascript: address made it into markup."""
    check = MarkupCheck()
    check.feed(page)
    check.close()
    assert not check.problems, check.problems


def test_html_in_titles_and_posts_is_shown_as_text_everywhere(app: Flask, people: People) -> None:
    with app.app_context():
        named = make_user(display_name='<img src=x onerror="alert(7)">')
        named = Person(named.id, named.email, named.display_name)
    anna = client_of(app, people.anna)
    created = post_form(
        anna,
        f"/regio/{AMSTERDAM}/nieuw",
        new_thread_form(title=XSS_TITLE, body=XSS_BODY, kind="vraag"),
    )
    assert created.status_code == 302, html(created)
    thread_path = created.headers["Location"]
    thread_id = int(thread_path.rsplit("/", 1)[1])
    opening = opening_id(app, thread_id)
    parent = reply(app, thread_id, named, XSS_BODY)
    child = reply(app, thread_id, people.bram, XSS_BODY, parent=parent)
    post_form(anna, f"/bericht/{opening}/bewerken", {"title": XSS_TITLE + " (2)", "body": "Nu."})

    pages = {
        "region": html(anna.get(f"/regio/{AMSTERDAM}")),
        "thread": html(anna.get(thread_path)),
        "home": html(anna.get("/")),
        "other reader": html(client_of(app, people.olaf).get(thread_path)),
        "reply form": html(anna.get(f"/bericht/{child}/reageren")),
        "edit form": html(anna.get(f"/bericht/{opening}/bewerken")),
        "history": html(anna.get(f"/bericht/{opening}/geschiedenis")),
        "form with errors": html(
            post_form(anna, f"/regio/{AMSTERDAM}/nieuw", new_thread_form(title=XSS_TITLE, body=""))
        ),
        "preview": html(
            post_form(
                anna,
                f"/regio/{AMSTERDAM}/nieuw",
                new_thread_form(title=XSS_TITLE, body=XSS_BODY, action="preview"),
            )
        ),
    }

    for name, page in pages.items():
        assert_harmless(page)
        if name in {"form with errors", "preview"}:
            assert title_value(page) == XSS_TITLE, name
        elif name == "edit form":
            assert title_value(page) == XSS_TITLE + " (2)"
        else:
            assert XSS_TITLE in plain(page), name
    thread_page = pages["thread"]
    assert "klik hier" in thread_page
    assert "ook hier" in thread_page
    assert "<script>alert('b')</script>" in plain(thread_page)
    assert named.name in plain(thread_page)
    assert "<script>alert('b')</script>" in plain(preview_of(pages["preview"]))


# --- 12. query counts of the busy pages -----------------------------------------------------


def region_threads(
    *, start_number: int, count: int, region: int, authors: Sequence[int], now: datetime
) -> tuple[list[dict[str, Any]], list[list[str]]]:
    threads = []
    themes = []
    for n in range(start_number, start_number + count):
        at = now - timedelta(hours=n)
        threads.append(
            thread_row(
                n,
                region=region,
                author=authors[n % len(authors)] if n % 13 else None,
                at=at,
                is_pinned=n % 200 == 1,
                is_locked=n % 17 == 5,
                is_demo=n % 19 == 6,
            )
        )
        themes.append(THEMES[n % 9 : n % 9 + 1 + n % 3])
    return threads, themes


def add_region_threads(people: People, *, start_number: int, count: int, now: datetime) -> None:
    """Threads of every kind, some pinned, with replies, answers and recommendations."""
    authors = [people.anna.id, people.bram.id, people.carla.id]
    threads, themes = region_threads(
        start_number=start_number, count=count, region=region_id(), authors=authors, now=now
    )
    fans_of: list[list[int]] = []
    for n, row in enumerate(threads, start=start_number):
        fans: list[int] = []
        if row["kind"] == "goed_voorbeeld":
            fans = [u for u in (people.bram.id, people.host.id) if u != row["author_id"]]
            fans = fans[: 1 + n % 2]
        row["recommendation_count"] = len(fans)
        fans_of.append(fans)
    ids = insert_threads(threads, themes)
    db.session.execute(
        insert(Recommendation),
        [
            {"thread_id": thread_id, "user_id": fan}
            for thread_id, fans in zip(ids, fans_of, strict=True)
            for fan in fans
        ],
    )
    replies = [
        NewReply(
            thread_id=thread_id,
            author_id=people.carla.id,
            at=row["created_at"] + timedelta(minutes=5),
            accepted=n % 8 == 3,
        )
        for n, (thread_id, row) in enumerate(zip(ids, threads, strict=True), start=start_number)
        if row["kind"] == "vraag"
    ]
    insert_replies(replies)
    db.session.commit()


def test_the_region_page_takes_the_same_queries_for_10_and_1000_threads(
    app: Flask, people: People, query_counter: Any
) -> None:
    now = utcnow()
    with app.app_context():
        add_region_threads(people, start_number=0, count=10, now=now)
    readers = {
        "member": client_of(app, people.bram),
        "non_member": client_of(app, people.olaf),
        "anonymous": app.test_client(),
    }
    addresses = [f"/regio/{AMSTERDAM}", f"/regio/{AMSTERDAM}?thema=wonen&sorteer=nieuw"]

    def measure() -> dict[tuple[str, str], int]:
        counts = {}
        for name, client in readers.items():
            for address in addresses:
                with query_counter() as counted:
                    response = client.get(address)
                assert response.status_code == 200
                counts[name, address] = counted.count
        return counts

    few = measure()
    small_page = html(readers["member"].get(f"/regio/{AMSTERDAM}"))
    with app.app_context():
        add_region_threads(people, start_number=10, count=990, now=now)
        assert rows(app, Thread) == 1000
    many = measure()
    big_page = html(readers["member"].get(f"/regio/{AMSTERDAM}"))

    assert len(listed(small_page)) == 10
    assert len(listed(big_page)) == 25
    assert "Pagina 1 van 40" in big_page
    assert "Beantwoord" in big_page
    assert "werkt ook bij" in big_page
    assert few == many, f"10 threads: {few}\n1000 threads: {many}"
    for (name, _address), count in many.items():
        assert count <= REGION_PAGE_QUERIES[name], many


@pytest.mark.parametrize("kind", ["goed_voorbeeld", "vraag"])
def test_the_thread_page_takes_the_same_queries_for_5_and_500_replies(
    app: Flask, people: People, query_counter: Any, kind: str
) -> None:
    thread_id = start(app, people.anna, title="Een druk gesprek", kind=kind)
    authors = [people.bram.id, people.carla.id, people.anna.id, people.host.id, None]
    rng = random.Random(500)
    now = utcnow()
    with app.app_context():
        few = branches(rng, thread_id=thread_id, authors=authors, sizes=[2, 3], start_at=now)
        few[3].accepted = kind == "vraag"
        insert_replies(few)
        if kind == "goed_voorbeeld":
            insert_recommendations(thread_id, [people.bram.id, people.olaf.id])
        db.session.commit()
    readers = {
        "thread_author": client_of(app, people.anna),
        "member": client_of(app, people.bram),
        "non_member": client_of(app, people.olaf),
    }

    def measure(addresses: Sequence[str]) -> dict[str, set[int]]:
        """Queries per reader, once the process knows the thread's page bounds; the first look
        at a thread with a new number of replies works them out: one query more."""
        counts: dict[str, set[int]] = {}
        for name, client in readers.items():
            for address in addresses:
                with query_counter() as first:
                    client.get(address)
                with query_counter() as counted:
                    response = client.get(address)
                assert response.status_code == 200
                assert first.count <= counted.count + 1
                counts.setdefault(name, set()).add(counted.count)
        return counts

    small = measure([f"/onderwerp/{thread_id}"])
    small_page = html(readers["member"].get(f"/onderwerp/{thread_id}"))
    with app.app_context():
        sizes: list[int] = []
        while sum(sizes) < 495:
            sizes.append(min(rng.randint(1, 15), 495 - sum(sizes)))
        more = branches(
            rng,
            thread_id=thread_id,
            authors=authors,
            sizes=sizes,
            start_at=now + timedelta(hours=1),
            number_from=5,
        )
        insert_replies(more)
        db.session.commit()
        assert (
            db.session.scalar(
                select(func.count()).where(Post.thread_id == thread_id, Post.is_opening.is_(False))
            )
            == 500
        )
    big = measure([f"/onderwerp/{thread_id}", f"/onderwerp/{thread_id}?pagina=3"])
    big_page = html(readers["member"].get(f"/onderwerp/{thread_id}"))

    assert len(replies_on(small_page)) == 5
    assert len(replies_on(big_page)) >= REPLIES_PER_PAGE
    assert "bewerkt" in big_page
    assert "Dit bericht is verwijderd door de schrijver." in big_page
    assert "Verwijderde deelnemer" in big_page
    assert small == big, f"5 replies: {small}\n500 replies: {big}"
    assert max(max(counts) for counts in big.values()) <= THREAD_PAGE_QUERIES[kind], big


def test_a_reply_that_commits_after_a_later_one_keeps_the_later_activity(
    app: Flask, people: People
) -> None:
    """Two replies at once: the one stamped earlier may get the thread's row after the other
    committed. The last activity stays at the later time, as the rows say."""
    thread_id = start(app, people.anna)
    later = utcnow() + timedelta(seconds=5)
    with app.app_context():
        db.session.execute(
            update(Thread).where(Thread.id == thread_id).values(last_activity_at=later)
        )
        db.session.commit()
    reply(app, thread_id, people.bram, "Ik was eerder, maar kwam later binnen.")
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread.last_activity_at == later
        assert thread.reply_count == 1


def test_a_reply_moves_the_last_activity_on(app: Flask, people: People) -> None:
    thread_id = start(app, people.anna)
    earlier = utcnow() - timedelta(days=3)
    with app.app_context():
        db.session.execute(
            update(Thread).where(Thread.id == thread_id).values(last_activity_at=earlier)
        )
        db.session.commit()
    post_id = reply(app, thread_id, people.bram, "Nu iets nieuws.")
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert thread.last_activity_at == db.session.get(Post, post_id).created_at


def test_deleting_a_reply_keeps_a_reply_made_meanwhile_in_the_count(
    app: Flask, people: People
) -> None:
    thread_id = start(app, people.anna)
    first = reply(app, thread_id, people.bram, "Eerst dit.")
    with app.app_context():
        post = db.session.get(Post, first)
        assert post.thread.reply_count == 1  # read before the other reply comes in
        reply(app, thread_id, people.carla, "Ondertussen schrijf ik dit.")
        delete_post(post=post)
        db.session.commit()
    with app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == 1
