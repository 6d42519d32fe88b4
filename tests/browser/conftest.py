"""Browser fixtures: one Chromium per test session, the app served on 127.0.0.1 in a thread.

Debian's Chromium (``/usr/bin/chromium``) is driven by the ``playwright`` Python package alone:
no browser of Playwright's own is downloaded. Without that binary every browser test skips.

Two kinds of site are served:

* ``live_server``: the app of the ``app`` fixture (empty test database, mail over the real SMTP
  server of ``tests/conftest.py``), for the stories that build everything through the pages.
* ``demo_site``: one app per test session on a database of its own with the demo content, for
  the accessibility audit and the screenshots of many pages. A database of its own, because the
  ``app`` fixture empties the shared test database after every test.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from leerplatform import create_app
from leerplatform.extensions import db
from tests.conftest import Mailbox, deliver_outbox, skip_disk_flush, text_of

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
"""Not committed (.gitignore): the suite writes every main page at both widths here."""

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
TIMEOUT_MS = 10_000


# The browser


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """One Chromium for the whole session; every test opens a fresh context (cookies) in it."""
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def open_context(browser: Browser, width: str = "desktop", **options: Any) -> BrowserContext:
    """A fresh browser profile at one of the two widths, in Dutch, with short timeouts."""
    context = browser.new_context(viewport=WIDTHS[width], locale="nl-NL", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


# Serving the app


DROPPED_STATIC_FILE = (
    "ignore:Exception ignored in.*(BufferedReader|FileIO):pytest.PytestUnraisableExceptionWarning"
)
"""When the browser drops a connection while the development server still sends a static file
(it cancels requests as it moves to the next page), werkzeug leaves that file to the garbage
collector. That is the test server's affair, not the app's: the warning is not a failure."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings(DROPPED_STATIC_FILE))


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr: a failing test shows its own output, not every request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class LiveServer:
    app: Flask
    url: str
    server: BaseWSGIServer = field(repr=False)

    def at(self, path: str) -> str:
        return self.url + path


def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on a free port of 127.0.0.1 in a thread; mails link to that address."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url, server=server)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_server(app: Flask, regions: None) -> Iterator[LiveServer]:
    """The test app (empty database plus the regions) in a real HTTP server, two-step verification
    required for hosts as in production."""
    app.config["TWO_STEP_REQUIRED_FOR_MODERATORS"] = True
    yield from serve(app)


# Reading mail


def wait_for_mail(app: Flask, mailbox: Mailbox, address: str, subject_part: str) -> str:
    """Run the outbox worker until a mail to ``address`` about ``subject_part`` arrived over SMTP;
    return its plain text."""
    deadline = time.monotonic() + 10
    while True:
        deliver_outbox(app)
        found = [m for m in mailbox.to(address) if subject_part in str(m["Subject"])]
        if found:
            return text_of(found[-1])
        if time.monotonic() > deadline:
            subjects = [str(m["Subject"]) for m in mailbox.messages]
            raise AssertionError(f"no mail to {address} about {subject_part!r}; got {subjects}")
        time.sleep(0.1)


def link_to(server: LiveServer, body: str, prefix: str) -> str:
    """The first link in a mail body that points at ``prefix`` on the live server."""
    match = re.search(re.escape(server.url + prefix) + r"[^\s\"<>]+", body)
    assert match, f"no {prefix} link in mail:\n{body}"
    return match.group(0)


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now, for a step the server has not seen yet."""
    return pyotp.TOTP(secret).now()


# The demo site: one per test session, on a database of its own


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("demo-db") / "demo.sqlite")
        return
    url = make_url(base)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"lp_browser_{worker}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def demo_app(demo_database_url: str, smtp_server: Mailbox) -> Iterator[Flask]:
    """The app with the demo content, as a newcomer sees it after ``make run`` — but with
    two-step verification required for hosts and admins, as in production."""
    from tests.browser.demo_data import seed_demo

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": demo_database_url,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_TIMEOUT": 5.0,
            "RATELIMIT_ENABLED": False,
            "TWO_STEP_REQUIRED_FOR_MODERATORS": True,
        }
    )
    with app.app_context():
        from sqlalchemy import event

        event.listen(db.engine, "connect", skip_disk_flush)
        db.drop_all()
        db.create_all()
        with pytest.MonkeyPatch.context() as patch:
            cheap_hashing(patch)
            app.extensions["demo_refs"] = seed_demo()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def cheap_hashing(patch: pytest.MonkeyPatch) -> None:
    """As the autouse fixture of tests/conftest.py does per test, for a session fixture."""
    from argon2 import PasswordHasher, profiles

    from leerplatform.accounts import passwords

    patch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture(scope="session")
def demo_site(demo_app: Flask) -> Iterator[LiveServer]:
    yield from serve(demo_app)


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
