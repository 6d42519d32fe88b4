"""The first run: demo content that loads once, and every demo account logs in."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from leerplatform import create_app
from leerplatform.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_email
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth


def test_demo_loads_once(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "ouder@demo.leerplatform.nl" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "al geladen" in second.output


@pytest.mark.parametrize("role", [role for role, *_ in DEMO_ACCOUNTS])
def test_every_demo_account_logs_in(
    runner: FlaskCliRunner, client: FlaskClient, auth: Auth, role: str
) -> None:
    runner.invoke(args=["demo", "load"])
    response = auth.login(demo_email(role), DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/mijn-gegevens").status_code == 200


def test_the_demo_host_hosts_amsterdam(runner: FlaskCliRunner, app: Flask) -> None:
    runner.invoke(args=["demo", "load"])
    with app.app_context():
        hosts = [user.email for user in region_by_code("5515").hosts]
    assert hosts == ["gastheer@demo.leerplatform.nl"]


def test_demo_content_is_never_loaded_in_production(schema: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "DEMO_ALLOWED": False,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "nooit in productie" in result.output
