"""Drill: the SMTP server is down for a while. Two outbox workers (``flask outbox deliver``)
keep trying with their back-off; once the server is back every mail arrives exactly once."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

from leerplatform.extensions import db
from leerplatform.outbox.models import OutboxMessage
from leerplatform.outbox.services import queue_mail
from tests.conftest import Mailbox
from tests.drills.conftest import ROOT, app_environment, free_port

MAILS = 60
WORKERS = 2
TIME_LIMIT = 60


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        tried = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.attempts > 0, OutboxMessage.last_error.is_not(None)
            )
        )
        db.session.remove()
    return {**{status: int(n) for status, n in rows}, "tried": int(tried or 0)}


def wait_until(predicate: object, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.25)
    return False


def test_every_mail_arrives_once_after_the_mail_server_was_down(app: Flask) -> None:
    port = free_port()  # nobody listens here yet
    with app.test_request_context():
        ids = [
            queue_mail(
                to=f"ouder{n}@example.nl",
                subject=f"Bericht {n}",
                template="email_in_use",
                reset_url="http://localhost/wachtwoord-vergeten",
            ).message_id
            for n in range(MAILS)
        ]
        db.session.commit()
    env = app_environment(
        app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_TIMEOUT="2",
        MAIL_RETRY_SECONDS="1",
        MAIL_MAX_ATTEMPTS="20",
    )
    flask = str(Path(sys.executable).parent / "flask")
    workers = [
        subprocess.Popen(  # noqa: S603
            [flask, "outbox", "deliver", "--poll", "0.3", "--batch", "10"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    mailbox = Mailbox(port=port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    try:
        # Down: every mail is tried and stays pending.
        assert wait_until(lambda: counts(app)["tried"] == MAILS, TIME_LIMIT), counts(app)
        assert counts(app).get("sent", 0) == 0
        assert mailbox.messages == []
        time.sleep(2)  # down a while longer: tried again, still pending
        controller.start()
        assert wait_until(lambda: counts(app).get("sent", 0) == MAILS, TIME_LIMIT), counts(app)
        time.sleep(2)  # the workers go on looking: nothing more goes out
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        controller.stop()
    received = Counter(str(message["Message-ID"]) for message in mailbox.messages)
    assert sorted(received) == sorted(ids)
    assert set(received.values()) == {1}
    final = counts(app)
    assert final.get("sent") == MAILS
    assert final.get("pending", 0) == final.get("failed", 0) == 0
    with app.app_context():
        fewest_tries = db.session.scalar(select(func.min(OutboxMessage.attempts)))
    assert fewest_tries is not None
    assert fewest_tries >= 2  # each failed at least once while the server was down
