"""Moderation rules through the routes: who may moderate what, what the log keeps, forms without a
reason, suspensions, hidden posts, moving a thread, and query pins for the queue and the log.

Every test builds a small world (four regions, not the 31 with their municipalities) in an empty
database. People log in with the login form and act like a browser: a GET of the form, then a POST
with the CSRF token of their session. What a refused action leaves is checked on every table.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_datetime
from sqlalchemy import func, insert, select, update

from leerplatform.accounts.models import User
from leerplatform.accounts.services import create_user, record_consent
from leerplatform.actions import services as actions
from leerplatform.actions.models import ActionItemLink
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following import services as following
from leerplatform.following.models import Follow, Notification
from leerplatform.forum import services as forum
from leerplatform.forum.models import Post, Thread
from leerplatform.moderation import services as moderation
from leerplatform.moderation.models import AuditAction, AuditEntry, Report, Suspension
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import appoint_host
from tests.conftest import (
    Auth,
    Mailbox,
    csrf_token,
    deliver_outbox,
    module_app,
    post_form,
    text_of,
    wipe_database,
)
from tests.factories import PASSWORD, make_user

HERE, ELSEWHERE, THIRD = "5515", "5501", "5513"
"""Amsterdam (where everything happens), Groningen (another host's region), Kennemerland."""

SECRET = "Onze Tim (12) logeert bij De Linde."
"""The reported reply: it names a child."""
NOTE = "Er staat de naam van een kind in."
"""What the reporter wrote to the hosts."""
CONTACT = "contact@leerplatform.nl"

# What a person gets when they try.
OK = "ok"  # the page (200), or after a POST a redirect and the change is stored
LOGIN = "login"  # a redirect to the login page
NO = 403  # "you may not do this", and nothing is written
OWN = "own"  # the page, but only with what is theirs: not this region's reports

# Query pins, measured on SQLite and PostgreSQL, the same for 3 and for 200 reports and entries.
# Every page starts with the signed-in person (the user with active suspensions, memberships and
# host appointments: 1 query); pages with the header add the unread count (1). Lower is fine;
# higher means a page started doing more per report or entry.
QUEUE_QUERIES = 5
"""/regio/<code>/moderatie for its host: the region and its hosts (1), the open reports with
post, author, thread, reporter and region (1), how many are open in all (1), the active
suspensions (1)."""
OVERVIEW_QUERIES = 7
"""/moderatie for a host: the regions and the national space with their hosts (4), the open
reports of every region they host and how many are open (2)."""
LOG_QUERIES = 4
"""A region's log page for its host: the region and its hosts (1), 50 entries with actor,
subject, thread and region (1), the count for the pager (1)."""
LOG_CSV_QUERIES = 3
"""The region's whole log as CSV for its host: no header, all entries in one query."""
FULL_LOG_QUERIES = 3
"""/beheer/logboek for an admin: the entries of all regions (1) and the count for the pager (1)."""


# Fixtures


@pytest.fixture(scope="module")
def app(schema: str, smtp_server: Mailbox) -> Iterator[Flask]:
    """One app for this module, with an empty database for every test (``empty_database``)."""
    yield from module_app(schema, smtp_server)


@pytest.fixture(autouse=True)
def empty_database(app: Flask) -> Iterator[None]:
    yield
    wipe_database(app)


# The world


@dataclass
class World:
    """The people and posts of one test; ORM objects, valid in the app context that made them.

    Anna started a thread in Amsterdam, Bram replied with a child's name in it, Carla reported
    that reply; Els hosts Amsterdam, Gijs hosts Groningen, Beatrix is an admin.
    """

    here: Region
    elsewhere: Region
    third: Region
    anna: User
    bram: User
    carla: User
    els: User
    gijs: User
    beatrix: User
    thread: Thread
    opening: Post
    reply: Post
    report: Report
    actor: User | None = None
    other: Post | None = None
    """A reply by Carla, when a test adds one."""

    @property
    def actor_id(self) -> int | None:
        return self.actor.id if self.actor is not None else None


def make_region(code: str, name: str, **values: Any) -> Region:
    region = Region(code=code, name=name, zorgkantoor=f"Zorgkantoor {name}", **values)
    db.session.add(region)
    return region


def person(
    email: str, name: str, region: Region, host_of: Region | None = None, is_admin: bool = False
) -> User:
    """A verified participant, like ``make_user``, but left for one commit of the whole world."""
    user = create_user(
        email=email,
        password=PASSWORD,
        display_name=name,
        participant_kind="ouder",
        home_region=region,
        verified=True,
        is_admin=is_admin,
    )
    record_consent(user=user)
    if host_of is not None:
        appoint_host(region=host_of, user=user, appointed_by=None)
    return user


def build_world() -> World:
    here = make_region(HERE, "Amsterdam")
    elsewhere = make_region(ELSEWHERE, "Groningen")
    third = make_region(THIRD, "Kennemerland")
    make_region(NATIONAL_CODE, "Landelijk", is_national=True)
    db.session.flush()
    anna = person("anna@example.nl", "Moeder van Noor", here)
    bram = person("bram@example.nl", "Vader van Joris", here)
    carla = person("carla@example.nl", "Zus van Sem", here)
    els = person("els@example.nl", "Gastvrouw Els", elsewhere, host_of=here)
    gijs = person("gijs@example.nl", "Gastheer Gijs", elsewhere, host_of=elsewhere)
    beatrix = person("beatrix@example.nl", "Beheerder", elsewhere, is_admin=True)
    thread = forum.start_thread(
        region=here,
        author=anna,
        title="Ervaringen met logeerhuizen",
        kind="ervaring",
        themes=["logeren"],
        body="Deel hier je ervaringen met logeren.",
    )
    reply = forum.reply_to(thread=thread, author=bram, body=SECRET)
    moderation.report(post=reply, reporter=carla, reason="privacy", note=NOTE)
    db.session.commit()
    return World(
        here=here,
        elsewhere=elsewhere,
        third=third,
        anna=anna,
        bram=bram,
        carla=carla,
        els=els,
        gijs=gijs,
        beatrix=beatrix,
        thread=thread,
        opening=forum.opening_post(thread),
        reply=reply,
        report=db.session.scalar(select(Report)),
    )


def suspend_directly(user: User, region: Region, days: float = 7, reason: str = "") -> Suspension:
    """A suspension as the database holds it, without the route (no mail, no log)."""
    suspension = Suspension(
        user_id=user.id,
        region_id=region.id,
        until=utcnow() + timedelta(days=days),
        reason=reason or "Herhaaldelijk persoonsgegevens van kinderen gedeeld.",
    )
    db.session.add(suspension)
    db.session.commit()
    return suspension


def fresh(model: type[Any], key: Any) -> Any:
    """A row as the database holds it now."""
    db.session.expire_all()
    return db.session.get(model, key)


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A browser of its own, logged in with the login form."""
    client = app.test_client()
    response = post_form(client, "/inloggen", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def send(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    """POST with the session's CSRF token, as the form on ``path`` carries it."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/huisregels"), **data})


def text(response: Any) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def shown_date(app: Flask, moment: datetime) -> str:
    """A moment as the pages and mails show it: Dutch, in Amsterdam time."""
    with app.test_request_context("/"):
        return format_datetime(moment, "d MMMM yyyy, HH:mm")


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


def csv_rows(response: Any) -> list[list[str]]:
    """The rows of a CSV download (semicolons, with a byte-order mark for spreadsheets)."""
    body = response.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def last_entry_id(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.max(AuditEntry.id))) or 0)


class Soon:
    """An ISO moment about ``days`` from now (give or take five minutes)."""

    def __init__(self, days: float) -> None:
        self.days = days

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        expected = utcnow() + timedelta(days=self.days)
        return abs(datetime.fromisoformat(other) - expected) < timedelta(minutes=5)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<about {self.days} days from now>"


# The table


@dataclass(frozen=True)
class Role:
    person: dict[str, Any] | None
    """``make_user`` overrides; None for a visitor."""
    suspended: bool = False
    """Suspended in Amsterdam, the region every action is in."""


ROLES = {
    "bezoeker": Role(None),
    "deelnemer": Role({"region_code": HERE}),
    "geschorste deelnemer": Role({"region_code": HERE}, suspended=True),
    # Hosts and the admin live elsewhere: what they may do comes from hosting, not membership.
    "gastheer hier": Role({"region_code": ELSEWHERE, "host_of": HERE}),
    "gastheer elders": Role({"region_code": ELSEWHERE, "host_of": ELSEWHERE}),
    "beheerder": Role({"region_code": ELSEWHERE, "is_admin": True}),
}

# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    # Columns in the order of ROLES.
    #                             bezoek deeln  geschr gast   gastE  beheer
    # Reporting is telling the hosts, not writing in the region: a suspended participant may.
    "bericht melden":            (LOGIN, OK,    OK,    OK,    OK,    OK),
    "wachtrij van de regio":     (LOGIN, NO,    NO,    OK,    NO,    OK),
    "moderatie-overzicht":       (LOGIN, NO,    NO,    OK,    OWN,   OK),
    "melding: verbergen":        (LOGIN, NO,    NO,    OK,    NO,    OK),
    "melding: afwijzen":         (LOGIN, NO,    NO,    OK,    NO,    OK),
    "melding: waarschuwen":      (LOGIN, NO,    NO,    OK,    NO,    OK),
    "melding: schorsen":         (LOGIN, NO,    NO,    OK,    NO,    OK),
    "bericht verbergen":         (LOGIN, NO,    NO,    OK,    NO,    OK),
    "bericht weer zichtbaar":    (LOGIN, NO,    NO,    OK,    NO,    OK),
    "auteur schorsen":           (LOGIN, NO,    NO,    OK,    NO,    OK),
    "schorsing opheffen":        (LOGIN, NO,    NO,    OK,    NO,    OK),
    "vastzetten":                (LOGIN, NO,    NO,    OK,    NO,    OK),
    "losmaken":                  (LOGIN, NO,    NO,    OK,    NO,    OK),
    "sluiten":                   (LOGIN, NO,    NO,    OK,    NO,    OK),
    "heropenen":                 (LOGIN, NO,    NO,    OK,    NO,    OK),
    "verplaatsen":               (LOGIN, NO,    NO,    OK,    NO,    OK),
    "soort en thema's":          (LOGIN, NO,    NO,    OK,    NO,    OK),
    "bericht ander bewerken":    (LOGIN, NO,    NO,    OK,    NO,    OK),
    "logboek van de regio":      (LOGIN, NO,    NO,    OK,    NO,    OK),
    "logboek als CSV":           (LOGIN, NO,    NO,    OK,    NO,    OK),
    "logboek alle regio's":      (LOGIN, NO,    NO,    NO,    NO,    OK),
}
# fmt: on

KNOWN_WRONG: dict[tuple[str, str], str] = {}
"""Cells where the app does not yet do what the table says (strict: a fix turns them red)."""


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)
    form_page: bool = False
    """A POST whose form is a GET of the same address, which answers as the POST does."""
    shows: str | None = None
    """What an allowed GET shows."""
    stored: Callable[[], bool] | None = None
    """Whether an allowed POST stored its change (runs in an app context)."""
    entry: dict[str, Any] | None = None
    """The one audit entry an allowed POST leaves (region, actor and reason are checked for
    every entry); None: it leaves none."""


def on_reply(w: World, action: str, before: Any = None, after: Any = None) -> dict[str, Any]:
    return {
        "action": action,
        "thread_id": w.thread.id,
        "post_id": w.reply.id,
        "subject_id": w.bram.id,
        "before": before or {},
        "after": after or {},
    }


def on_thread(w: World, action: str, before: Any, after: Any) -> dict[str, Any]:
    return {
        "action": action,
        "thread_id": w.thread.id,
        "post_id": None,
        "subject_id": w.anna.id,
        "before": before,
        "after": after,
    }


def report_post(w: World) -> Attempt:
    post_id, actor_id = w.reply.id, w.actor_id
    return Attempt(
        "POST",
        f"/bericht/{post_id}/melden",
        {"reason": "onvriendelijk", "note": "Dit is niet aardig."},
        form_page=True,
        stored=lambda: (
            db.session.scalar(
                select(Report).where(Report.post_id == post_id, Report.reporter_id == actor_id)
            )
            is not None
        ),
    )


def open_queue(w: World) -> Attempt:
    return Attempt("GET", f"/regio/{HERE}/moderatie", shows=NOTE)


def open_overview(w: World) -> Attempt:
    return Attempt("GET", "/moderatie", shows=NOTE)


def _decide(w: World, decision: str, outcome: str, entry: dict[str, Any], **extra: str) -> Attempt:
    report_id, actor_id = w.report.id, w.actor_id

    def stored() -> bool:
        report = fresh(Report, report_id)
        return report.decision == outcome and report.decided_by_id == actor_id

    return Attempt(
        "POST",
        f"/melding/{report_id}",
        {"decision": decision, "reason": f"Besluit {decision}: tegen de huisregels.", **extra},
        form_page=True,
        stored=stored,
        entry=entry,
    )


def decide_hide(w: World) -> Attempt:
    entry = on_reply(w, "verbergen", {"zichtbaar": True}, {"zichtbaar": False})
    attempt = _decide(w, "verbergen", "verborgen", entry)
    post_id = w.reply.id
    return with_also(attempt, lambda: fresh(Post, post_id).hidden_at is not None)


def decide_dismiss(w: World) -> Attempt:
    attempt = _decide(w, "afwijzen", "afgewezen", on_reply(w, "afwijzen"))
    post_id = w.reply.id
    return with_also(attempt, lambda: fresh(Post, post_id).hidden_at is None)


def decide_warn(w: World) -> Attempt:
    attempt = _decide(w, "waarschuwen", "gewaarschuwd", on_reply(w, "waarschuwen"))
    post_id = w.reply.id
    return with_also(attempt, lambda: fresh(Post, post_id).hidden_at is None)


def decide_suspend(w: World) -> Attempt:
    entry = on_reply(w, "schorsen", {"geschorst": False}, {"geschorst_tot": Soon(7)})
    attempt = _decide(w, "schorsen", "geschorst", entry, days="7")
    bram_id, post_id = w.bram.id, w.reply.id
    return with_also(
        attempt,
        lambda: (
            active_suspension(bram_id) is not None and fresh(Post, post_id).hidden_at is not None
        ),
    )


def with_also(attempt: Attempt, check: Callable[[], bool]) -> Attempt:
    first = attempt.stored
    assert first is not None
    return Attempt(
        attempt.method,
        attempt.path,
        attempt.data,
        form_page=attempt.form_page,
        stored=lambda: first() and check(),
        entry=attempt.entry,
    )


def active_suspension(user_id: int) -> Suspension | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Suspension).where(
            Suspension.user_id == user_id,
            Suspension.lifted_at.is_(None),
            Suspension.until > utcnow(),
        )
    )


def hide_post(w: World) -> Attempt:
    post_id = w.reply.id
    return Attempt(
        "POST",
        f"/bericht/{post_id}/verbergen",
        {"reason": "Naam en leeftijd van een kind."},
        form_page=True,
        stored=lambda: fresh(Post, post_id).hidden_at is not None,
        entry=on_reply(w, "verbergen", {"zichtbaar": True}, {"zichtbaar": False}),
    )


def unhide_post(w: World) -> Attempt:
    w.reply.hidden_at, w.reply.hidden_reason = utcnow(), "Eerder verborgen."
    db.session.commit()
    post_id = w.reply.id
    return Attempt(
        "POST",
        f"/bericht/{post_id}/verbergen",
        {"reason": "De naam is eruit gehaald."},
        form_page=True,
        stored=lambda: fresh(Post, post_id).hidden_at is None,
        entry=on_reply(w, "zichtbaar", {"zichtbaar": False}, {"zichtbaar": True}),
    )


def suspend_author(w: World) -> Attempt:
    bram_id = w.bram.id
    return Attempt(
        "POST",
        f"/bericht/{w.reply.id}/schorsen",
        {"days": "7", "reason": "Herhaaldelijk namen van kinderen."},
        form_page=True,
        stored=lambda: active_suspension(bram_id) is not None,
        entry=on_reply(w, "schorsen", {"geschorst": False}, {"geschorst_tot": Soon(7)}),
    )


def lift_suspension(w: World) -> Attempt:
    suspension_id = suspend_directly(w.bram, w.here, days=3).id
    return Attempt(
        "POST",
        f"/schorsing/{suspension_id}/opheffen",
        {"reason": "Hij heeft zijn excuses aangeboden."},
        form_page=True,
        stored=lambda: fresh(Suspension, suspension_id).lifted_at is not None,
        entry={
            "action": "schorsing_opheffen",
            "thread_id": None,
            "post_id": None,
            "subject_id": w.bram.id,
            "before": {"geschorst_tot": Soon(3)},
            "after": {"geschorst": False},
        },
    )


def _manage(
    w: World, data: dict[str, Any], stored: Callable[[Thread], bool], entry: Any
) -> Attempt:
    thread_id = w.thread.id
    return Attempt(
        "POST",
        f"/onderwerp/{thread_id}/beheren",
        {"reason": f"Beheer: {data['action']}.", **data},
        form_page=True,
        stored=lambda: stored(fresh(Thread, thread_id)),
        entry=entry,
    )


def pin(w: World) -> Attempt:
    entry = on_thread(w, "vastzetten", {"vastgezet": False}, {"vastgezet": True})
    return _manage(w, {"action": "vastzetten"}, lambda t: t.is_pinned, entry)


def unpin(w: World) -> Attempt:
    w.thread.is_pinned = True
    db.session.commit()
    entry = on_thread(w, "losmaken", {"vastgezet": True}, {"vastgezet": False})
    return _manage(w, {"action": "losmaken"}, lambda t: not t.is_pinned, entry)


def lock(w: World) -> Attempt:
    entry = on_thread(w, "sluiten", {"gesloten": False}, {"gesloten": True})
    return _manage(w, {"action": "sluiten"}, lambda t: t.is_locked, entry)


def unlock(w: World) -> Attempt:
    w.thread.is_locked = True
    db.session.commit()
    entry = on_thread(w, "openen", {"gesloten": True}, {"gesloten": False})
    return _manage(w, {"action": "openen"}, lambda t: not t.is_locked, entry)


def move(w: World) -> Attempt:
    third_id = w.third.id
    entry = on_thread(w, "verplaatsen", {"regio": HERE}, {"regio": THIRD})
    return _manage(
        w, {"action": "verplaatsen", "region": THIRD}, lambda t: t.region_id == third_id, entry
    )


def relabel(w: World) -> Attempt:
    entry = on_thread(
        w,
        "labels",
        {"soort": "ervaring", "themas": ["logeren"]},
        {"soort": "knelpunt", "themas": ["logeren", "wonen"]},
    )
    return _manage(
        w,
        {"action": "labels", "kind": "knelpunt", "themes": ["wonen", "logeren"]},
        lambda t: t.kind == "knelpunt" and sorted(t.themes) == ["logeren", "wonen"],
        entry,
    )


def edit_other(w: World) -> Attempt:
    post_id, new = w.reply.id, "Onze zoon logeert bij De Linde."
    return Attempt(
        "POST",
        f"/bericht/{post_id}/bewerken",
        {"body": new, "reason": "Naam en leeftijd van een kind weggehaald.", "action": "post"},
        form_page=True,
        stored=lambda: fresh(Post, post_id).body_source == new,
        entry=on_reply(w, "bewerken", {"tekens": len(SECRET)}, {"tekens": len(new)}),
    )


def _logged(w: World) -> None:
    moderation.log(
        region=w.here,
        actor=w.els,
        action=AuditAction.VASTZETTEN,
        reason="Eerder vastgezet: belangrijke informatie.",
        thread=w.thread,
    )
    db.session.commit()


def region_log(w: World) -> Attempt:
    _logged(w)
    return Attempt(
        "GET", f"/regio/{HERE}/logboek", shows="Eerder vastgezet: belangrijke informatie."
    )


def region_log_csv(w: World) -> Attempt:
    _logged(w)
    return Attempt(
        "GET",
        f"/regio/{HERE}/logboek?format=csv",
        shows="Eerder vastgezet: belangrijke informatie.",
    )


def full_log(w: World) -> Attempt:
    _logged(w)
    return Attempt("GET", "/beheer/logboek", shows="Eerder vastgezet: belangrijke informatie.")


ACTIONS: dict[str, Callable[[World], Attempt]] = {
    "bericht melden": report_post,
    "wachtrij van de regio": open_queue,
    "moderatie-overzicht": open_overview,
    "melding: verbergen": decide_hide,
    "melding: afwijzen": decide_dismiss,
    "melding: waarschuwen": decide_warn,
    "melding: schorsen": decide_suspend,
    "bericht verbergen": hide_post,
    "bericht weer zichtbaar": unhide_post,
    "auteur schorsen": suspend_author,
    "schorsing opheffen": lift_suspension,
    "vastzetten": pin,
    "losmaken": unpin,
    "sluiten": lock,
    "heropenen": unlock,
    "verplaatsen": move,
    "soort en thema's": relabel,
    "bericht ander bewerken": edit_other,
    "logboek van de regio": region_log,
    "logboek als CSV": region_log_csv,
    "logboek alle regio's": full_log,
}


def table_cells() -> list[Any]:
    assert set(ACTIONS) == set(EXPECTED)
    cells = []
    for action, outcomes in EXPECTED.items():
        for role, outcome in zip(ROLES, outcomes, strict=True):
            reason = KNOWN_WRONG.get((action, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cells.append(
                pytest.param(
                    ROLES[role], ACTIONS[action], outcome, id=f"{role}: {action}", marks=marks
                )
            )
    return cells


def assert_refused(response: Any, outcome: Any) -> None:
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen?next=")
    else:
        assert response.status_code == outcome


def assert_one_entry(
    app: Flask, after_id: int, expected: dict[str, Any], *, actor_id: int, reason: str
) -> None:
    """Exactly one new audit entry: in Amsterdam, by the actor, with the reason as typed."""
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > after_id)).all()
        assert len(entries) == 1, [(e.action, e.reason) for e in entries]
        entry = entries[0]
        assert entry.region.code == HERE
        assert entry.actor_id == actor_id
        assert entry.reason == reason
        got = {
            "action": entry.action,
            "thread_id": entry.thread_id,
            "post_id": entry.post_id,
            "subject_id": entry.subject_id,
        }
        assert got == {key: expected[key] for key in got}
        # Before and after say at least what changed (more is fine).
        for side in ("before", "after"):
            values = json.loads(getattr(entry, side) or "{}")
            assert {key: values.get(key) for key in expected[side]} == expected[side], side


@pytest.mark.parametrize(("role", "action", "outcome"), table_cells())
def test_moderation_permission(
    app: Flask, client: FlaskClient, auth: Auth, role: Role, action: Any, outcome: Any
) -> None:
    with app.app_context():
        world = build_world()
        if role.person is not None:
            world.actor = make_user(display_name="Ik", **role.person)
            if role.suspended:
                suspend_directly(world.actor, world.here)
        attempt = action(world)
        email = world.actor.email if world.actor else None
        actor_id = world.actor_id
    if email:
        assert auth.login(email).status_code == 302
    token = csrf_token(client, "/huisregels")
    before = database_state(app)
    after_id = last_entry_id(app)

    if attempt.form_page:
        form = client.get(attempt.path)
        if outcome == OK:
            assert form.status_code == 200
            assert 'name="csrf_token"' in form.get_data(as_text=True)
        else:
            assert_refused(form, outcome)
    if attempt.method == "POST":
        response = client.post(attempt.path, data={"csrf_token": token, **attempt.data})
    else:
        response = client.get(attempt.path)

    if outcome == OK and attempt.method == "POST":
        assert response.status_code == 302, text(response)
        assert not response.headers["Location"].startswith("/inloggen")
        with app.app_context():
            assert attempt.stored is not None
            assert attempt.stored()
        if attempt.entry is None:
            assert last_entry_id(app) == after_id, "a report is not a moderation action"
        else:
            assert actor_id is not None
            reason = attempt.data["reason"]
            assert_one_entry(app, after_id, attempt.entry, actor_id=actor_id, reason=reason)
        return
    if outcome in (OK, OWN):
        assert response.status_code == 200
        shown = attempt.shows is not None and attempt.shows in text(response)
        assert shown is (outcome == OK)
    else:
        assert_refused(response, outcome)
    assert database_state(app) == before, "nothing may be written"


def test_a_host_cannot_suspend_a_fellow_host_through_the_suspend_page(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        appoint_host(region=w.here, user=w.bram, appointed_by=None)
        db.session.commit()
        post_id = w.reply.id
    els = signed_in(app, "els@example.nl")
    assert els.get(f"/bericht/{post_id}/schorsen").status_code == 403
    before = database_state(app)
    response = send(els, f"/bericht/{post_id}/schorsen", {"days": "7", "reason": "Test."})
    assert response.status_code == 403
    assert database_state(app) == before


def test_a_host_cannot_suspend_a_fellow_host_through_a_report(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        appoint_host(region=w.here, user=w.bram, appointed_by=None)
        db.session.commit()
        report_id, bram_id = w.report.id, w.bram.id
    els = signed_in(app, "els@example.nl")
    send(els, f"/melding/{report_id}", {"decision": "schorsen", "days": "7", "reason": "Test."})
    assert count(app, Suspension, Suspension.user_id == bram_id) == 0


# Every action leaves one entry: the host edit, the log page and the CSV


def test_a_host_edit_logs_sizes_not_words_and_the_history_names_the_host(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        post_id, thread_id = w.reply.id, w.thread.id
    els = signed_in(app, "els@example.nl")
    new = "Onze zoon logeert bij De Linde."
    why = "Naam en leeftijd van een kind weggehaald."
    response = send(els, f"/bericht/{post_id}/bewerken", {"body": new, "reason": why})
    assert response.status_code == 302

    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert (entry.action, entry.reason, entry.post_id) == ("bewerken", why, post_id)
        assert json.loads(entry.before) == {"tekens": len(SECRET)}
        assert json.loads(entry.after) == {"tekens": len(new)}
    log_page = text(els.get(f"/regio/{HERE}/logboek"))
    log_csv = els.get(f"/regio/{HERE}/logboek?format=csv").get_data(as_text=True)
    for shown in (log_page, log_csv):
        assert why in shown
        assert "Gastvrouw Els" in shown
        for removed in ("Tim", "(12)"):
            assert removed not in shown

    for reader in (els, signed_in(app, "bram@example.nl")):
        history = text(reader.get(f"/bericht/{post_id}/geschiedenis"))
        assert "Vervangen door Gastvrouw Els" in history
        assert SECRET in history  # the history keeps the words, for the author and the hosts
    thread = text(signed_in(app, "carla@example.nl").get(f"/onderwerp/{thread_id}"))
    assert "bewerkt door gastheer of gastvrouw" in thread
    assert new in thread
    assert "Tim" not in thread


def test_the_log_shows_every_action_with_who_why_before_and_after_and_the_csv_has_them_all(
    app: Flask,
) -> None:
    with app.app_context():
        w = build_world()
        thread_id, post_id, report_id = w.thread.id, w.reply.id, w.report.id
    els = signed_in(app, "els@example.nl")
    steps = [
        (f"/melding/{report_id}", {"decision": "waarschuwen", "reason": "Let op namen."}),
        (f"/bericht/{post_id}/verbergen", {"reason": "Toch verborgen."}),
        (f"/onderwerp/{thread_id}/beheren", {"action": "vastzetten", "reason": "Veel gevraagd."}),
        (f"/onderwerp/{thread_id}/beheren", {"action": "sluiten", "reason": "Alles is gezegd."}),
    ]
    for path, data in steps:
        assert send(els, path, data).status_code == 302
    assert count(app, AuditEntry) == len(steps)

    page = text(els.get(f"/regio/{HERE}/logboek"))
    for reason in ("Let op namen.", "Toch verborgen.", "Veel gevraagd.", "Alles is gezegd."):
        assert reason in page
    # Before and after in words, not as data.
    assert "Vastgezet: eerst nee, daarna ja" in page
    assert "Gesloten: eerst nee, daarna ja" in page
    assert "{&#34;" not in page

    download = els.get(f"/regio/{HERE}/logboek?format=csv")
    assert download.mimetype == "text/csv"
    assert "logboek-5515.csv" in download.headers["Content-Disposition"]
    rows = csv_rows(download)
    assert len(rows) == 1 + len(steps)
    assert {row[4] for row in rows[1:]} == {data["reason"] for _path, data in steps}
    assert all(row[1] == "Amsterdam" and row[2] == "Gastvrouw Els" for row in rows[1:])


def test_the_csv_download_does_not_turn_what_participants_wrote_into_formulas(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        w.thread.title = '=HYPERLINK("http://example.com/x","Klik")'
        db.session.commit()
        thread_id = w.thread.id
    els = signed_in(app, "els@example.nl")
    send(els, f"/onderwerp/{thread_id}/beheren", {"action": "vastzetten", "reason": "Handig."})
    cells = [cell for row in csv_rows(els.get(f"/regio/{HERE}/logboek?format=csv")) for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_suspending_through_a_report_logs_that_the_post_was_hidden(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        report_id = w.report.id
    els = signed_in(app, "els@example.nl")
    send(els, f"/melding/{report_id}", {"decision": "schorsen", "days": "7", "reason": "Weer."})
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert json.loads(entry.before).get("zichtbaar") is True
        assert json.loads(entry.after).get("zichtbaar") is False


# A form without a reason


@dataclass(frozen=True)
class Form:
    path: Callable[[World], str]
    data: dict[str, Any]
    kept: list[str]
    """Patterns that show what was typed or chosen is still there."""
    message: str = "Schrijf waarom."
    setup: Callable[[World], None] | None = None


def checked(name: str, value: str) -> str:
    return rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*checked'


def textbox(name: str, value: str) -> str:
    return rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"'


def selected(value: str) -> str:
    return rf'<option[^>]*(selected[^>]*value="{value}"|value="{value}"[^>]*selected)'


def textarea(name: str, value: str) -> str:
    return rf'<textarea[^>]*name="{name}"[^>]*>\s*{re.escape(value)}</textarea>'


def _hidden(w: World) -> None:
    w.reply.hidden_at, w.reply.hidden_reason = utcnow(), "Eerder verborgen."
    db.session.commit()


def _suspended(w: World) -> None:
    suspend_directly(w.bram, w.here)


def _suspension_path(w: World) -> str:
    return f"/schorsing/{db.session.scalar(select(Suspension.id))}/opheffen"


def _report(w: World) -> str:
    return f"/melding/{w.report.id}"


def _manage_path(w: World) -> str:
    return f"/onderwerp/{w.thread.id}/beheren"


FORMS = {
    "melding: verbergen": Form(
        _report, {"decision": "verbergen", "reason": ""}, [checked("decision", "verbergen")]
    ),
    "melding: afwijzen, alleen spaties": Form(
        _report, {"decision": "afwijzen", "reason": "   "}, [checked("decision", "afwijzen")]
    ),
    "melding: waarschuwen": Form(
        _report, {"decision": "waarschuwen", "reason": ""}, [checked("decision", "waarschuwen")]
    ),
    "melding: schorsen": Form(
        _report,
        {"decision": "schorsen", "days": "7", "reason": ""},
        [checked("decision", "schorsen"), textbox("days", "7")],
    ),
    "bericht verbergen": Form(lambda w: f"/bericht/{w.reply.id}/verbergen", {"reason": ""}, []),
    "bericht weer zichtbaar": Form(
        lambda w: f"/bericht/{w.reply.id}/verbergen", {"reason": ""}, [], setup=_hidden
    ),
    "auteur schorsen": Form(
        lambda w: f"/bericht/{w.reply.id}/schorsen",
        {"days": "14", "reason": ""},
        [textbox("days", "14")],
    ),
    "schorsing opheffen": Form(_suspension_path, {"reason": ""}, [], setup=_suspended),
    "vastzetten": Form(
        _manage_path, {"action": "vastzetten", "reason": ""}, [checked("action", "vastzetten")]
    ),
    "sluiten": Form(
        _manage_path, {"action": "sluiten", "reason": ""}, [checked("action", "sluiten")]
    ),
    "verplaatsen": Form(
        _manage_path,
        {"action": "verplaatsen", "region": THIRD, "reason": ""},
        [checked("action", "verplaatsen"), selected(THIRD)],
    ),
    "soort en thema's": Form(
        _manage_path,
        {"action": "labels", "kind": "knelpunt", "themes": ["wonen", "vervoer"], "reason": ""},
        [
            checked("action", "labels"),
            checked("kind", "knelpunt"),
            checked("themes", "wonen"),
            checked("themes", "vervoer"),
        ],
    ),
    "bericht ander bewerken": Form(
        lambda w: f"/bericht/{w.reply.id}/bewerken",
        {"body": "Onze zoon logeert bij De Linde.", "reason": ""},
        [textarea("body", "Onze zoon logeert bij De Linde.")],
        message="Schrijf waarom je het bericht van iemand anders verandert.",
    ),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS)
def test_a_form_without_a_reason_says_so_keeps_what_was_typed_and_writes_nothing(
    app: Flask, form: Form
) -> None:
    with app.app_context():
        w = build_world()
        if form.setup is not None:
            form.setup(w)
        path = form.path(w)
    els = signed_in(app, "els@example.nl")
    assert els.get(path).status_code == 200
    before = database_state(app)
    response = send(els, path, form.data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(r'<div[^>]*id="reason-error"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert error, "no error next to the reason field"
    assert form.message in html.unescape(error.group(1))
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="reason"', page)
    summary = re.search(r"<div[^>]*lp-error-summary[^>]*>(.*?)</div>", page, re.DOTALL)
    assert summary, "no error summary above the form"
    assert 'href="#reason"' in summary.group(1)
    assert form.message in html.unescape(summary.group(1))
    for pattern in form.kept:
        assert re.search(pattern, page), pattern
    assert database_state(app) == before


# Suspension

TYPED_TITLE = "Vervoer naar de dagbesteding"
TYPED_BODY = "Een lange reactie waar ik een half uur over heb gedaan."


@dataclass(frozen=True)
class Way:
    """A way to write in a region: where it is sent, and what the person typed."""

    path: Callable[[World], str]
    data: dict[str, Any]
    form_page: bool = True
    """The address also shows the form (a GET); replying under a thread is a POST only."""


WAYS = {
    "nieuw onderwerp": Way(
        lambda w: f"/regio/{HERE}/nieuw",
        {"title": TYPED_TITLE, "kind": "vraag", "themes": "vervoer", "body": TYPED_BODY},
    ),
    "reageren op het onderwerp": Way(
        lambda w: f"/onderwerp/{w.thread.id}/reageren", {"body": TYPED_BODY}, form_page=False
    ),
    "reageren op een bericht": Way(
        lambda w: f"/bericht/{w.other.id if w.other else 0}/reageren", {"body": TYPED_BODY}
    ),
    "eigen bericht bewerken": Way(
        lambda w: f"/bericht/{w.reply.id}/bewerken", {"body": TYPED_BODY}
    ),
}
NO_CLEAR_PAGE: dict[str, str] = {}
SUSPENDED_FOR = "Herhaaldelijk persoonsgegevens van kinderen gedeeld."


def write_while_suspended(app: Flask, way: Way) -> tuple[Any, datetime]:
    """Bram, suspended in Amsterdam, tries; it is refused and nothing is written anywhere.
    Returns the answer and the end of the suspension."""
    with app.app_context():
        w = build_world()
        w.other = forum.reply_to(thread=w.thread, author=w.carla, body="Bij ons ook.")
        db.session.commit()
        thread_id = w.thread.id
        until = suspend_directly(w.bram, w.here, reason=SUSPENDED_FOR).until
        path = way.path(w)
    bram = signed_in(app, "bram@example.nl")
    assert bram.get(f"/onderwerp/{thread_id}").status_code == 200  # still reads
    if way.form_page:
        assert bram.get(path).status_code == 403  # the form is refused too
    before = database_state(app)
    response = send(bram, path, {**way.data, "action": "post"})
    assert response.status_code == 403
    assert database_state(app) == before
    return response, until


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS)
def test_a_suspended_participant_cannot_write_in_the_region(app: Flask, way: Way) -> None:
    write_while_suspended(app, way)


@pytest.mark.parametrize(
    "way",
    [
        pytest.param(
            way,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=NO_CLEAR_PAGE[name])]
            if name in NO_CLEAR_PAGE
            else [],
        )
        for name, way in WAYS.items()
    ],
)
def test_a_suspended_participant_gets_a_clear_page_with_what_they_typed(
    app: Flask, way: Way
) -> None:
    response, until = write_while_suspended(app, way)
    page = text(response)
    assert "Je kunt hier voorlopig niet schrijven" in page
    assert shown_date(app, until) in page
    assert SUSPENDED_FOR in page
    assert CONTACT in page  # how to object
    assert TYPED_BODY in page
    if "title" in way.data:
        assert TYPED_TITLE in page


def test_suspension_by_a_host_mails_the_participant_and_ends_when_it_runs_out_or_is_lifted(
    app: Flask, mailbox: Mailbox
) -> None:
    with app.app_context():
        w = build_world()
        thread_id, post_id, bram_id, here_id = w.thread.id, w.reply.id, w.bram.id, w.here.id
    els = signed_in(app, "els@example.nl")
    why = "Herhaaldelijk namen van kinderen."
    assert (
        send(els, f"/bericht/{post_id}/schorsen", {"days": "7", "reason": why}).status_code == 302
    )
    with app.app_context():
        until = db.session.scalar(select(Suspension.until))
    shown = shown_date(app, until)

    assert deliver_outbox(app) >= 1
    mail = mailbox.last_to("bram@example.nl")
    assert mail["Subject"] == "Je kunt een tijdje niet schrijven in een regio"
    body = " ".join(text_of(mail).split())
    assert shown in body
    assert "Amsterdam" in body
    assert why in body
    assert "Ben je het er niet mee eens?" in body
    assert CONTACT in body

    bram = signed_in(app, "bram@example.nl")
    page = text(bram.get(f"/onderwerp/{thread_id}"))
    assert SECRET in page  # reads on
    assert shown in page  # and sees until when they cannot write
    refused = send(bram, f"/onderwerp/{thread_id}/reageren", {"body": "Nog een reactie."})
    assert refused.status_code == 403

    # Another region: writing there goes on.
    elsewhere = send(
        bram,
        f"/regio/{ELSEWHERE}/nieuw",
        {"title": TYPED_TITLE, "kind": "vraag", "themes": "vervoer", "body": TYPED_BODY},
    )
    assert elsewhere.status_code == 302
    assert count(app, Thread, Thread.title == TYPED_TITLE) == 1

    # The suspension runs out.
    with app.app_context():
        db.session.execute(update(Suspension).values(until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    again = send(bram, f"/onderwerp/{thread_id}/reageren", {"body": "Weer welkom."})
    assert again.status_code == 302
    assert count(app, Post, Post.body_source == "Weer welkom.") == 1

    # Suspended again, then lifted by the host.
    with app.app_context():
        bram_user = db.session.get(User, bram_id)
        second = suspend_directly(bram_user, db.session.get(Region, here_id)).id
    assert send(bram, f"/onderwerp/{thread_id}/reageren", {"body": "Te vroeg."}).status_code == 403
    lifted = send(els, f"/schorsing/{second}/opheffen", {"reason": "Excuses aangeboden."})
    assert lifted.status_code == 302
    assert send(bram, f"/onderwerp/{thread_id}/reageren", {"body": "Dank."}).status_code == 302
    assert count(app, Post, Post.body_source.in_(["Te vroeg.", "Dank."])) == 1


# Hidden posts


def test_a_hidden_post_is_a_placeholder_for_others_and_readable_with_why_for_author_and_hosts(
    app: Flask, mailbox: Mailbox
) -> None:
    with app.app_context():
        w = build_world()
        thread_id, post_id = w.thread.id, w.reply.id
    why = "Er staan naam en leeftijd van een kind in."
    els = signed_in(app, "els@example.nl")
    assert send(els, f"/bericht/{post_id}/verbergen", {"reason": why}).status_code == 302
    placeholder = "Dit bericht is verborgen door een gastheer of gastvrouw van de regio"

    for other in ("carla@example.nl", "anna@example.nl", "gijs@example.nl"):
        page = text(signed_in(app, other).get(f"/onderwerp/{thread_id}"))
        assert placeholder in page, other
        assert "Tim" not in page, other
        assert why not in page, other
    author = text(signed_in(app, "bram@example.nl").get(f"/onderwerp/{thread_id}"))
    assert SECRET in author
    assert "Een gastheer of gastvrouw heeft dit bericht verborgen" in author
    assert why in author
    for host in (els, signed_in(app, "beatrix@example.nl")):
        page = text(host.get(f"/onderwerp/{thread_id}"))
        assert SECRET in page
        assert f"Verborgen voor anderen. De reden: {why}" in page

    deliver_outbox(app)
    mail = " ".join(text_of(mailbox.last_to("bram@example.nl")).split())
    assert why in mail
    assert "Ben je het er niet mee eens?" in mail


def test_a_hidden_or_own_post_cannot_be_reported(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        w.reply.hidden_at, w.reply.hidden_reason = utcnow(), "Verborgen."
        db.session.commit()
        hidden, own, thread_id = w.reply.id, w.opening.id, w.thread.id
    tries = [
        (signed_in(app, "carla@example.nl"), hidden),
        (signed_in(app, "bram@example.nl"), hidden),
        (signed_in(app, "anna@example.nl"), own),
    ]
    before = database_state(app)
    for browser, post_id in tries:
        thread_page = browser.get(f"/onderwerp/{thread_id}").get_data(as_text=True)
        assert f"/bericht/{post_id}/melden" not in thread_page
        assert browser.get(f"/bericht/{post_id}/melden").status_code == 403
        refused = send(browser, f"/bericht/{post_id}/melden", {"reason": "anders"})
        assert refused.status_code == 403
    assert database_state(app) == before


def test_a_hidden_opening_post_is_not_in_the_region_feed(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        forum.start_thread(
            region=w.here,
            author=w.carla,
            title="Een tweede onderwerp",
            kind="vraag",
            themes=["wonen"],
            body="Wie weet een woonplek?",
        )
        w.opening.hidden_at, w.opening.hidden_reason = utcnow(), "Naam van een kind."
        following.ensure_feed_key(w.carla)
        token = following.feed_token(w.carla)
        db.session.commit()
    response = app.test_client().get(f"/feeds/regio/{HERE}.atom?token={token}")
    assert response.status_code == 200
    assert "Deel hier je ervaringen" not in response.get_data(as_text=True)
    entries = {e.title: e for e in feedparser.parse(response.get_data()).entries}
    assert "summary" not in entries["Ervaring: Ervaringen met logeerhuizen"]
    assert entries["Vraag: Een tweede onderwerp"].summary == "Wie weet een woonplek?"


def test_a_reply_hidden_before_the_mail_goes_out_is_not_quoted_in_it(
    app: Flask, mailbox: Mailbox
) -> None:
    with app.app_context():
        w = build_world()
        w.carla.email_frequency = "direct"
        following.set_follow(w.carla, "alles", thread=w.thread)
        db.session.commit()
        thread_id = w.thread.id
    bram = signed_in(app, "bram@example.nl")
    for body in ("Bel De Linde, die hebben plek.", "Onze Tim (12) weet er alles van."):
        assert send(bram, f"/onderwerp/{thread_id}/reageren", {"body": body}).status_code == 302
    with app.app_context():
        hidden = db.session.scalar(select(Post.id).where(Post.body_source.like("%Tim (12) weet%")))
    els = signed_in(app, "els@example.nl")
    assert send(els, f"/bericht/{hidden}/verbergen", {"reason": "Naam."}).status_code == 302

    deliver_outbox(app)
    mails = mailbox.to("carla@example.nl")
    assert len(mails) == 2
    bodies = [" ".join(text_of(m).split()) for m in mails]
    assert any("Bel De Linde, die hebben plek." in b for b in bodies)
    assert not any("Tim" in b or "Tim" in str(m) for b, m in zip(bodies, mails, strict=True))


def test_hiding_a_post_that_another_host_hid_meanwhile_keeps_it_hidden(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        post_id = w.reply.id
        make_user(email="ruud@example.nl", display_name="Gastheer Ruud", host_of=HERE)
    els, ruud = signed_in(app, "els@example.nl"), signed_in(app, "ruud@example.nl")
    token = csrf_token(
        els, f"/bericht/{post_id}/verbergen"
    )  # Els opens the form; it says "verbergen"
    send(ruud, f"/bericht/{post_id}/verbergen", {"reason": "Naam van een kind."})
    els.post(
        f"/bericht/{post_id}/verbergen",
        data={"csrf_token": token, "reason": "Naam.", "doel": "verbergen"},
    )
    with app.app_context():
        assert fresh(Post, post_id).hidden_at is not None


# Moving a thread


def test_a_moved_thread_keeps_everything_and_its_open_reports_move_to_the_new_queue(
    app: Flask,
) -> None:
    with app.app_context():
        w = build_world()
        other = forum.reply_to(thread=w.thread, author=w.carla, body="Wij gaan naar Het Kompas.")
        moderation.report(post=other, reporter=w.anna, reason="reclame", note="Reclame.")
        kept = forum.start_thread(
            region=w.here,
            author=w.carla,
            title="Blijft in Amsterdam",
            kind="vraag",
            themes=["wonen"],
            body="Wie weet een woonplek?",
        )
        kept_post = forum.reply_to(thread=kept, author=w.anna, body="Vraag het zorgkantoor.")
        moderation.report(post=kept_post, reporter=w.carla, reason="onjuist", note="Klopt niet.")
        item = actions.create_item(
            region=w.here,
            author=w.els,
            title="Logeerplekken met nachtzorg",
            description="Samen zoeken.",
            themes=["logeren"],
            threads=[w.thread],
        )
        following.set_follow(w.gijs, "alles", thread=w.thread)
        db.session.commit()
        kennemerland_host = make_user(
            email="kees@example.nl", display_name="Gastheer Kees", host_of=THIRD
        )
        thread_id, item_id = w.thread.id, item.id

        def attached() -> dict[str, Any]:
            db.session.expire_all()
            return {
                "posts": db.session.execute(
                    select(Post.id, Post.body_source, Post.parent_id)
                    .where(Post.thread_id == thread_id)
                    .order_by(Post.id)
                ).all(),
                "reply_count": db.session.get(Thread, thread_id).reply_count,
                "links": db.session.execute(
                    select(ActionItemLink.action_item_id, ActionItemLink.role).where(
                        ActionItemLink.thread_id == thread_id
                    )
                ).all(),
                "follows": db.session.execute(
                    select(Follow.user_id, Follow.level)
                    .where(Follow.thread_id == thread_id)
                    .order_by(Follow.user_id)
                ).all(),
                "notifications": db.session.execute(
                    select(Notification.id, Notification.user_id, Notification.post_id)
                    .where(Notification.thread_id == thread_id)
                    .order_by(Notification.id)
                ).all(),
            }

        before = attached()
        assert len(before["posts"]) == 3
        assert before["links"]
        assert before["notifications"]
        assert len(before["follows"]) >= 3
        anna_note = db.session.scalar(
            select(Notification.id).where(
                Notification.thread_id == thread_id, Notification.user_id == w.anna.id
            )
        )
        assert kennemerland_host.id

    els = signed_in(app, "els@example.nl")
    moved = send(
        els,
        f"/onderwerp/{thread_id}/beheren",
        {"action": "verplaatsen", "region": THIRD, "reason": "Gaat over Kennemerland."},
    )
    assert moved.status_code == 302

    with app.app_context():
        assert db.session.get(Thread, thread_id).region.code == THIRD
        assert attached() == before
        open_reports = db.session.execute(
            select(Report.note, Region.code)
            .join(Region, Region.id == Report.region_id)
            .where(Report.decided_at.is_(None))
            .order_by(Report.id)
        ).all()
        assert open_reports == [(NOTE, THIRD), ("Reclame.", THIRD), ("Klopt niet.", HERE)]
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert (entry.region.code, entry.action, entry.reason) == (
            HERE,
            "verplaatsen",
            "Gaat over Kennemerland.",
        )

    kees = signed_in(app, "kees@example.nl")
    new_queue = text(kees.get(f"/regio/{THIRD}/moderatie"))
    assert NOTE in new_queue
    assert "Reclame." in new_queue
    assert "Klopt niet." not in new_queue
    old_queue = text(els.get(f"/regio/{HERE}/moderatie"))
    assert "Klopt niet." in old_queue
    assert NOTE not in old_queue
    assert "Reclame." not in old_queue

    carla = signed_in(app, "carla@example.nl")
    assert "Ervaringen met logeerhuizen" in text(carla.get(f"/regio/{THIRD}"))
    old_region = text(carla.get(f"/regio/{HERE}"))
    assert "Ervaringen met logeerhuizen" not in old_region
    assert "Blijft in Amsterdam" in old_region

    page = text(carla.get(f"/onderwerp/{thread_id}"))
    assert "Logeerplekken met nachtzorg" in page  # the action item it feeds
    assert "Wij gaan naar Het Kompas." in page
    assert f"/actiepunt/{item_id}" in page

    anna = signed_in(app, "anna@example.nl")
    opened = post_form(anna, f"/meldingen/{anna_note}", {}, token_page="/meldingen")
    assert opened.status_code == 302
    followed = anna.get(opened.headers["Location"])
    assert followed.status_code == 302
    assert anna.get(followed.headers["Location"]).status_code == 200


# Query pins


def _bulk_world(app: Flask) -> dict[str, Any]:
    """Ten authors, ten reporters and ten threads in Amsterdam, inserted in bulk."""
    with app.app_context():
        w = build_world()
        users = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"bulk{n}@example.nl",
                    "display_name": f"Deelnemer {n}",
                    "participant_kind": "ouder",
                    "password_hash": "x",
                    "home_region_id": w.here.id,
                    "email_verified_at": utcnow(),
                }
                for n in range(20)
            ],
        ).all()
        threads = db.session.scalars(
            insert(Thread).returning(Thread.id, sort_by_parameter_order=True),
            [
                {
                    "region_id": w.here.id,
                    "author_id": users[n],
                    "title": f"Onderwerp {n}",
                    "kind": "vraag",
                }
                for n in range(10)
            ],
        ).all()
        db.session.commit()
        return {
            "here": w.here.id,
            "elsewhere": w.elsewhere.id,
            "els": w.els.id,
            "users": users,
            "threads": threads,
            "done": 0,
        }


def _add(app: Flask, world: dict[str, Any], many: int) -> None:
    """``many`` more reports (each on a post of its own) and log entries, in bulk."""
    users, threads, start = world["users"], world["threads"], world["done"]
    numbers = range(start, start + many)
    with app.app_context():
        posts = db.session.scalars(
            insert(Post).returning(Post.id, sort_by_parameter_order=True),
            [
                {
                    "thread_id": threads[n % 10],
                    "author_id": users[n % 10],
                    "body_source": f"Bericht {n}",
                    "body_html": f"<p>Bericht {n}</p>",
                }
                for n in numbers
            ],
        ).all()
        db.session.execute(
            insert(Report),
            [
                {
                    "post_id": post_id,
                    "region_id": world["here"],
                    "reporter_id": users[10 + n % 10],
                    "reason": "privacy",
                    "note": f"Melding {n}",
                }
                for n, post_id in zip(numbers, posts, strict=True)
            ],
        )
        db.session.execute(
            insert(AuditEntry),
            [
                {
                    "region_id": world["here"] if n % 2 else world["elsewhere"],
                    "actor_id": users[10 + n % 10],
                    "action": "verbergen",
                    "reason": f"Reden {n}",
                    "thread_id": threads[n % 10],
                    "post_id": post_id,
                    "subject_id": users[n % 10],
                    "before": '{"zichtbaar": true}',
                    "after": '{"zichtbaar": false}',
                }
                for n, post_id in zip(numbers, posts, strict=True)
            ],
        )
        db.session.commit()
    world["done"] = start + many


PAGES = {
    "/regio/5515/moderatie": ("els", QUEUE_QUERIES),
    "/moderatie": ("els", OVERVIEW_QUERIES),
    "/regio/5515/logboek": ("els", LOG_QUERIES),
    "/regio/5515/logboek?format=csv": ("els", LOG_CSV_QUERIES),
    "/beheer/logboek": ("beatrix", FULL_LOG_QUERIES),
}


def test_queue_and_log_pages_take_as_many_queries_for_200_reports_as_for_3(
    app: Flask, query_counter: Any
) -> None:
    world = _bulk_world(app)
    browsers = {
        "els": signed_in(app, "els@example.nl"),
        "beatrix": signed_in(app, "beatrix@example.nl"),
    }

    def measure() -> dict[str, int]:
        counts = {}
        for path, (who, _pinned) in PAGES.items():
            browsers[who].get(path)  # warm up
            with query_counter() as counted:
                response = browsers[who].get(path)
            assert response.status_code == 200, path
            counts[path] = counted.count
        return counts

    _add(app, world, 3)
    few = measure()
    _add(app, world, 197)
    many = measure()
    assert "Melding 0" in text(browsers["els"].get("/regio/5515/moderatie"))
    assert "Reden 199" in text(browsers["beatrix"].get("/beheer/logboek"))
    assert many == few
    for path, (_who, pinned) in PAGES.items():
        assert many[path] <= pinned, (path, many[path])


def test_the_queue_says_how_many_reports_are_open_even_beyond_what_it_shows(app: Flask) -> None:
    world = _bulk_world(app)
    _add(app, world, 200)
    page = text(signed_in(app, "els@example.nl").get(f"/regio/{HERE}/moderatie"))
    assert "201 open meldingen" in page  # the world's own report, and 200 more


def test_a_warning_mails_the_author_what_the_host_said_and_how_to_object(
    app: Flask, mailbox: Mailbox
) -> None:
    with app.app_context():
        w = build_world()
        report_id, post_id = w.report.id, w.reply.id
    els = signed_in(app, "els@example.nl")
    why = "Noem liever geen namen van kinderen."
    decided = send(els, f"/melding/{report_id}", {"decision": "waarschuwen", "reason": why})
    assert decided.status_code == 302
    assert deliver_outbox(app) >= 1
    mail = mailbox.last_to("bram@example.nl")
    assert mail["Subject"] == "Een bericht van de gastheren en gastvrouwen over je bericht"
    body = " ".join(text_of(mail).split())
    assert "Hallo Vader van Joris," in body
    assert why in body
    assert f"/bericht/{post_id}" in body  # the post it is about
    assert "/huisregels" in body
    assert CONTACT in body  # how to object
    # A warning leaves the post as it was.
    assert SECRET in text(
        signed_in(app, "carla@example.nl").get(f"/bericht/{post_id}", follow_redirects=True)
    )


def test_an_admin_downloads_the_log_of_every_region_as_csv(app: Flask) -> None:
    with app.app_context():
        w = build_world()
        moderation.set_pinned(thread=w.thread, host=w.els, pinned=True, reason="In Amsterdam.")
        other = forum.start_thread(
            region=w.elsewhere, author=w.gijs, title="Groningen", kind="vraag",
            themes=["vervoer"], body="Vraag.",
        )  # fmt: skip
        moderation.set_locked(thread=other, host=w.gijs, locked=True, reason="In Groningen.")
        db.session.commit()
    download = signed_in(app, "beatrix@example.nl").get("/beheer/logboek?format=csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True)), delimiter=";"))
    reasons = {cell for row in rows[1:] for cell in row}
    assert {"In Amsterdam.", "In Groningen."} <= reasons
    assert len(rows) == 1 + 2  # a header and one row per entry
    # A host reads only their own region's log, and not the whole one.
    assert signed_in(app, "els@example.nl").get("/beheer/logboek?format=csv").status_code == 403
