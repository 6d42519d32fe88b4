"""``flask privacy purge``: keep no more than needed, no longer than needed."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import delete, select

from leerplatform.accounts.models import User
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.outbox.models import OutboxMessage
from leerplatform.privacy.services import delete_account

privacy_cli = AppGroup("privacy", help="Privacy: remove what is no longer needed.")

UNVERIFIED_DAYS = 7
"""An account whose e-mail address was not confirmed within a week is removed."""
DELIVERED_MAIL_DAYS = 30
"""A delivered e-mail is kept a month (to answer "did you send it?"), then removed."""


def purge(
    now_days_unverified: int = UNVERIFIED_DAYS, mail_days: int = DELIVERED_MAIL_DAYS
) -> tuple[int, int]:
    """Remove unconfirmed accounts and old delivered mail; return (accounts, mails)."""
    now = utcnow()
    stale = list(
        db.session.scalars(
            select(User).where(
                User.email_verified_at.is_(None),
                User.created_at < now - timedelta(days=now_days_unverified),
            )
        )
    )
    for user in stale:
        delete_account(user, remove_posts=True)
    mails = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at < now - timedelta(days=mail_days),
        )
    )
    db.session.flush()
    return len(stale), int(mails.rowcount or 0)  # type: ignore[attr-defined]


@privacy_cli.command("purge")
def purge_command() -> None:
    """Remove accounts not confirmed within a week and e-mails delivered over a month ago."""
    accounts, mails = purge()
    db.session.commit()
    click.echo(f"privacy: {accounts} unconfirmed accounts and {mails} delivered e-mails removed")
