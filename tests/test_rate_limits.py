"""Rate limits: after its limit each limited form answers 429 with a Dutch page that says when
to try again; other pages and other people go on; wrong passwords brake one e-mail address,
whether it has an account or not; with Redis, several app instances (workers) share the counts.

The conftest ``app`` has the limits off; these tests build a second app with them on, over the
same database, with counters of its own (in memory, or under a fresh prefix in Redis).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from limits import parse_many

from leerplatform import create_app
from leerplatform import limits as rate_limits
from leerplatform.accounts import passwords
from leerplatform.accounts import services as accounts
from leerplatform.actions import services as actions
from leerplatform.extensions import db
from leerplatform.forum import services as forum
from leerplatform.regions.services import region_by_code
from tests.conftest import CSRF_RE, free_port
from tests.factories import PASSWORD, enable_two_step, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
COPIED_SETTINGS = (
    "TESTING",
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "MAIL_BACKEND",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_TIMEOUT",
    "BASE_URL",
)


def first_limit(limit: str) -> int:
    """How many requests the smallest window of a limit string lets through."""
    return min(parse_many(limit), key=lambda item: item.get_expiry()).amount


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); start redis-server")
    return client


@pytest.fixture(autouse=True)
def cheap_dummy_hash(cheap_password_hashing: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A login for an unknown address checks a dummy hash made at import with the real (slow)
    settings; these tests send dozens of them, so the dummy is made cheap too."""
    monkeypatch.setattr(accounts, "_DUMMY_HASH", passwords.hash_password("geen echt wachtwoord"))


@pytest.fixture
def limited_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """``limited_app(**settings)``: an app with the limits on, over the test's database."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        config = {key: app.config[key] for key in COPIED_SETTINGS}
        config.update({"RATELIMIT_ENABLED": True, "REDIS_URL": None, **settings})
        made.append(create_app(config))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, limited_app: Callable[..., Flask]) -> Flask:
    """An app with the limits on, its counts in memory or (as in production, where several
    workers share them) in Redis: every limit is tested with both."""
    if request.param == "memory":
        return limited_app()
    prefix = request.getfixturevalue("redis_prefix")
    return limited_app(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in Redis database 15; its keys are removed after."""
    server = redis_or_skip()
    prefix = f"lp-test-{uuid.uuid4().hex}"
    yield prefix
    for key in server.scan_iter(match=f"*{prefix}*"):
        server.delete(key)
    server.close()


class Browser:
    """A client with the CSRF token of its session, from one address."""

    def __init__(self, app: Flask, address: str = "192.0.2.1") -> None:
        self.client: FlaskClient = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        self.token = ""

    def at(self, address: str) -> Browser:
        self.client.environ_base["REMOTE_ADDR"] = address
        return self

    def post(self, path: str, data: dict[str, Any]) -> Any:
        if not self.token:
            match = CSRF_RE.search(self.client.get("/").get_data(as_text=True))
            assert match
            self.token = match.group(1)
        return self.client.post(path, data={"csrf_token": self.token, **data})

    def login(self, email: str, password: str = PASSWORD) -> Any:
        response = self.post("/inloggen", {"email": email, "password": password})
        if response.status_code == 302:
            self.token = ""  # a login starts a fresh session, with a new token
        return response

    def logout(self) -> Any:
        response = self.post("/uitloggen", {})
        self.token = ""
        return response


def assert_refused(response: Any, *, at_most: int) -> str:
    """A 429 with the Dutch page, Retry-After in seconds, and the promise that nothing is lost."""
    page = response.get_data(as_text=True)
    assert response.status_code == 429, page[:500]
    assert 1 <= int(response.headers["Retry-After"]) <= at_most
    assert response.headers["Cache-Control"] == "no-store"
    assert "<h1>Even wachten</h1>" in page
    assert "Je hebt dit te vaak gedaan in korte tijd." in page
    assert re.search(r"Je kunt het over \d+ (seconden?|minuut|minuten|uur) opnieuw proberen", page)
    assert re.search(r"om \d{1,2}:\d{2}\.", page)
    assert "Wat je hebt ingevuld, is niet verstuurd." in page
    assert "terugknop van je browser" in page
    return page


def main_text(page: str) -> str:
    """The visible message of a page, without its tokens, times and numbers."""
    start, end = page.index("<main"), page.index("</main>")
    return re.sub(r"\d+", "#", page[start:end])


# --- each limited form -----------------------------------------------------------------------


def test_logging_in_is_limited_per_address_and_the_page_offers_a_new_password(
    limited: Flask, regions: None
) -> None:
    browser = Browser(limited)
    allowed = first_limit(rate_limits.LOGIN_PER_ADDRESS)
    # A different address each time, so the wrong-password brake does not come first.
    for n in range(allowed):
        response = browser.login(f"iemand{n}@example.nl", "fout")
        assert response.status_code == 200
        assert "Het e-mailadres of het wachtwoord klopt niet." in response.get_data(as_text=True)

    page = assert_refused(browser.login("nog.iemand@example.nl", "fout"), at_most=60)
    assert "/wachtwoord-vergeten" in page
    assert "Maak een nieuw wachtwoord met een link per e-mail" in page
    # From another network address logging in goes on.
    other = browser.at("192.0.2.2").login("nog.iemand@example.nl", "fout")
    assert other.status_code == 200


def test_registering_is_limited_per_address_counting_registrations_that_went_through(
    limited: Flask, regions: None
) -> None:
    browser = Browser(limited)
    form = {
        "display_name": "Nieuw Lid",
        "participant_kind": "ouder",
        "municipality": "0363",
        "region": "",
        "password": PASSWORD,
        "consent": "y",
    }
    # A form sent back with a mistake does not count: a clumsy parent is not locked out.
    for _attempt in range(3):
        mistake = browser.post("/registreren", {**form, "email": "geen-adres"})
        assert mistake.status_code == 200
    for n in range(first_limit(rate_limits.REGISTRATION_PER_ADDRESS)):
        done = browser.post("/registreren", {**form, "email": f"lid{n}@example.nl"})
        assert done.status_code == 302

    assert_refused(
        browser.post("/registreren", {**form, "email": "teveel@example.nl"}), at_most=3600
    )
    assert browser.client.get("/registreren").status_code == 200  # the form itself still shows


def test_asking_for_a_new_password_is_limited_per_address(limited: Flask, regions: None) -> None:
    with limited.app_context():
        make_user(email="bestaat@example.nl")
    browser = Browser(limited)
    for n in range(first_limit(rate_limits.PASSWORD_RESET_PER_ADDRESS)):
        address = "bestaat@example.nl" if n % 2 else f"onbekend{n}@example.nl"
        assert browser.post("/wachtwoord-vergeten", {"email": address}).status_code == 302

    for address in ("bestaat@example.nl", "onbekend@example.nl"):
        assert_refused(browser.post("/wachtwoord-vergeten", {"email": address}), at_most=3600)


def test_reporting_is_limited_per_person(limited: Flask, regions: None) -> None:
    with limited.app_context():
        author = make_user(email="schrijver@example.nl")
        make_user(email="lezer@example.nl")
        make_user(email="andere.lezer@example.nl")
        thread = forum.start_thread(
            region=region_by_code("5515"),
            author=author,
            title="Logeren in Amsterdam",
            kind="vraag",
            themes=["logeren"],
            body="Wie weet een plek?",
        )
        post_id = forum.reply_to(thread=thread, author=author, body="Ik weet er een.").id
        db.session.commit()
    reader = Browser(limited)
    reader.login("lezer@example.nl")
    report = {"reason": "privacy", "note": "Naam van een kind."}
    for _report in range(first_limit(rate_limits.REPORTING_PER_PERSON)):
        assert reader.post(f"/bericht/{post_id}/melden", report).status_code == 302

    assert_refused(reader.post(f"/bericht/{post_id}/melden", report), at_most=3600)
    # The form still opens, and someone else (at the same address) still reports.
    assert reader.client.get(f"/bericht/{post_id}/melden").status_code == 200
    other = Browser(limited)
    other.login("andere.lezer@example.nl")
    assert other.post(f"/bericht/{post_id}/melden", report).status_code == 302


def test_posting_is_one_budget_per_person_across_threads_replies_and_updates(
    limited: Flask, regions: None
) -> None:
    with limited.app_context():
        writer = make_user(email="schrijver@example.nl")
        make_user(email="tweede@example.nl")
        region = region_by_code("5515")
        thread = forum.start_thread(
            region=region,
            author=writer,
            title="Logeren in Amsterdam",
            kind="vraag",
            themes=["logeren"],
            body="Wie weet een plek?",
        )
        reply = forum.reply_to(thread=thread, author=writer, body="Ik zoek ook.")
        item = actions.create_item(
            region=region,
            author=writer,
            title="Logeerplek met nachtzorg",
            description="Samen zoeken.",
            themes=["logeren"],
        )
        db.session.commit()
        thread_id, reply_id, item_id = thread.id, reply.id, item.id
    new_thread = {
        "title": "Logeerhuis met nachtzorg",
        "kind": "goed_voorbeeld",
        "themes": ["logeren"],
        "body": "Bij De Vuurtoren is 's nachts iemand wakker.",
        "action": "post",
    }
    body = {"body": "Bij ons ook.", "action": "post"}
    paths = [
        ("/regio/5515/nieuw", new_thread),
        ("/landelijk/nieuw", new_thread),
        (f"/onderwerp/{thread_id}/reageren", body),
        (f"/bericht/{reply_id}/reageren", body),
        (f"/actiepunt/{item_id}/voortgang", {"body": "Gebeld met Het Kompas."}),
    ]
    browser = Browser(limited)
    browser.login("schrijver@example.nl")
    # A preview and a form with a mistake do not count.
    assert browser.post("/regio/5515/nieuw", {**new_thread, "action": "preview"}).status_code == 200
    assert browser.post(f"/onderwerp/{thread_id}/reageren", {"body": " "}).status_code == 200
    allowed = first_limit(rate_limits.POSTING_PER_PERSON)
    for n in range(allowed):
        path, data = paths[n % len(paths)]
        response = browser.post(path, data)
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:300])

    for path, data in paths:
        assert_refused(browser.post(path, data), at_most=60)
    # Reading and the forms go on; another person posts as usual.
    assert browser.client.get(f"/onderwerp/{thread_id}").status_code == 200
    assert browser.client.get("/regio/5515/nieuw").status_code == 200
    other = Browser(limited)
    other.login("tweede@example.nl")
    assert other.post(f"/onderwerp/{thread_id}/reageren", body).status_code == 302


def test_pages_without_a_limit_are_not_affected(limited: Flask, regions: None) -> None:
    with limited.app_context():
        make_user(email="ouder@example.nl")
    browser = Browser(limited)
    for n in range(first_limit(rate_limits.LOGIN_PER_ADDRESS)):
        browser.login(f"iemand{n}@example.nl", "fout")
    assert browser.login("ouder@example.nl").status_code == 429

    for path in ("/", "/inloggen", "/registreren", "/wachtwoord-vergeten", "/woordenlijst"):
        assert browser.client.get(path).status_code == 200, path
    language = browser.post("/taal", {"locale": "en", "next": "/"})
    assert language.status_code == 302


def test_behind_a_proxy_the_limits_count_the_forwarded_address(
    limited_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, regions: None
) -> None:
    monkeypatch.setenv("PROXY_COUNT", "1")
    proxied = limited_app()
    browser = Browser(proxied, "10.0.0.1")  # the proxy
    browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.10"
    for n in range(first_limit(rate_limits.LOGIN_PER_ADDRESS)):
        assert browser.login(f"iemand{n}@example.nl", "fout").status_code == 200
    assert browser.login("nog.iemand@example.nl", "fout").status_code == 429

    browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.11"
    assert browser.login("nog.iemand@example.nl", "fout").status_code == 200


def test_the_limits_are_on_unless_the_app_is_made_for_tests(schema: str) -> None:
    made = {
        testing: create_app({"TESTING": testing, "SQLALCHEMY_DATABASE_URI": schema})
        for testing in (False, True)
    }
    assert made[False].config["RATELIMIT_ENABLED"] is True
    assert "rate_limiter" in made[False].extensions
    assert made[True].config["RATELIMIT_ENABLED"] is False
    assert "rate_limiter" not in made[True].extensions


def test_with_the_limits_off_nothing_is_refused(app: Flask, regions: None) -> None:
    browser = Browser(app)
    for n in range(first_limit(rate_limits.LOGIN_PER_ADDRESS) + 5):
        assert (
            browser.login("ouder@example.nl" if n % 2 else "x@example.nl", "fout").status_code
            == 200
        )


# --- the brake on wrong passwords ------------------------------------------------------------


@pytest.fixture
def braked_app(limited: Flask, regions: None) -> Flask:
    return limited


def test_wrong_passwords_brake_an_address_whether_it_has_an_account_or_not(
    braked_app: Flask,
) -> None:
    with braked_app.app_context():
        make_user(email="ouder@example.nl")
    allowed = rate_limits.FAILED_LOGINS_PER_EMAIL.amount
    answers: dict[str, list[Any]] = {}
    for email in ("ouder@example.nl", "niemand@example.nl"):
        # Each attempt from another network address: the brake is on the e-mail address.
        browser = Browser(braked_app)
        answers[email] = [
            browser.at(f"198.51.100.{n}").login(email, "fout") for n in range(allowed + 1)
        ]

    known, unknown = answers["ouder@example.nl"], answers["niemand@example.nl"]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.status_code for r in known] == [200] * allowed + [429]
    known_page = assert_refused(known[-1], at_most=15 * 60)
    unknown_page = assert_refused(unknown[-1], at_most=15 * 60)
    assert int(known[-1].headers["Retry-After"]) > 14 * 60
    assert main_text(known_page) == main_text(unknown_page)
    # Even the right password waits; written differently it is the same address.
    assert Browser(braked_app, "203.0.113.9").login("ouder@example.nl").status_code == 429
    assert Browser(braked_app, "203.0.113.9").login(" Ouder@Example.NL ").status_code == 429
    # Other addresses log in as usual.
    with braked_app.app_context():
        make_user(email="ander@example.nl")
    assert Browser(braked_app, "203.0.113.9").login("ander@example.nl").status_code == 302


def test_the_right_password_clears_the_count_of_wrong_ones(limited: Flask, regions: None) -> None:
    with limited.app_context():
        make_user(email="ouder@example.nl")
    allowed = rate_limits.FAILED_LOGINS_PER_EMAIL.amount
    browser = Browser(limited)
    for n in range(allowed - 1):
        assert browser.at(f"198.51.100.{n}").login("ouder@example.nl", "fout").status_code == 200
    assert browser.login("ouder@example.nl").status_code == 302

    again = Browser(limited, "203.0.113.1")
    for n in range(allowed - 1):
        assert again.at(f"203.0.113.{n}").login("ouder@example.nl", "fout").status_code == 200


# --- Redis: several workers share the counts -------------------------------------------------


def test_two_app_instances_share_the_counts_in_redis(
    limited_app: Callable[..., Flask], regions: None, redis_prefix: str
) -> None:
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": redis_prefix}
    first, second = limited_app(**settings), limited_app(**settings)
    with first.app_context():
        make_user(email="ouder@example.nl")

    # The wrong-password brake: attempts alternate between the two workers.
    allowed = rate_limits.FAILED_LOGINS_PER_EMAIL.amount
    workers = [Browser(first, "198.51.100.1"), Browser(second, "198.51.100.2")]
    for n in range(allowed):
        assert workers[n % 2].login("ouder@example.nl", "fout").status_code == 200
    assert_refused(workers[allowed % 2].login("ouder@example.nl", "fout"), at_most=15 * 60)

    # The per-address login limit, from one address through both workers.
    one, two = Browser(first, "192.0.2.7"), Browser(second, "192.0.2.7")
    for n in range(first_limit(rate_limits.LOGIN_PER_ADDRESS)):
        assert (one if n % 2 else two).login(f"iemand{n}@example.nl", "fout").status_code == 200
    assert_refused(one.login("nog.iemand@example.nl", "fout"), at_most=60)
    assert_refused(two.login("nog.iemand@example.nl", "fout"), at_most=60)

    # Redis holds counters under hashed keys: no network address, no e-mail address.
    keys = b" ".join(redis_or_skip().scan_iter(match=f"*{redis_prefix}*")).decode()
    assert keys
    for secret in ("192.0.2.7", "198.51.100", "ouder@example.nl", "iemand"):
        assert secret not in keys


def test_without_redis_logging_in_goes_on_with_counts_per_worker(
    limited_app: Callable[..., Flask], regions: None
) -> None:
    gone = limited_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    with gone.app_context():
        make_user(email="ouder@example.nl")
    browser = Browser(gone)
    assert browser.login("ouder@example.nl", "fout").status_code == 200
    assert browser.login("ouder@example.nl").status_code == 302
    browser.logout()
    for n in range(first_limit(rate_limits.LOGIN_PER_ADDRESS) - 2):
        assert browser.login(f"iemand{n}@example.nl", "fout").status_code == 200
    assert_refused(browser.login("nog.iemand@example.nl", "fout"), at_most=60)


# --- two-step verification ----------------------------------------------------------------------


def _with_two_step(app: Flask, email: str) -> str:
    with app.app_context():
        return enable_two_step(make_user(email=email))


def test_a_right_password_before_the_code_step_is_no_failed_login(
    limited: Flask, regions: None
) -> None:
    _with_two_step(limited, "gastheer@example.nl")
    allowed = rate_limits.FAILED_LOGINS_PER_EMAIL.amount
    for n in range(allowed + 2):
        browser = Browser(limited, f"198.51.100.{n}")
        response = browser.login("gastheer@example.nl")
        assert response.status_code == 302
        assert response.headers["Location"] == "/inloggen/code"


def test_wrong_codes_brake_the_account_even_from_new_sessions(
    limited: Flask, regions: None
) -> None:
    secret = _with_two_step(limited, "gastheer@example.nl")
    allowed = rate_limits.FAILED_CODES_PER_ACCOUNT.amount
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    answers = []
    for n in range(allowed + 1):
        # A new session and address each time: the count belongs to the account.
        browser = Browser(limited, f"198.51.100.{n}")
        assert browser.login("gastheer@example.nl").status_code == 302
        answers.append(browser.post("/inloggen/code", {"code": wrong}))
    assert [r.status_code for r in answers] == [200] * allowed + [429]
    assert_refused(answers[-1], at_most=15 * 60)
    # Even the right code waits now.
    browser = Browser(limited, "203.0.113.9")
    browser.login("gastheer@example.nl")
    assert browser.post("/inloggen/code", {"code": pyotp.TOTP(secret).now()}).status_code == 429
