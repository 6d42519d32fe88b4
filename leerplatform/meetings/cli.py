"""``flask regiotafel remind``: the day-before reminder of each meeting, once."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.meetings import services
from leerplatform.meetings.mail import queue_reminders

meetings_cli = AppGroup("regiotafel", help="Regiotafels (meetings).")


@meetings_cli.command("remind")
def remind_command() -> None:
    """Queue the reminders of meetings that start tomorrow or sooner (run daily from cron).

    Each meeting is claimed and its mails queued in one transaction, so running this twice,
    or on two machines at once, sends each meeting's reminder once.
    """
    now = utcnow()
    meetings = mails = 0
    with current_app.test_request_context("/"):
        for meeting_id in services.due_for_reminder(now):
            if services.claim_reminder(meeting_id, now):
                meeting = services.meeting_by_id(meeting_id)
                if meeting is not None:
                    mails += queue_reminders(meeting)
                    meetings += 1
            db.session.commit()
    click.echo(f"regiotafel: {mails} reminders queued for {meetings} meetings")
