"""Queue mail in the outbox and deliver it, over SMTP or into a folder in development."""

from __future__ import annotations

import json
import smtplib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import func, select, update

from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.outbox.models import OutboxMessage


def queue_mail(
    *,
    to: str,
    subject: str,
    template: str,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` (and ``.html`` if present) into the outbox.

    Caller commits: the mail is sent only if the change that causes it is stored.
    """
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "localhost"
    message = OutboxMessage(
        message_id=make_msgid(idstring=uuid.uuid4().hex, domain=domain),
        to_address=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=json.dumps(headers) if headers else None,
    )
    db.session.add(message)
    db.session.flush()
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(message.created_at.timestamp(), localtime=False)
    email["Auto-Submitted"] = "auto-generated"
    for name, value in json.loads(message.headers or "{}").items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def retry_delay(attempts: int, base: timedelta = timedelta(minutes=1)) -> timedelta:
    """Growing back-off: 1, 2, 4, 8 … times ``base`` (a minute), at most 360 times (6 hours)."""
    return base * min(2 ** max(attempts - 1, 0), 360)


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def _write_to_folder(email: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(email))
    body = email.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    print(f"\n--- e-mail to {email['To']}: {email['Subject']} ({path})\n{text}---\n", flush=True)


def transport() -> Callable[[EmailMessage], None]:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return _send_smtp
    if backend == "folder":
        return _write_to_folder
    raise ValueError(f"unknown MAIL_BACKEND {backend!r}")


def due_messages(*, now: datetime, limit: int) -> list[OutboxMessage]:
    """Pending messages whose time has come, oldest first, claimed against other workers.

    On PostgreSQL the rows are locked with SKIP LOCKED, so two workers never take the same one.
    """
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def deliver_message(message: OutboxMessage, *, send: Callable[[EmailMessage], None]) -> bool:
    """Try one message once; record the outcome on it. Caller commits."""
    config = current_app.config
    message.attempts += 1
    try:
        send(build_email(message, config["MAIL_DEFAULT_SENDER"]))
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = "failed"
        else:
            base = timedelta(seconds=config.get("MAIL_RETRY_SECONDS", 60))
            message.next_attempt_at = utcnow() + retry_delay(message.attempts, base)
        return False
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    return True


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an e-mail: the configured public BASE_URL, never the Host header of a request.

    Works outside a request too (the worker, the demo loader, a CLI command).
    """
    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def outbox_counts() -> dict[str, int]:
    """How many messages wait, went out and failed: one query."""
    counts = dict.fromkeys(("pending", "sent", "failed"), 0)
    for status, number in db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ):
        counts[status] = number
    return counts


def failed_messages(limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "failed")
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def retry_failed(message_id: int | None = None) -> int:
    """Send failed messages again (one, or all): they are due now, with fresh tries."""
    query = (
        update(OutboxMessage)
        .where(OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow())
    )
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    return int(db.session.execute(query).rowcount or 0)  # type: ignore[attr-defined]
