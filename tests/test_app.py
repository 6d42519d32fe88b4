"""The factory, settings, health check and the public pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from leerplatform import create_app
from leerplatform.config import DEV_SECRET_KEY, ConfigError
from tests.conftest import post_form


def test_production_refuses_the_development_secret_key() -> None:
    with pytest.raises(ConfigError):
        create_app({"ENV_NAME": "production", "SECRET_KEY": DEV_SECRET_KEY})


def test_production_refuses_sqlite() -> None:
    with pytest.raises(ConfigError):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "x" * 40,
                "SQLALCHEMY_DATABASE_URI": "sqlite:///prod.sqlite",
            }
        )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/lp")
    monkeypatch.setenv("CONTACT_EMAIL", "vragen@example.nl")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/lp"
    assert app.config["CONTACT_EMAIL"] == "vragen@example.nl"


def test_healthz_answers_200_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/privacy", "Privacyverklaring"),
        ("/toegankelijkheid", "Toegankelijkheidsverklaring"),
        ("/huisregels", "Huisregels"),
    ],
)
def test_statements_are_public_and_dutch(client: FlaskClient, path: str, heading: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert 'lang="nl"' in page


def test_english_can_be_chosen_without_an_account(client: FlaskClient) -> None:
    response = post_form(client, "/taal", {"locale": "en", "next": "/privacy"}, token_page="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    page = client.get("/privacy").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "<h1>Privacy statement</h1>" in page


def test_language_choice_never_redirects_off_site(client: FlaskClient) -> None:
    response = post_form(
        client, "/taal", {"locale": "en", "next": "//evil.example"}, token_page="/"
    )
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_dutch_404(client: FlaskClient) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_every_page_has_a_skip_link_and_the_statement_links(
    client: FlaskClient, app: Flask
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="#inhoud"' in page
    for path in ("/privacy", "/toegankelijkheid", "/huisregels"):
        assert f'href="{path}"' in page


def test_the_answer_goes_out_when_the_database_goes_away_after_the_last_query(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database restarts between a page's last query and the end of the request: ending
    the session fails, the pool drops the dead connection, and the page still goes out."""
    from leerplatform.extensions import db

    with app.app_context():
        dialect = db.engine.dialect

    def server_gone(_connection: object) -> None:
        raise dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    client.get("/healthz")  # a connection in the pool, as in a running app
    with monkeypatch.context() as patch:
        patch.setattr(dialect, "do_rollback", server_gone)
        patch.setattr(dialect, "is_disconnect", lambda *_args: True)
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_moments_read_as_babel_writes_them_in_the_readers_language(app: Flask) -> None:
    """The remembered formatting is Babel's own, per language: never Dutch words on an English
    page because the Dutch page came first."""
    from datetime import UTC, datetime

    from flask import render_template_string
    from flask_babel import force_locale, format_datetime

    moment = datetime(2026, 3, 2, 13, 5, tzinfo=UTC)
    template = '{{ moment | datetimeformat("d MMMM yyyy, HH:mm") }}'
    with app.test_request_context("/"):
        with force_locale("nl"):
            dutch = render_template_string(template, moment=moment)
            assert dutch == format_datetime(moment, "d MMMM yyyy, HH:mm") == "2 maart 2026, 14:05"
            assert render_template_string(template, moment=None) == ""
        with force_locale("en"):
            english = render_template_string(template, moment=moment)
            assert english == format_datetime(moment, "d MMMM yyyy, HH:mm") == "2 March 2026, 14:05"
        with force_locale("nl"):
            assert render_template_string(template, moment=moment) == dutch
