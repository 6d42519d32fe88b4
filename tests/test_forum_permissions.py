"""Who may do what in the forum: a truth table of role and action, through the real routes.

Each cell builds a small world (four regions, the role, two other members and the posts the
action needs), logs the role in with the login form, does the action with a GET, or a POST with
the CSRF token, and checks what the person gets back and what the database holds afterwards.
States that no route can make yet (a locked thread) are checked on the pure predicates at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leerplatform import permissions
from leerplatform.accounts import services as account_services
from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.forum import services
from leerplatform.forum.models import Post, Recommendation, Thread
from leerplatform.regions.models import NATIONAL_CODE, Region
from tests.conftest import Auth, Mailbox, csrf_token, module_app, wipe_database
from tests.factories import make_user

OPEN, CLOSED, ELSEWHERE = "5515", "5513", "5501"

# What a person gets when they try.
OK = "ok"  # the page (200), or after a POST a redirect and the change is stored
LOGIN = "login"  # a redirect to the login page
NO = 403  # "you may not do this"
HIDE = "hide"  # the region page names the region and how to join, but shows no conversations
NA = None  # the role cannot own what the action needs: it never wrote a post


@dataclass(frozen=True)
class Role:
    region: str
    """The code of the region the role acts in."""
    person: dict[str, Any] | None
    """``make_user`` overrides; None for a visitor."""


ROLES = {
    "bezoeker": Role(OPEN, None),
    "niet bevestigd": Role(OPEN, {"region_code": OPEN, "verified": False}),
    "lid": Role(OPEN, {"region_code": OPEN}),
    "geen lid": Role(OPEN, {"region_code": ELSEWHERE}),
    "lid besloten regio": Role(CLOSED, {"region_code": CLOSED}),
    "geen lid besloten regio": Role(CLOSED, {"region_code": ELSEWHERE}),
    "gastheer hier": Role(CLOSED, {"region_code": ELSEWHERE, "host_of": CLOSED}),
    # In an open region, so that what they may not do is about hosting, not about reading.
    "gastheer elders": Role(OPEN, {"region_code": ELSEWHERE, "host_of": ELSEWHERE}),
    # Not a member of the members-only region they act in.
    "beheerder": Role(CLOSED, {"region_code": ELSEWHERE, "is_admin": True}),
}

# "eigen": the role wrote it (in a members-only region: before it closed, or before they left).
# "ander": another member wrote it.
# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    # Columns in the order of ROLES: bezoeker, niet bevestigd, lid, geen lid, lid besloten regio,
    # geen lid besloten regio, gastheer hier, gastheer elders, beheerder.
    #                              bezoek onbev  lid    geen   lid B  geen B gast   gast E beheer
    "regio bekijken":             (HIDE,  OK,    OK,    OK,    OK,    HIDE,  OK,    OK,    OK),
    "onderwerp lezen":            (LOGIN, OK,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "bericht openen":             (LOGIN, OK,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "onderwerp starten":          (LOGIN, NO,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "reageren op onderwerp":      (LOGIN, NO,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "reageren op bericht":        (LOGIN, NO,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "eigen bericht bewerken":     (NA,    NA,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "bericht ander bewerken":     (LOGIN, NO,    NO,    NO,    NO,    NO,    OK,    NO,    OK),
    "eigen bericht verwijderen":  (NA,    NA,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "bericht ander verwijderen":  (LOGIN, NO,    NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "geschiedenis eigen bericht": (NA,    NA,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "geschiedenis bericht ander": (LOGIN, NO,    NO,    NO,    NO,    NO,    OK,    NO,    OK),
    "antwoord kiezen, eigen":     (NA,    NA,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "antwoord kiezen, ander":     (LOGIN, NO,    NO,    NO,    NO,    NO,    OK,    NO,    OK),
    "antwoord intrekken, eigen":  (NA,    NA,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "antwoord intrekken, ander":  (LOGIN, NO,    NO,    NO,    NO,    NO,    OK,    NO,    OK),
    "werkt ook bij ons, ander":   (LOGIN, NO,    OK,    OK,    OK,    NO,    OK,    OK,    OK),
    "werkt ook bij ons, eigen":   (NA,    NA,    NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "regio-instellingen":         (LOGIN, NO,    NO,    NO,    NO,    NO,    OK,    NO,    OK),
}
# fmt: on

KNOWN_WRONG: dict[tuple[str, str], str] = {}
"""Cells where the app does not yet do what the table says (strict: a fix turns them red)."""


# Fixtures


@pytest.fixture(scope="module")
def app(schema: str, smtp_server: Mailbox) -> Iterator[Flask]:
    """One app for this module, with an empty database for every test (``empty_database``)."""
    yield from module_app(schema, smtp_server)


@pytest.fixture(autouse=True)
def empty_database(app: Flask) -> Iterator[None]:
    yield
    wipe_database(app)


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real Argon2 hashes at the lowest cost; at full cost hashing would take most of the run."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(account_services, "hash_password", hasher.hash)


# The world


@dataclass
class World:
    """The region and the people of one test; ORM objects, valid in its app context only."""

    region: Region
    actor: User | None
    anna: User
    bram: User

    @property
    def own(self) -> User:
        assert self.actor is not None, "a visitor owns nothing"
        return self.actor


def make_region(code: str, name: str, **values: Any) -> Region:
    region = Region(code=code, name=name, zorgkantoor=f"Zorgkantoor {name}", **values)
    db.session.add(region)
    return region


def build_world(role: Role) -> World:
    """Four regions, not the 31 with their 355 municipalities: this runs for every test."""
    make_region(OPEN, "Amsterdam")
    make_region(CLOSED, "Kennemerland", members_only=True)
    make_region(ELSEWHERE, "Groningen")
    make_region(NATIONAL_CODE, "Landelijk", is_national=True)
    db.session.commit()
    anna = make_user(display_name="Anna", region_code=role.region)
    bram = make_user(display_name="Bram", region_code=role.region)
    actor = make_user(display_name="Ik", **role.person) if role.person is not None else None
    region = db.session.scalar(select(Region).where(Region.code == role.region))
    return World(region=region, actor=actor, anna=anna, bram=bram)


def start(world: World, author: User, kind: str = "ervaring", title: str = "Logeren") -> Thread:
    thread = services.start_thread(
        region=world.region,
        author=author,
        title=f"{title} van {author.display_name}",
        kind=kind,
        themes=["logeren"],
        body="Hoe regelen jullie dat?",
    )
    db.session.commit()
    return thread


def reply(thread: Thread, author: User, *, edited: bool = False) -> Post:
    post = services.reply_to(thread=thread, author=author, body="Eerste versie")
    if edited:
        services.edit_post(post=post, body="Tweede versie")
    db.session.commit()
    return post


def fresh(model: type[Any], key: Any) -> Any:
    """A row as the database holds it now."""
    db.session.expire_all()
    return db.session.get(model, key)


# The actions: each makes what it needs, and says how to try it and what success looks like


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)
    form_page: bool = False
    """A POST whose form is a GET of the same address, which answers as the POST does."""
    shows: str | None = None
    """What an allowed GET shows, or (with status 302) where it leads."""
    status: int = 200
    stored: Callable[[], bool] | None = None
    """Whether an allowed POST stored its change (runs in an app context)."""


def view_region(world: World) -> Attempt:
    thread = start(world, world.anna)
    path = "/landelijk" if world.region.is_national else f"/regio/{world.region.code}"
    return Attempt("GET", path, shows=thread.title)


def read_thread(world: World) -> Attempt:
    thread = start(world, world.anna)
    return Attempt("GET", f"/onderwerp/{thread.id}", shows=thread.title)


def open_post(world: World) -> Attempt:
    thread = start(world, world.anna)
    post = reply(thread, world.bram)
    target = f"/onderwerp/{thread.id}#bericht-{post.id}"
    return Attempt("GET", f"/bericht/{post.id}", shows=target, status=302)


def start_thread(world: World) -> Attempt:
    region_id, title = world.region.id, "Vervoer naar de dagbesteding"
    path = "/landelijk/nieuw" if world.region.is_national else f"/regio/{world.region.code}/nieuw"
    return Attempt(
        "POST",
        path,
        {"title": title, "kind": "ervaring", "themes": "vervoer", "body": "Zo gaat het bij ons."},
        form_page=True,
        stored=lambda: (
            db.session.scalar(
                select(Thread).where(Thread.title == title, Thread.region_id == region_id)
            )
            is not None
        ),
    )


def _reply(path: str, thread_id: int, *, form_page: bool) -> Attempt:
    return Attempt(
        "POST",
        path,
        {"body": "Mijn reactie"},
        form_page=form_page,
        stored=lambda: (
            db.session.scalar(
                select(Post).where(Post.thread_id == thread_id, Post.body_source == "Mijn reactie")
            )
            is not None
        ),
    )


def reply_to_thread(world: World) -> Attempt:
    thread = start(world, world.anna)
    return _reply(f"/onderwerp/{thread.id}/reageren", thread.id, form_page=False)


def reply_to_post(world: World) -> Attempt:
    thread = start(world, world.anna)
    post = reply(thread, world.bram)
    return _reply(f"/bericht/{post.id}/reageren", thread.id, form_page=True)


def _edit(post: Post) -> Attempt:
    post_id = post.id
    return Attempt(
        "POST",
        f"/bericht/{post_id}/bewerken",
        {"body": "Beter gezegd", "reason": "Naam van een kind weggehaald."},
        form_page=True,
        stored=lambda: fresh(Post, post_id).body_source == "Beter gezegd",
    )


def edit_own_post(world: World) -> Attempt:
    return _edit(reply(start(world, world.anna), world.own))


def edit_other_post(world: World) -> Attempt:
    return _edit(reply(start(world, world.anna), world.bram))


def _delete(post: Post) -> Attempt:
    post_id = post.id
    return Attempt(
        "POST",
        f"/bericht/{post_id}/verwijderen",
        form_page=True,
        stored=lambda: fresh(Post, post_id).is_deleted,
    )


def delete_own_post(world: World) -> Attempt:
    return _delete(reply(start(world, world.anna), world.own))


def delete_other_post(world: World) -> Attempt:
    return _delete(reply(start(world, world.anna), world.bram))


def _history(post: Post) -> Attempt:
    return Attempt("GET", f"/bericht/{post.id}/geschiedenis", shows="Eerste versie")


def own_history(world: World) -> Attempt:
    return _history(reply(start(world, world.anna), world.own, edited=True))


def other_history(world: World) -> Attempt:
    return _history(reply(start(world, world.anna), world.bram, edited=True))


def _accept(post: Post) -> Attempt:
    post_id = post.id
    return Attempt(
        "POST",
        f"/bericht/{post_id}/antwoord",
        stored=lambda: fresh(Post, post_id).accepted_at is not None,
    )


def accept_own(world: World) -> Attempt:
    return _accept(reply(start(world, world.own, kind="vraag", title="Vraag"), world.bram))


def accept_other(world: World) -> Attempt:
    return _accept(reply(start(world, world.anna, kind="vraag", title="Vraag"), world.bram))


def accept_opening_post(world: World) -> Attempt:
    question = start(world, world.own, kind="vraag", title="Vraag")
    return _accept(services.opening_post(question))


def accept_on_experience(world: World) -> Attempt:
    return _accept(reply(start(world, world.anna, kind="ervaring"), world.bram))


def _withdraw(world: World, asker: User) -> Attempt:
    question = start(world, asker, kind="vraag", title="Vraag")
    services.accept_answer(thread=question, post=reply(question, world.bram))
    db.session.commit()
    thread_id = question.id
    return Attempt(
        "POST",
        f"/onderwerp/{thread_id}/antwoord-intrekken",
        stored=lambda: not fresh(Thread, thread_id).has_accepted_answer,
    )


def withdraw_own(world: World) -> Attempt:
    return _withdraw(world, world.own)


def withdraw_other(world: World) -> Attempt:
    return _withdraw(world, world.anna)


def _recommend(thread: Thread, actor: User | None) -> Attempt:
    key = (thread.id, actor.id if actor else 0)
    return Attempt(
        "POST",
        f"/onderwerp/{thread.id}/werkt-ook-bij-ons",
        stored=lambda: fresh(Recommendation, key) is not None,
    )


def recommend_other(world: World) -> Attempt:
    practice = start(world, world.anna, kind="goed_voorbeeld", title="Goed voorbeeld")
    return _recommend(practice, world.actor)


def recommend_own(world: World) -> Attempt:
    practice = start(world, world.own, kind="goed_voorbeeld", title="Goed voorbeeld")
    return _recommend(practice, world.actor)


def recommend_question(world: World) -> Attempt:
    return _recommend(start(world, world.anna, kind="vraag", title="Vraag"), world.actor)


def region_settings(world: World) -> Attempt:
    """Flip members-only: an unticked box opens a closed region."""
    region_id, was = world.region.id, world.region.members_only
    return Attempt(
        "POST",
        f"/regio/{world.region.code}/instellingen",
        {} if was else {"members_only": "y"},
        stored=lambda: fresh(Region, region_id).members_only is not was,
    )


ACTIONS: dict[str, Callable[[World], Attempt]] = {
    "regio bekijken": view_region,
    "onderwerp lezen": read_thread,
    "bericht openen": open_post,
    "onderwerp starten": start_thread,
    "reageren op onderwerp": reply_to_thread,
    "reageren op bericht": reply_to_post,
    "eigen bericht bewerken": edit_own_post,
    "bericht ander bewerken": edit_other_post,
    "eigen bericht verwijderen": delete_own_post,
    "bericht ander verwijderen": delete_other_post,
    "geschiedenis eigen bericht": own_history,
    "geschiedenis bericht ander": other_history,
    "antwoord kiezen, eigen": accept_own,
    "antwoord kiezen, ander": accept_other,
    "antwoord intrekken, eigen": withdraw_own,
    "antwoord intrekken, ander": withdraw_other,
    "werkt ook bij ons, ander": recommend_other,
    "werkt ook bij ons, eigen": recommend_own,
    "regio-instellingen": region_settings,
}


def table_cells() -> list[Any]:
    assert set(ACTIONS) == set(EXPECTED)
    cells = []
    for action, outcomes in EXPECTED.items():
        for role, outcome in zip(ROLES, outcomes, strict=True):
            if outcome is NA:
                continue
            reason = KNOWN_WRONG.get((action, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cells.append(
                pytest.param(
                    ROLES[role], ACTIONS[action], outcome, id=f"{role}: {action}", marks=marks
                )
            )
    return cells


# Checking


def database_state(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused action wrote nothing anywhere."""
    with app.app_context():
        return {
            table.name: [
                tuple(row)
                for row in db.session.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def assert_refused(response: Any, outcome: Any) -> None:
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen?next=")
    else:
        assert response.status_code == outcome


def try_action(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    role: Role,
    action: Callable[[World], Attempt],
    outcome: Any,
) -> None:
    """Build the world, log in as the role, try the action and check the outcome."""
    with app.app_context():
        world = build_world(role)
        attempt = action(world)
        email = world.actor.email if world.actor else None
        region_name = world.region.name
    if email:
        assert auth.login(email).status_code == 302
    token = csrf_token(client, "/huisregels")
    before = database_state(app)

    if attempt.form_page:
        form = client.get(attempt.path)
        if outcome == OK:
            assert form.status_code == 200
        else:
            assert_refused(form, outcome)
    if attempt.method == "POST":
        response = client.post(attempt.path, data={"csrf_token": token, **attempt.data})
    else:
        response = client.get(attempt.path)

    if outcome == OK and attempt.method == "POST":
        assert response.status_code == 302
        assert not response.headers["Location"].startswith("/inloggen")
        with app.app_context():
            assert attempt.stored is not None
            assert attempt.stored()
        return
    if outcome == OK and attempt.status == 302:
        assert response.status_code == 302
        assert response.headers["Location"] == attempt.shows
    elif outcome == OK:
        assert response.status_code == 200
        assert attempt.shows in response.get_data(as_text=True)
    elif outcome == HIDE:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert region_name in page
        assert attempt.shows not in page
    else:
        assert_refused(response, outcome)
    assert database_state(app) == before, "nothing may be written"


@pytest.mark.parametrize(("role", "action", "outcome"), table_cells())
def test_forum_permission(
    app: Flask, client: FlaskClient, auth: Auth, role: Role, action: Any, outcome: Any
) -> None:
    try_action(app, client, auth, role, action, outcome)


NATIONAL_PARTICIPANT = Role(NATIONAL_CODE, {"region_code": OPEN})
NATIONAL_ADMIN = Role(NATIONAL_CODE, {"region_code": OPEN, "is_admin": True})
MEMBER = ROLES["lid"]
HOST = ROLES["gastheer hier"]

# Targets outside the table: the national space, and things that are never allowed.
SPECIAL_CASES = {
    "deelnemer leest de landelijke ruimte": (NATIONAL_PARTICIPANT, view_region, OK),
    "deelnemer schrijft in de landelijke ruimte": (NATIONAL_PARTICIPANT, start_thread, OK),
    "beheerder maakt de landelijke ruimte besloten": (NATIONAL_ADMIN, region_settings, NO),
    "vraagsteller kiest de vraag zelf als antwoord": (MEMBER, accept_opening_post, NO),
    "gastheer kiest een antwoord bij een ervaring": (HOST, accept_on_experience, NO),
    "lid zegt 'werkt ook bij ons' bij een vraag": (MEMBER, recommend_question, NO),
}


@pytest.mark.parametrize(("role", "action", "outcome"), SPECIAL_CASES.values(), ids=SPECIAL_CASES)
def test_special_case(
    app: Flask, client: FlaskClient, auth: Auth, role: Role, action: Any, outcome: Any
) -> None:
    try_action(app, client, auth, role, action, outcome)


# The pure predicates, for states no route makes yet or that are cheaper to state directly

REGION = SimpleNamespace(id=1, members_only=False, is_national=False)


def person(**overrides: object) -> SimpleNamespace:
    values = {
        "id": 7,
        "is_authenticated": True,
        "is_admin": False,
        "is_verified": True,
        "home_region_id": 1,
        "member_region_ids": frozenset({1}),
        "hosted_region_ids": frozenset(),
        "suspensions": [],
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def thread(**overrides: object) -> SimpleNamespace:
    values = {"region": REGION, "author_id": 7, "kind": "vraag", "is_locked": False}
    values.update(overrides)
    return SimpleNamespace(**values)


PEOPLE = {
    "auteur": person(),
    "ander lid": person(id=8),
    "gastheer": person(id=9, hosted_region_ids=frozenset({1})),
    "beheerder": person(id=10, is_admin=True, member_region_ids=frozenset()),
    "niet bevestigde vraagsteller": person(is_verified=False),
}
THINGS = {
    "gesloten onderwerp": thread(is_locked=True),
    "eigen vraag": thread(),
    "eigen verwijderd bericht": SimpleNamespace(author_id=7, thread=thread(), is_deleted=True),
}

# fmt: off
PREDICATES = [
    # predicate           who                             what                        allowed
    ("can_reply",         "ander lid",                    "gesloten onderwerp",       False),
    ("can_reply",         "auteur",                       "gesloten onderwerp",       False),
    ("can_reply",         "gastheer",                     "gesloten onderwerp",       True),
    ("can_reply",         "beheerder",                    "gesloten onderwerp",       True),
    ("can_edit_post",     "auteur",                       "eigen verwijderd bericht", False),
    ("can_delete_post",   "auteur",                       "eigen verwijderd bericht", False),
    ("can_accept_answer", "auteur",                       "eigen vraag",              True),
    ("can_accept_answer", "niet bevestigde vraagsteller", "eigen vraag",              False),
    ("can_accept_answer", "ander lid",                    "eigen vraag",              False),
]
# fmt: on


@pytest.mark.parametrize(
    ("predicate", "who", "what", "allowed"),
    PREDICATES,
    ids=[f"{p}: {who}, {what}" for p, who, what, _ in PREDICATES],
)
def test_predicate(predicate: str, who: str, what: str, allowed: bool) -> None:
    assert getattr(permissions, predicate)(PEOPLE[who], THINGS[what]) is allowed


# The links under a post come from post_powers: the same answers as the predicates one by one.

CLOSED_REGION = SimpleNamespace(id=2, members_only=True, is_national=False, host_links=[])
OPEN_REGION = SimpleNamespace(
    id=1, members_only=False, is_national=False, host_links=[SimpleNamespace(user_id=9)]
)
ANONYMOUS = SimpleNamespace(is_authenticated=False, is_admin=False, id=None)
READERS = {
    **PEOPLE,
    "bezoeker": ANONYMOUS,
    "geschorst": person(
        id=11,
        suspensions=[
            SimpleNamespace(region_id=1, is_active=lambda _now: True),
            SimpleNamespace(region_id=2, is_active=lambda _now: True),
        ],
    ),
    "lid elders": person(id=12, member_region_ids=frozenset({3}), home_region_id=3),
}


def a_post(thread: SimpleNamespace, **overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "author_id": 7,
        "author": person(),
        "thread": thread,
        "is_opening": False,
        "is_deleted": False,
        "is_hidden": False,
        "edited_at": None,
        "accepted_at": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def posts_to_check() -> Iterator[tuple[str, SimpleNamespace, SimpleNamespace]]:
    for region_name, region in (("open", OPEN_REGION), ("besloten", CLOSED_REGION)):
        for kind in ("vraag", "goed_voorbeeld"):
            for locked in (False, True):
                subject = thread(region=region, kind=kind, is_locked=locked)
                where = f"{region_name}, {kind}{', gesloten' if locked else ''}"
                variants = {
                    "eigen": {},
                    "van een ander": {"author_id": 8, "author": person(id=8)},
                    "van de gastheer": {"author_id": 9, "author": person(id=9)},
                    "van een verwijderd account": {"author_id": None, "author": None},
                    "openingsbericht": {"is_opening": True},
                    "verwijderd": {"is_deleted": True},
                    "verborgen": {"is_hidden": True, "author_id": 8, "author": person(id=8)},
                    "bewerkt": {"edited_at": "gisteren"},
                    "geaccepteerd": {"accepted_at": "gisteren"},
                }
                for name, overrides in variants.items():
                    yield f"{where}, {name}", subject, a_post(subject, **overrides)


def test_post_powers_agree_with_each_predicate() -> None:
    checked = 0
    for reader_name, reader in READERS.items():
        for name, subject, post in posts_to_check():
            open_reply = not post.is_opening and not post.is_deleted
            moderate = not post.is_deleted and permissions.can_moderate_region(
                reader, subject.region
            )
            expected = permissions.PostPowers(
                reply=open_reply and permissions.can_reply(reader, subject),
                edit=permissions.can_edit_post(reader, post),
                delete=permissions.can_delete_post(reader, post),
                history=bool(post.edited_at) and permissions.can_view_history(reader, post),
                report=permissions.can_report(reader, post),
                moderate=moderate,
                suspend_author=moderate
                and post.author is not None
                and not permissions.is_author_of(reader, post)
                and not permissions.is_moderator_by_region(post.author, subject.region),
                accept=open_reply
                and not post.accepted_at
                and permissions.can_accept_answer(reader, subject),
            )
            powers = permissions.post_powers(reader, post, subject)
            assert powers == expected, f"{reader_name}, {name}"
            checked += 1
    assert checked == len(READERS) * 2 * 2 * 2 * 9
