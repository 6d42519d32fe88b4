"""Fixtures that read like prose: app, client, runner, auth, mailbox, regions.

Every test gets an empty database. With TEST_DATABASE_URL set (PostgreSQL) each xdist worker
gets a database of its own, created for the run and dropped after it.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from leerplatform import create_app
from leerplatform.extensions import db
from leerplatform.outbox.cli import deliver_due
from leerplatform.regions.services import import_reference_data

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def fresh_monitor_figures() -> None:
    """Every test its own world: the monitor's figures and a thread's page bounds of an earlier
    test (same ids, same period) are not remembered into this one."""
    from leerplatform.actions.services import forget_monitor_figures
    from leerplatform.forum.services import forget_page_bounds

    forget_monitor_figures()
    forget_page_bounds()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its cheapest settings: still a real argon2id hash, checked the real way, but
    a login costs milliseconds instead of a quarter second. Production keeps the defaults."""
    from argon2 import PasswordHasher, profiles

    from leerplatform.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        return
    url = make_url(base)
    name = f"lp_test_{_worker_suffix()}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Mailbox:
    """What a real SMTP server on 127.0.0.1 received."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]

    def last_to(self, address: str) -> Message:
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.messages.clear()
    return smtp_server


@pytest.fixture(scope="session")
def schema(database_url: str) -> str:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(schema: str, smtp_server: Mailbox, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": schema,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_TIMEOUT": 5.0,
            "BASE_URL": "http://localhost",
            "RATELIMIT_ENABLED": False,  # tests/test_rate_limits.py turns them on
            # Hosts and admins here log in with a password only; tests/test_two_step.py turns
            # the requirement on and checks it.
            "TWO_STEP_REQUIRED_FOR_MODERATORS": False,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def regions(app: Flask) -> None:
    """The national space, the 31 regions and their municipalities."""
    with app.app_context():
        import_reference_data()
        db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, as a form on ``path`` carries it."""
    page = client.get(path)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(
    client: FlaskClient, path: str, data: dict[str, Any], *, token_page: str | None = None
) -> Any:
    """POST like a browser: with the CSRF token that the page with the form carries."""
    token = csrf_token(client, token_page or path)
    return client.post(path, data={"csrf_token": token, **data})


def deliver_outbox(app: Flask) -> int:
    """Run the outbox worker once, over real SMTP; return how many mails went out."""
    with app.app_context():
        sent, _failed = deliver_due(limit=100)
        db.session.remove()
    return sent


def text_of(message: Message) -> str:
    """The plain-text part of a mail."""
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
    source = part if part is not None else message
    if source.is_multipart():
        source = source.get_payload()[0]
    return source.get_payload(decode=True).decode()


def link_in(message: Message, prefix: str) -> str:
    """The path of the first link in a mail that starts with ``prefix`` (e.g. /bevestigen/)."""
    body = text_of(message)
    match = re.search(r"http://localhost(" + re.escape(prefix) + r"[^\s\"<]+)", body)
    assert match, f"no {prefix} link in mail:\n{body}"
    return match.group(1)


@dataclass
class Auth:
    client: FlaskClient

    def login(self, email: str, password: str = "een lange zin als wachtwoord") -> Any:
        return post_form(self.client, "/inloggen", {"email": email, "password": password})

    def logout(self) -> Any:
        return post_form(self.client, "/uitloggen", {}, token_page="/")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@dataclass
class QueryCount:
    count: int = 0
    statements: list[str] = field(default_factory=list)


@pytest.fixture
def query_counter(app: Flask) -> Any:
    """``with query_counter() as counted:`` counts the SQL statements run inside the block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counter() -> Iterator[QueryCount]:
        counted = QueryCount()

        def before_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counted.count += 1
            counted.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before_execute)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before_execute)

    return counter


def skip_disk_flush(connection: Any, _record: Any) -> None:
    """A test database need not survive a power cut; waiting for the disk adds seconds."""
    import sqlite3

    cursor = connection.cursor()
    if isinstance(connection, sqlite3.Connection):
        cursor.execute("PRAGMA synchronous = OFF")
    else:
        cursor.execute("SET synchronous_commit = off")
        connection.commit()
    cursor.close()


def module_app(schema: str, smtp_server: Mailbox, **extra: Any) -> Iterator[Flask]:
    """One app for a whole test module, for modules with hundreds of small tests (a truth
    table): building an app per test compiles routes, templates and SQL afresh each time.
    Pair it with ``wipe_database`` so every test still starts empty."""
    from sqlalchemy import event

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": schema,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_TIMEOUT": 5.0,
            "BASE_URL": "http://localhost",
            "RATELIMIT_ENABLED": False,
            "TWO_STEP_REQUIRED_FOR_MODERATORS": False,
            **extra,
        }
    )
    with app.app_context():
        event.listen(db.engine, "connect", skip_disk_flush)
    yield app
    with app.app_context():
        db.engine.dispose()


def wipe_database(app: Flask) -> None:
    """Empty every table, children first."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
