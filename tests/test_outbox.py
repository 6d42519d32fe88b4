"""E-mail goes through the outbox and a real SMTP server; nothing is lost when it is down."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.outbox.cli import deliver_due
from leerplatform.outbox.models import OutboxMessage
from leerplatform.outbox.services import queue_mail, retry_delay
from tests.conftest import Mailbox, deliver_outbox, free_port, text_of, wait_for


def queue_one(app: Flask, to: str = "ouder@example.nl") -> int:
    with app.test_request_context():
        message = queue_mail(
            to=to,
            subject="Onderwerp",
            template="email_in_use",
            reset_url="http://localhost/wachtwoord-vergeten",
        )
        db.session.commit()
        return message.id


def test_queued_mail_arrives_over_smtp_with_text_and_html(app: Flask, mailbox: Mailbox) -> None:
    message_id = queue_one(app)
    assert mailbox.messages == []  # queued, not sent, until the worker runs
    assert deliver_outbox(app) == 1
    mail = mailbox.last_to("ouder@example.nl")
    assert mail["Subject"] == "Onderwerp"
    assert mail["Message-ID"].startswith("<")
    assert mail["Message-ID"].endswith(">")
    assert mail.get_body(preferencelist=("html",)) is not None
    assert "http://localhost/wachtwoord-vergeten" in text_of(mail)
    with app.app_context():
        stored = db.session.get(OutboxMessage, message_id)
        assert stored.status == "sent"
        assert stored.sent_at is not None
        assert stored.message_id == mail["Message-ID"]
    assert deliver_outbox(app) == 0  # never twice


def test_nothing_is_lost_while_the_mail_server_is_down(app: Flask, mailbox: Mailbox) -> None:
    message_id = queue_one(app)
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    assert deliver_outbox(app) == 0
    with app.app_context():
        stored = db.session.get(OutboxMessage, message_id)
        assert stored.status == "pending"
        assert stored.attempts == 1
        assert stored.last_error
        assert stored.next_attempt_at > utcnow()
        stored.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
        db.session.commit()
    app.config["MAIL_PORT"] = working_port
    assert deliver_outbox(app) == 1
    assert len(mailbox.to("ouder@example.nl")) == 1


def test_after_the_last_try_a_message_is_marked_failed(app: Flask, mailbox: Mailbox) -> None:
    message_id = queue_one(app)
    app.config["MAIL_PORT"] = free_port()
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    with app.app_context():
        for _ in range(2):
            deliver_due(limit=10)
            stored = db.session.get(OutboxMessage, message_id)
            stored.next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
        failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed"))
        assert [m.id for m in failed] == [message_id]


def test_back_off_grows() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays == sorted(delays)
    assert delays[0] == timedelta(minutes=1)
    assert delays[-1] == timedelta(hours=6)


def test_the_cron_command_delivers_what_is_due_once_and_stops(
    app: Flask, mailbox: Mailbox, runner: FlaskCliRunner
) -> None:
    for to in ("een@example.nl", "twee@example.nl"):
        queue_one(app, to=to)
    result = runner.invoke(args=["outbox", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox: 2 sent, 0 failed tries" in result.output
    assert sorted(m["To"] for m in mailbox.messages) == ["een@example.nl", "twee@example.nl"]
    again = runner.invoke(args=["outbox", "deliver", "--once"])
    assert again.exit_code == 0
    assert again.output == ""  # nothing was due any more
    assert len(mailbox.messages) == 2


class StallingServer:
    """A mail server that greets and then never answers: a worker talking to it hangs
    mid-send, which is where we kill it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connected = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            conn, _addr = self.sock.accept()
        except OSError:
            return
        self.conns.append(conn)
        conn.sendall(b"220 stalling.example ESMTP\r\n")
        self.connected.set()

    def close(self) -> None:
        for conn in self.conns:
            conn.close()
        self.sock.close()


def test_a_worker_killed_mid_send_loses_nothing(app: Flask, mailbox: Mailbox) -> None:
    """kill -9 while the worker is in the middle of an SMTP conversation: its transaction never
    commits, so the message is still pending and the next worker delivers all of them."""
    ids = [queue_one(app, to=f"ouder{n}@example.nl") for n in range(3)]
    stalling = StallingServer()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(stalling.port),
        "MAIL_TIMEOUT": "60",
        "FLASK_APP": "leerplatform",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "outbox", "deliver", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert stalling.connected.wait(60), "the worker never started sending"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        stalling.close()

    # A worker that died holds no lock for long (PostgreSQL ends its transaction when the
    # connection drops); the next run delivers every message, each once.
    delivered = 0

    def all_delivered() -> bool:
        nonlocal delivered
        delivered += deliver_outbox(app)
        return delivered == len(ids)

    wait_for(all_delivered, timeout=20)
    assert sorted(m["To"] for m in mailbox.messages) == [f"ouder{n}@example.nl" for n in range(3)]
    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
        assert statuses == ["sent"] * 3


def test_the_first_wait_after_a_failure_is_a_setting(app: Flask, mailbox: Mailbox) -> None:
    message_id = queue_one(app)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    app.config["MAIL_RETRY_SECONDS"] = 2
    before = utcnow()
    assert deliver_outbox(app) == 0
    after = utcnow()
    with app.app_context():
        stored = db.session.get(OutboxMessage, message_id)
        wait = timedelta(seconds=2)
        assert before + wait <= stored.next_attempt_at <= after + wait
