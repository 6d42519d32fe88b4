"""Security headers on every page, cookie flags, and no inline code that the policy would block."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from leerplatform import create_app
from leerplatform.config import from_environment
from leerplatform.security import CONTENT_SECURITY_POLICY, add_security_headers
from tests.conftest import Auth
from tests.factories import make_user

PAGES = ["/", "/inloggen", "/registreren", "/regios", "/regio/5515", "/privacy", "/huisregels"]
LOGGED_IN_PAGES = [
    "/regio/5515",
    "/regio/5515/actiepunten",
    "/knelpuntenmonitor",
    "/meldingen",
    "/mijn-gegevens",
    "/mijn-gegevens/meldingen",
]


def _assert_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # only in production


def _assert_no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=\"", html), "inline style attribute"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=\"", html), "event handler attribute"


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_carry_the_security_headers_and_no_inline_code(
    client: FlaskClient, regions: None, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _assert_headers(response)
    _assert_no_inline_code(response.get_data(as_text=True))


def test_pages_behind_the_login_carry_them_too(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        email = make_user(host_of="5515").email
    auth.login(email)
    for path in LOGGED_IN_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_headers(response)
        _assert_no_inline_code(response.get_data(as_text=True))


def test_error_pages_and_files_carry_them_too(client: FlaskClient, regions: None) -> None:
    _assert_headers(client.get("/bestaat-niet"))
    static = client.get("/static/css/app.css")
    _assert_headers(static)
    static.close()


def test_the_session_cookie_is_http_only_and_same_site_lax(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        email = make_user().email
    response = auth.login(email)
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session
    assert "SameSite=Lax" in session
    assert "Secure" not in session  # plain http in development and tests


def test_production_marks_cookies_secure_and_sends_hsts(tmp_path: object) -> None:
    config = from_environment({"LEERPLATFORM_ENV": "production"}, str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"

    app = Flask(__name__)
    app.config["ENV_NAME"] = "production"
    add_security_headers(app)
    app.add_url_rule("/", "home", lambda: "ok")
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_glossary_explains_the_words_of_the_field_and_is_linked_where_they_appear(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    page = client.get("/woordenlijst").get_data(as_text=True)
    for anchor in ("wlz", "meerzorg", "zorgprofiel", "pgb", "zorgkantoor", "metgezel"):
        assert f'id="{anchor}"' in page
    assert "/woordenlijst#metgezel" in client.get("/registreren").get_data(as_text=True)
    assert "/woordenlijst#zorgkantoor" in client.get("/regio/5515").get_data(as_text=True)
    with app.app_context():
        email = make_user().email
    auth.login(email)
    assert "/woordenlijst" in client.get("/regio/5515/nieuw").get_data(as_text=True)


def test_a_production_app_sends_secure_cookies_and_hsts_on_a_real_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole app as production builds it, not just its settings: the login page sets the
    session cookie (for the CSRF token) with every flag, and the response carries HSTS."""
    monkeypatch.setenv("LEERPLATFORM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-that-is-long-enough-0123456789")
    # Never connected: the login form asks nothing of the database.
    monkeypatch.setenv("DATABASE_URL", "postgresql://leerplatform@127.0.0.1:1/leerplatform")
    monkeypatch.setenv("RATELIMIT_ENABLED", "0")
    production = create_app()
    response = production.test_client().get("/inloggen", base_url="https://leerplatform.nl")
    assert response.status_code == 200
    [session] = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    assert session.startswith("session=")
    assert "; Secure" in session
    assert "; HttpOnly" in session
    assert "SameSite=Lax" in session
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
