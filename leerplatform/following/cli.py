"""``flask digest send``: everyone's daily summary of what they have not read."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from leerplatform.clock import utcnow
from leerplatform.following.mail import send_digests

digest_cli = AppGroup("digest", help="Daily e-mail summaries.")


@digest_cli.command("send")
def send_command() -> None:
    """Queue each person's digest in the outbox (run once a day, e.g. from cron)."""
    with current_app.test_request_context("/"):
        sent = send_digests(utcnow())
    click.echo(f"digest: {sent} summaries queued")
