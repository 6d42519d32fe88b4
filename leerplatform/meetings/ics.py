"""iCalendar (RFC 5545) for regiotafels: one meeting, or a region's feed, in Dutch time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from leerplatform.clock import utcnow
from leerplatform.meetings.models import Meeting
from leerplatform.regions.models import Region
from leerplatform.text import plain_text

DESCRIPTION_LENGTH = 1_500


def _absolute(endpoint: str, **values: object) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _uid(meeting: Meeting) -> str:
    host = current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0] or "localhost"
    return f"regiotafel-{meeting.id}@{host}"


def _event(meeting: Meeting) -> Event:
    event = Event()
    page = _absolute("meetings.show", meeting_id=meeting.id)
    event.add("uid", _uid(meeting))
    event.add("dtstamp", utcnow())
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    # In Dutch time with its VTIMEZONE, so a calendar shows 19:30 also across summer time.
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    event.add("url", page)
    event.add("status", "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    elif meeting.video_url:
        event.add("location", meeting.video_url)
    lines = []
    if meeting.description_source:
        lines.append(plain_text(meeting.description_source, limit=DESCRIPTION_LENGTH))
    if meeting.video_url:
        lines.append(_("Video link: %(url)s", url=meeting.video_url))
    lines.append(_("Agenda and who is coming: %(url)s", url=page))
    event.add("description", "\n\n".join(lines))
    return event


def _calendar(name: str, meetings: Sequence[Meeting]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Leerplatform ZEVMB//Regiotafels//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    if meetings:
        first = min(m.local_start for m in meetings).date() - timedelta(days=1)
        last = max(m.local_end for m in meetings).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    else:
        today = utcnow().date()
        calendar.add_missing_timezones(first_date=today, last_date=today + timedelta(days=1))
    return calendar.to_ical()


def meeting_calendar(meeting: Meeting) -> bytes:
    return _calendar(meeting.title, [meeting])


def region_calendar(region: Region, meetings: Sequence[Meeting]) -> bytes:
    return _calendar(_("Regiotafels %(region)s", region=region.name), meetings)
