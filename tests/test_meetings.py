"""Regiotafels: scheduling, the agenda, who comes, minutes, decisions as action items, the
calendars, the reminder over real SMTP, who may do what, and the meeting page's queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_login import AnonymousUserMixin
from icalendar import Calendar
from sqlalchemy import func, select, update

from leerplatform import permissions
from leerplatform.accounts.models import User
from leerplatform.actions import services as actions
from leerplatform.actions.models import ActionItem, ActionItemUpdate
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following.services import feed_token, renew_feed_key
from leerplatform.forum.services import set_members_only, start_thread
from leerplatform.meetings import services
from leerplatform.meetings.models import AgendaItem, Answer, Meeting, MeetingResponse
from leerplatform.outbox.models import OutboxMessage
from leerplatform.regions.services import join_region, region_by_code
from leerplatform.text import render_markdown
from tests.conftest import Auth, Mailbox, csrf_token, deliver_outbox, post_form, text_of
from tests.factories import make_user

AMSTERDAM = "5515"
KENNEMERLAND = "5513"
AMSTELLAND = "5516"
LOCAL = ZoneInfo("Europe/Amsterdam")
MEETING_PAGE_QUERIES = 6


@dataclass
class World:
    host: int
    other_host: int
    parent: int
    professional: int
    admin: int
    bottleneck: int
    practice: int
    item: int


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


@pytest.fixture
def world(app: Flask, regions: None) -> World:
    with app.app_context():
        host = make_user(email="gastheer@example.nl", host_of=AMSTERDAM)
        other = make_user(
            email="gastvrouw@example.nl", region_code=KENNEMERLAND, host_of=KENNEMERLAND
        )
        parent = make_user(email="ouder@example.nl")
        professional = make_user(email="zorg@example.nl", participant_kind="zorgprofessional")
        admin = make_user(email="beheerder@example.nl", region_code=KENNEMERLAND, is_admin=True)
        region = region_by_code(AMSTERDAM)
        bottleneck = start_thread(
            region=region,
            author=parent,
            title="Geen logeerplek in de zomer",
            kind="knelpunt",
            themes=["logeren"],
            body="Alle logeerhuizen zitten vol in juli.",
        )
        practice = start_thread(
            region=region,
            author=professional,
            title="Samen een logeerweekend regelen",
            kind="goed_voorbeeld",
            themes=["logeren"],
            body="Drie gezinnen delen een begeleider.",
        )
        db.session.flush()
        item = actions.create_item(
            region=region,
            author=host,
            title="Vervoer naar de dagbesteding op tijd",
            description="De taxi komt te laat.",
            themes=["vervoer"],
        )
        db.session.commit()
        return World(
            host=host.id,
            other_host=other.id,
            parent=parent.id,
            professional=professional.id,
            admin=admin.id,
            bottleneck=bottleneck.id,
            practice=practice.id,
            item=item.id,
        )


def client_for(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = Auth(client).login(email)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return client


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


def make_meeting(
    app: Flask,
    *,
    host_id: int,
    starts: datetime,
    hours: int = 2,
    code: str = AMSTERDAM,
    title: str = "Regiotafel Amsterdam",
) -> int:
    with app.app_context():
        meeting = services.schedule_meeting(
            region=region_by_code(code),
            host=_user(host_id),
            details=services.MeetingDetails(
                title=title,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                location="Buurthuis De Pijp",
                video_url="",
                invited="Ouders en zorgaanbieders",
                description="We praten over **logeren**.",
            ),
        )
        db.session.commit()
        return meeting.id


def move_to_past(app: Flask, meeting_id: int, days: int = 1) -> None:
    """The meeting has taken place: move its time back, as the clock would have."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting is not None
        shift = meeting.ends_at - utcnow() + timedelta(days=days)
        db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(starts_at=meeting.starts_at - shift, ends_at=meeting.ends_at - shift)
        )
        db.session.commit()


# --- the whole cycle through the pages ---------------------------------------------------


def test_schedule_agenda_minutes_and_decisions_through_the_pages(app: Flask, world: World) -> None:
    host = client_for(app, "gastheer@example.nl")
    region_page = html(host.get(f"/regio/{AMSTERDAM}"))
    assert "Plan een regiotafel" in region_page
    assert f"/regio/{AMSTERDAM}/regiotafel/nieuw" in region_page

    day = (datetime.now(LOCAL) + timedelta(days=30)).date()
    response = post_form(
        host,
        f"/regio/{AMSTERDAM}/regiotafel/nieuw",
        {
            "title": "Regiotafel Amsterdam, voorjaar",
            "day": day.strftime("%d-%m-%Y"),
            "starts": "19.30",
            "ends": "21:30",
            "location": "Buurthuis De Pijp",
            "video_url": "https://video.example/regiotafel",
            "invited": "Ouders, aanbieders en het zorgkantoor",
            "description": "We praten over *logeren*.",
        },
    )
    assert response.status_code == 302, html(response)[:2000]
    meeting_path = response.headers["Location"]
    meeting_id = int(re.search(r"/regiotafel/(\d+)", meeting_path).group(1))
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.starts_at == local(day, 19, 30).astimezone(UTC)
        assert meeting.ends_at == local(day, 21, 30).astimezone(UTC)
        assert meeting.starts_at.tzinfo is not None
        assert meeting.description_html == "<p>We praten over <em>logeren</em>.</p>"

    # The host picks a bottleneck and an action item from what is open in the region.
    pick_page = html(host.get(f"/regiotafel/{meeting_id}/agenda"))
    assert "Geen logeerplek in de zomer" in pick_page
    assert "Samen een logeerweekend regelen" in pick_page
    assert "Vervoer naar de dagbesteding op tijd" in pick_page
    response = post_form(
        host,
        f"/regiotafel/{meeting_id}/agenda",
        {"bottlenecks": [world.bottleneck], "items": [world.item]},
    )
    assert response.status_code == 302
    assert "Geen logeerplek in de zomer" not in html(host.get(f"/regiotafel/{meeting_id}/agenda"))

    # Participants propose: a good practice by its address, and a topic in their own words.
    parent = client_for(app, "ouder@example.nl")
    response = post_form(
        parent,
        f"/regiotafel/{meeting_id}/voorstel",
        {
            "title": "Wat werkt bij andere gezinnen",
            "note": "Dit kunnen we overnemen.",
            "subject": f"http://localhost/onderwerp/{world.practice}",
        },
        token_page=meeting_path,
    )
    assert response.status_code == 302
    professional = client_for(app, "zorg@example.nl")
    response = post_form(
        professional,
        f"/regiotafel/{meeting_id}/voorstel",
        {"title": "Parkeren bij het logeerhuis", "note": "", "subject": ""},
        token_page=meeting_path,
    )
    assert response.status_code == 302
    # The same conversation again is refused with a message by the field.
    response = post_form(
        professional,
        f"/regiotafel/{meeting_id}/voorstel",
        {"title": "Nog eens", "subject": f"/onderwerp/{world.bottleneck}"},
        token_page=meeting_path,
    )
    assert response.status_code == 422
    assert "Dit staat al op de agenda of is al voorgesteld." in html(response)

    with app.app_context():
        proposals = {
            e.title: e.id
            for e in db.session.scalars(
                select(AgendaItem).where(AgendaItem.status == "voorgesteld")
            )
        }
    host_view = html(host.get(meeting_path))
    assert "Voorgesteld door deelnemers" in host_view
    accept = (
        f"/regiotafel/{meeting_id}/agenda/{proposals['Wat werkt bij andere gezinnen']}/aannemen"
    )
    decline = f"/regiotafel/{meeting_id}/agenda/{proposals['Parkeren bij het logeerhuis']}/afwijzen"
    assert accept in host_view
    assert accept not in html(parent.get(meeting_path))
    token = csrf_token(host, meeting_path)
    assert host.post(accept, data={"csrf_token": token}).status_code == 302
    assert host.post(decline, data={"csrf_token": token}).status_code == 302
    assert (
        parent.post(accept, data={"csrf_token": csrf_token(parent, meeting_path)}).status_code
        == 403
    )

    # Who comes: an answer, then a change of mind.
    for client, answer in ((parent, "ja"), (parent, "misschien"), (professional, "nee")):
        response = post_form(
            client,
            f"/regiotafel/{meeting_id}/aanmelden",
            {"answer": answer},
            token_page=meeting_path,
        )
        assert response.status_code == 302
    with app.app_context():
        answers = dict(
            db.session.execute(select(MeetingResponse.user_id, MeetingResponse.answer)).all()
        )
    assert answers == {world.parent: "misschien", world.professional: "nee"}

    page = html(parent.get(meeting_path))
    agenda = page[page.index('id="agenda"') : page.index('id="verslag"')]
    titles = re.findall(r'lp-thread__title">(?:<a [^>]+>)?([^<]+)<', agenda)
    assert titles == [
        "Geen logeerplek in de zomer",
        f"#{world.item} Vervoer naar de dagbesteding op tijd",
        "Samen een logeerweekend regelen",
    ]
    assert "Parkeren bij het logeerhuis" not in agenda  # declined: only its proposer and hosts
    assert "Parkeren bij het logeerhuis" in html(professional.get(meeting_path))
    assert "0 mensen komen" in page
    assert "1 misschien" in page
    assert "1 kan niet komen" in page
    assert "Je antwoord nu: Misschien." in page

    # Minutes and decisions once the meeting has taken place, not before.
    assert host.get(f"/regiotafel/{meeting_id}/verslag").status_code == 403
    move_to_past(app, meeting_id)
    assert parent.get(f"/regiotafel/{meeting_id}/verslag").status_code == 403
    outline = html(host.get(f"/regiotafel/{meeting_id}/verslag"))
    assert "## Geen logeerplek in de zomer" in outline
    response = post_form(
        host,
        f"/regiotafel/{meeting_id}/verslag",
        {"minutes": "## Logeren\n\nWe spraken af: **een lijst**.<script>alert(1)</script>"},
    )
    assert response.status_code == 302
    response = post_form(
        host,
        f"/regiotafel/{meeting_id}/besluiten/nieuw",
        {
            "nieuw-title": "Zomerlogeren per aanbieder op een rij",
            "nieuw-description": "Het zorgkantoor maakt een lijst.",
            "nieuw-themes": ["logeren"],
            "nieuw-owner": "0",
            "nieuw-target_date": "",
        },
        token_page=f"/regiotafel/{meeting_id}/besluiten",
    )
    assert response.status_code == 302, html(response)[:3000]
    response = post_form(
        host,
        f"/regiotafel/{meeting_id}/besluiten/bestaand",
        {
            "bestaand-item": str(world.item),
            "bestaand-decision": "De vervoerder komt volgende keer.",
        },
        token_page=f"/regiotafel/{meeting_id}/besluiten",
    )
    assert response.status_code == 302

    with app.app_context():
        made = db.session.scalar(
            select(ActionItem).where(ActionItem.title == "Zomerlogeren per aanbieder op een rij")
        )
        assert made is not None
        assert made.region.code == AMSTERDAM
        decided = db.session.scalars(
            select(ActionItemUpdate.action_item_id).where(ActionItemUpdate.meeting_id == meeting_id)
        ).all()
        new_id = made.id
    assert sorted(decided) == sorted([new_id, world.item])

    page = html(parent.get(meeting_path))
    minutes = "## Logeren\n\nWe spraken af: **een lijst**.<script>alert(1)</script>"
    assert str(render_markdown(minutes)) in page
    assert "<strong>een lijst</strong>" in page
    assert "<script>" not in page
    assert f"/actiepunt/{new_id}" in page
    assert "De vervoerder komt volgende keer." in page

    # Each action item's timeline says where it was decided, with a link back.
    for item_id in (new_id, world.item):
        timeline = html(parent.get(f"/actiepunt/{item_id}"))
        assert "Besloten aan de regiotafel" in timeline
        assert (
            f'href="/regiotafel/{meeting_id}#besluiten">Regiotafel Amsterdam, voorjaar</a>'
            in timeline
        )

    # The region's space links to the minutes of the meeting that was held.
    region_page = html(parent.get(f"/regio/{AMSTERDAM}"))
    assert f"/regiotafel/{meeting_id}#verslag" in region_page
    assert "Eerdere bijeenkomsten en hun verslagen" in region_page


def test_bad_input_gets_dutch_errors_by_the_field_and_keeps_what_was_typed(
    app: Flask, world: World
) -> None:
    host = client_for(app, "gastheer@example.nl")
    day = (datetime.now(LOCAL) + timedelta(days=10)).date().strftime("%d-%m-%Y")
    response = post_form(
        host,
        f"/regio/{AMSTERDAM}/regiotafel/nieuw",
        {
            "title": "Regiotafel met fouten",
            "day": day,
            "starts": "20:00",
            "ends": "19:00",
            "location": "",
            "video_url": "",
            "invited": "Iedereen",
        },
    )
    page = html(response)
    assert response.status_code == 200
    assert "lp-error-summary" in page
    assert "Vul een plek of een videolink in (of allebei)." in page
    assert "De bijeenkomst moet eindigen na het begin." in page
    assert 'value="Regiotafel met fouten"' in page
    assert f'value="{day}"' in page

    response = post_form(
        host,
        f"/regio/{AMSTERDAM}/regiotafel/nieuw",
        {"title": "Te laat", "day": "01-01-2020", "starts": "25:00", "ends": "", "location": "X"},
    )
    page = html(response)
    assert "Schrijf een tijd zoals 19:30." in page
    assert "Vul een tijd in, bijvoorbeeld 19:30." in page
    assert "Vul dit in." in page  # who is invited
    response = post_form(
        host,
        f"/regio/{AMSTERDAM}/regiotafel/nieuw",
        {
            "title": "Te laat",
            "day": "01-01-2020",
            "starts": "19:00",
            "ends": "20:00",
            "location": "X",
            "invited": "Iedereen",
        },
    )
    assert "Kies een datum en tijd in de toekomst." in html(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_host_changes_the_time_and_calendars_get_a_new_version(app: Flask, world: World) -> None:
    starts = local((datetime.now(LOCAL) + timedelta(days=20)).date(), 19, 30)
    meeting_id = make_meeting(app, host_id=world.host, starts=starts)
    host = client_for(app, "gastheer@example.nl")
    form = html(host.get(f"/regiotafel/{meeting_id}/bewerken"))
    assert 'value="19:30"' in form
    response = post_form(
        host,
        f"/regiotafel/{meeting_id}/bewerken",
        {
            "title": "Regiotafel Amsterdam",
            "day": starts.strftime("%d-%m-%Y"),
            "starts": "20:00",
            "ends": "22:00",
            "location": "Buurthuis De Pijp",
            "invited": "Ouders en zorgaanbieders",
            "description": "We praten over **logeren**.",
        },
    )
    assert response.status_code == 302
    calendar = Calendar.from_ical(host.get(f"/regiotafel/{meeting_id}.ics").get_data())
    event = calendar.walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").strftime("%H:%M") == "20:00"
    assert (
        client_for(app, "gastvrouw@example.nl")
        .get(f"/regiotafel/{meeting_id}/bewerken")
        .status_code
        == 403
    )


# --- calendars -----------------------------------------------------------------------------


def test_the_ics_of_a_meeting_is_valid_icalendar_in_dutch_time(app: Flask, world: World) -> None:
    summer = local(date(datetime.now(LOCAL).year + 1, 7, 1), 19, 30)
    winter = local(date(datetime.now(LOCAL).year + 1, 1, 12), 19, 30)
    for starts, utc_hour in ((summer, 17), (winter, 18)):
        meeting_id = make_meeting(app, host_id=world.host, starts=starts)
        response = client_for(app, "ouder@example.nl").get(f"/regiotafel/{meeting_id}.ics")
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        calendar = Calendar.from_ical(response.get_data())
        assert calendar["VERSION"] == "2.0"
        assert calendar["PRODID"]
        zones = [zone["TZID"] for zone in calendar.walk("VTIMEZONE")]
        assert zones == ["Europe/Amsterdam"]
        (event,) = calendar.walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (19, 30)
        assert start.astimezone(UTC).hour == utc_hour
        assert event.decoded("DTEND") - start == timedelta(hours=2)
        assert str(event["SUMMARY"]) == "Regiotafel Amsterdam"
        assert str(event["LOCATION"]) == "Buurthuis De Pijp"
        assert str(event["UID"]) == f"regiotafel-{meeting_id}@localhost"
        assert str(event["URL"]) == f"http://localhost/regiotafel/{meeting_id}"
        assert "logeren" in str(event["DESCRIPTION"])
        assert "**" not in str(event["DESCRIPTION"])
        assert b"\r\n" in response.get_data()
    assert app.test_client().get(f"/regiotafel/{meeting_id}.ics").status_code == 302


def test_the_region_calendar_needs_a_personal_address_and_does_not_leak(
    app: Flask, world: World
) -> None:
    soon = local((datetime.now(LOCAL) + timedelta(days=5)).date(), 19, 0)
    open_id = make_meeting(app, host_id=world.host, starts=soon, title="Open tafel")
    with app.app_context():
        closed_host = make_user(
            email="amstelland@example.nl", region_code=AMSTELLAND, host_of=AMSTELLAND
        )
        set_members_only(region=region_by_code(AMSTELLAND), members_only=True)
        db.session.commit()
        closed_host_id = closed_host.id
    closed_id = make_meeting(
        app, host_id=closed_host_id, starts=soon, code=AMSTELLAND, title="Besloten tafel"
    )
    with app.app_context():
        parent = _user(world.parent)
        renew_feed_key(parent)
        db.session.commit()
        token = feed_token(parent)
    client = app.test_client()

    response = client.get(f"/feeds/regio/{AMSTERDAM}/regiotafels.ics?token={token}")
    assert response.status_code == 200
    events = Calendar.from_ical(response.get_data()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Open tafel"]
    assert str(events[0]["UID"]) == f"regiotafel-{open_id}@localhost"

    assert client.get(f"/feeds/regio/{AMSTERDAM}/regiotafels.ics").status_code == 404
    assert client.get(f"/feeds/regio/{AMSTERDAM}/regiotafels.ics?token=nep").status_code == 404
    closed = f"/feeds/regio/{AMSTELLAND}/regiotafels.ics?token={token}"
    assert client.get(closed).status_code == 404
    assert client_for(app, "ouder@example.nl").get(f"/regiotafel/{closed_id}").status_code == 403
    with app.app_context():
        join_region(user=_user(world.parent), region=region_by_code(AMSTELLAND))
        db.session.commit()
    response = client.get(closed)
    assert response.status_code == 200
    assert "Besloten tafel" in response.get_data(as_text=True)

    # The region's page offers the personal calendar address to whoever made feed addresses.
    page = html(client_for(app, "ouder@example.nl").get(f"/regio/{AMSTERDAM}"))
    assert f"/feeds/regio/{AMSTERDAM}/regiotafels.ics?token=" in page
    assert "/regiotafels.ics" not in html(
        client_for(app, "zorg@example.nl").get(f"/regio/{AMSTERDAM}")
    )


# --- the reminder --------------------------------------------------------------------------


def test_the_reminder_goes_out_once_the_day_before_over_real_smtp(
    app: Flask, world: World, runner: FlaskCliRunner, mailbox: Mailbox
) -> None:
    tomorrow = (datetime.now(LOCAL) + timedelta(days=1)).date()
    soon_id = make_meeting(app, host_id=world.host, starts=local(tomorrow, 19, 30))
    later_id = make_meeting(
        app, host_id=world.host, starts=local(tomorrow + timedelta(days=2), 19, 30)
    )
    with app.app_context():
        unverified = make_user(email="nieuw@example.nl", verified=False)
        no_mail = make_user(email="geenmail@example.nl")
        no_mail.email_frequency = "nooit"
        for meeting_id in (soon_id, later_id):
            meeting = db.session.get(Meeting, meeting_id)
            for user_id, answer in (
                (world.parent, Answer.JA),
                (world.professional, Answer.MISSCHIEN),
                (world.admin, Answer.NEE),
                (unverified.id, Answer.JA),
                (no_mail.id, Answer.JA),
            ):
                services.respond(meeting=meeting, user=_user(user_id), answer=answer)
        db.session.commit()

    first = runner.invoke(args=["regiotafel", "remind"])
    assert first.exit_code == 0, first.output
    assert "2 reminders queued for 1 meetings" in first.output
    second = runner.invoke(args=["regiotafel", "remind"])
    assert "0 reminders queued for 0 meetings" in second.output

    assert deliver_outbox(app) == 2
    assert sorted(m["To"] for m in mailbox.messages) == ["ouder@example.nl", "zorg@example.nl"]
    message = mailbox.last_to("ouder@example.nl")
    assert message["Subject"] == "Herinnering: Regiotafel Amsterdam"
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://localhost/afmelden/")
    body = text_of(message)
    assert f"http://localhost/regiotafel/{soon_id}" in body
    assert f"http://localhost/regiotafel/{soon_id}.ics" in body
    assert "19:30" in body
    assert "Buurthuis De Pijp" in body
    with app.app_context():
        soon = db.session.get(Meeting, soon_id)
        later = db.session.get(Meeting, later_id)
        assert soon.reminder_sent_at is not None
        assert later.reminder_sent_at is None
    assert runner.invoke(args=["regiotafel", "remind"]).exit_code == 0
    assert deliver_outbox(app) == 0


def test_two_runs_at_once_claim_a_meeting_once(app: Flask, world: World) -> None:
    tomorrow = (datetime.now(LOCAL) + timedelta(days=1)).date()
    meeting_id = make_meeting(app, host_id=world.host, starts=local(tomorrow, 10, 0))
    with app.app_context():
        now = utcnow()
        assert services.due_for_reminder(now) == [meeting_id]
        assert services.claim_reminder(meeting_id, now) is True
        assert services.claim_reminder(meeting_id, now) is False
        db.session.commit()
        assert services.due_for_reminder(now) == []
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- who may do what -----------------------------------------------------------------------

ACTIONS = ("view", "schedule", "edit", "rsvp", "propose", "decide", "minutes", "decision")
EVERYTHING = frozenset(ACTIONS)
TAKE_PART = frozenset({"view", "rsvp", "propose"})
EXPECTED: dict[str, frozenset[str]] = {
    "visitor": frozenset(),
    "participant": TAKE_PART,
    "member": TAKE_PART,
    "non_member": frozenset(),
    "host": EVERYTHING,
    "other_host": TAKE_PART,
    "admin": EVERYTHING,
}
"""Roles: a logged-in participant of an open region; a member and a non-member of a
members-only region; the host of the meeting's region; the host of another region; an admin."""


@dataclass
class Table:
    region: str
    coming: int
    held: int


def _tables(app: Flask, world: World) -> dict[str, Table]:
    coming = local((datetime.now(LOCAL) + timedelta(days=7)).date(), 19, 30)
    tables = {}
    with app.app_context():
        closed_host = make_user(
            email="amstelland@example.nl", region_code=AMSTELLAND, host_of=AMSTELLAND
        )
        make_user(email="lid@example.nl", region_code=AMSTELLAND)
        set_members_only(region=region_by_code(AMSTELLAND), members_only=True)
        db.session.commit()
        closed_host_id = closed_host.id
    for code, host_id in ((AMSTERDAM, world.host), (AMSTELLAND, closed_host_id)):
        held = make_meeting(app, host_id=host_id, starts=coming, code=code)
        move_to_past(app, held)
        tables[code] = Table(
            code, make_meeting(app, host_id=host_id, starts=coming, code=code), held
        )
    return tables


EMAILS = {
    "participant": "ouder@example.nl",
    "member": "lid@example.nl",
    "non_member": "ouder@example.nl",
    "host": "gastheer@example.nl",
    "other_host": "gastvrouw@example.nl",
    "admin": "beheerder@example.nl",
}


def _predicates(user: Any, coming: Meeting, held: Meeting) -> frozenset[str]:
    answers = {
        "view": permissions.can_view_meeting(user, coming),
        "schedule": permissions.can_schedule_meeting(user, coming.region),
        "edit": permissions.can_edit_meeting(user, coming),
        "rsvp": permissions.can_respond_to_meeting(user, coming),
        "propose": permissions.can_propose_agenda_item(user, coming),
        "decide": permissions.can_decide_agenda(user, coming),
        "minutes": permissions.can_publish_minutes(user, held),
        "decision": permissions.can_record_decision(user, held),
    }
    return frozenset(action for action, allowed in answers.items() if allowed)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_who_may_do_what_on_the_predicates_and_the_pages(
    app: Flask, world: World, role: str, query_counter: Any
) -> None:
    tables = _tables(app, world)
    table = tables[AMSTELLAND if role in ("member", "non_member") else AMSTERDAM]
    with app.app_context():
        user: Any = AnonymousUserMixin()
        if role != "visitor":
            user = db.session.scalar(select(User).where(User.email == EMAILS[role]))
            _ = user.member_region_ids, user.hosted_region_ids, user.suspensions
        coming = services.meeting_by_id(table.coming)
        held = services.meeting_by_id(table.held)
        with query_counter() as counted:
            rights = _predicates(user, coming, held)
        assert counted.count == 0, "the predicates answer without queries"
        assert rights == EXPECTED[role]
        # What the meeting's state allows: no proposals once it began, no minutes before.
        assert not permissions.can_propose_agenda_item(user, held)
        assert not permissions.can_publish_minutes(user, coming)
        assert not permissions.can_record_decision(user, coming)
        assert not permissions.can_schedule_meeting(user, region_by_code("landelijk"))

    client = app.test_client()
    if role != "visitor":
        client = client_for(app, EMAILS[role])
    csrf = csrf_token(client, "/inloggen" if role == "visitor" else "/")
    coming_path, held_path = f"/regiotafel/{table.coming}", f"/regiotafel/{table.held}"
    outcomes = {
        "view": client.get(coming_path),
        "schedule": client.get(f"/regio/{table.region}/regiotafel/nieuw"),
        "edit": client.get(f"{coming_path}/bewerken"),
        "rsvp": client.post(f"{coming_path}/aanmelden", data={"csrf_token": csrf, "answer": "ja"}),
        # An empty proposal: refused for those who may not propose, a form error for the others.
        "propose": client.post(f"{coming_path}/voorstel", data={"csrf_token": csrf, "title": ""}),
        "decide": client.get(f"{coming_path}/agenda"),
        "minutes": client.get(f"{held_path}/verslag"),
        "decision": client.get(f"{held_path}/besluiten"),
    }
    for action, response in outcomes.items():
        if role == "visitor":
            assert response.status_code == 302, action
            assert "/inloggen" in response.headers["Location"], action
        elif action in EXPECTED[role]:
            assert response.status_code in (200, 302, 422), (action, response.status_code)
        else:
            assert response.status_code == 403, (action, response.status_code)


# --- the meeting page asks a fixed number of queries --------------------------------------


def test_the_meeting_page_takes_the_same_queries_for_a_small_and_a_big_agenda(
    app: Flask, world: World, query_counter: Any
) -> None:
    starts = local((datetime.now(LOCAL) + timedelta(days=7)).date(), 19, 30)
    meeting_id = make_meeting(app, host_id=world.host, starts=starts)

    def grow(count: int, start: int) -> None:
        with app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            region = region_by_code(AMSTERDAM)
            host = _user(world.host)
            threads, items = [], []
            for n in range(start, start + count):
                person = make_user(email=f"bezoeker{n}@example.nl")
                services.respond(meeting=meeting, user=person, answer=list(Answer)[n % 3])
                threads.append(
                    start_thread(
                        region=region,
                        author=person,
                        title=f"Knelpunt nummer {n}",
                        kind="knelpunt",
                        themes=["wonen"],
                        body="Tekst.",
                    )
                )
                items.append(
                    actions.create_item(
                        region=region,
                        author=host,
                        title=f"Actiepunt nummer {n}",
                        description="Tekst.",
                        themes=["wonen"],
                    )
                )
                services.propose_agenda_item(
                    meeting=meeting, user=person, title=f"Voorstel {n}", note="Waarom."
                )
            db.session.flush()
            services.pick_for_agenda(meeting=meeting, host=host, threads=threads, items=items)
            db.session.commit()

    readers = {
        "host": client_for(app, "gastheer@example.nl"),
        "participant": client_for(app, "ouder@example.nl"),
    }

    def measure() -> dict[str, int]:
        counts = {}
        for name, client in readers.items():
            with query_counter() as counted:
                response = client.get(f"/regiotafel/{meeting_id}")
            assert response.status_code == 200
            counts[name] = counted.count
        return counts

    grow(2, 0)
    few = measure()
    grow(30, 2)
    many = measure()
    page = html(readers["participant"].get(f"/regiotafel/{meeting_id}"))
    assert "Knelpunt nummer 31" in page
    assert "Actiepunt nummer 31" in page
    assert "Voorstel 31" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MeetingResponse)) == 32
    assert few == many, f"small: {few}, big: {many}"
    assert max(many.values()) <= MEETING_PAGE_QUERIES, many


def test_the_region_page_shows_the_next_meeting(
    app: Flask, world: World, query_counter: Any
) -> None:
    soon = local((datetime.now(LOCAL) + timedelta(days=3)).date(), 19, 30)
    later = local((datetime.now(LOCAL) + timedelta(days=40)).date(), 19, 30)
    make_meeting(app, host_id=world.host, starts=later, title="Tafel later")
    soon_id = make_meeting(app, host_id=world.host, starts=soon, title="Tafel straks")
    page = html(client_for(app, "zorg@example.nl").get(f"/regio/{AMSTERDAM}"))
    section = page[page.index('id="regiotafel"') :]
    assert "Volgende bijeenkomst:" in section
    assert f"/regiotafel/{soon_id}" in section
    assert "Tafel later" not in section
    assert "Plan een regiotafel" not in page
    assert "Regiotafel" not in html(app.test_client().get(f"/regio/{AMSTERDAM}"))

    # Its queries do not grow with the number of meetings; it lists the latest five held.
    reader = client_for(app, "zorg@example.nl")
    with query_counter() as few:
        reader.get(f"/regio/{AMSTERDAM}")
    held = []
    for n in range(12):
        held.append(
            make_meeting(
                app,
                host_id=world.host,
                starts=soon + timedelta(days=n),
                title=f"Gehouden tafel {n}",
            )
        )
        move_to_past(app, held[-1], days=30 - n)
    with query_counter() as many:
        page = html(reader.get(f"/regio/{AMSTERDAM}"))
    assert few.count == many.count
    listed = re.findall(r"Gehouden tafel (\d+)</a>", page)
    assert listed == ["11", "10", "9", "8", "7"]
