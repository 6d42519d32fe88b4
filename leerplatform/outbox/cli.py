"""``flask outbox deliver``: the worker that sends what the outbox holds."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following.mail import queue_event_mails
from leerplatform.outbox.services import deliver_message, due_messages, transport

outbox_cli = AppGroup("outbox", help="E-mail outbox.")


def deliver_due(*, limit: int) -> tuple[int, int]:
    """Queue the e-mails of new notifications, then deliver up to ``limit`` due messages, one
    transaction each; return (sent, failed tries).

    One message per transaction: its row stays locked (PostgreSQL) until its outcome is stored,
    so a second worker never sends it too, and a crash loses at most that one outcome.
    """
    send = transport()
    with current_app.test_request_context("/"):
        queue_event_mails(limit=limit)
        db.session.commit()
    sent = failed = 0
    for _ in range(limit):
        batch = due_messages(now=utcnow(), limit=1)
        if not batch:
            break
        if deliver_message(batch[0], send=send):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return sent, failed


@outbox_cli.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due and stop (for cron).")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between looks.")
@click.option("--batch", default=100, show_default=True, help="Messages per round at most.")
def deliver_command(once: bool, poll: float, batch: int) -> None:
    """Send due e-mail from the outbox, retrying with growing back-off."""
    while True:
        sent, failed = deliver_due(limit=batch)
        if sent or failed:
            click.echo(f"outbox: {sent} sent, {failed} failed tries")
        if once:
            return
        db.session.remove()
        time.sleep(poll)
