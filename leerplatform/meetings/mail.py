"""The reminder of a regiotafel, the day before, through the outbox."""

from __future__ import annotations

from flask_babel import gettext as _

from leerplatform.following.services import unsubscribe_token
from leerplatform.meetings import services
from leerplatform.meetings.models import Meeting
from leerplatform.outbox.services import absolute_url, queue_mail


def queue_reminders(meeting: Meeting) -> int:
    """One reminder for everyone who said they come (or maybe); return how many. The meeting
    must be claimed first (:func:`services.claim_reminder`), in the same transaction. Caller
    commits."""
    queued = 0
    link = absolute_url("meetings.show", meeting_id=meeting.id)
    calendar = absolute_url("meetings.ics", meeting_id=meeting.id)
    for person in services.reminder_recipients(meeting):
        unsubscribe_url = absolute_url("following.unsubscribe", token=unsubscribe_token(person))
        queue_mail(
            to=person.email,
            subject=_("Reminder: %(title)s", title=meeting.title),
            template="meeting_reminder",
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            user=person,
            meeting=meeting,
            link=link,
            calendar_url=calendar,
            settings_url=absolute_url("following.settings"),
            unsubscribe_url=unsubscribe_url,
        )
        queued += 1
    return queued
