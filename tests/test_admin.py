"""Admins appoint hosts and keep regions and municipalities up to date."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leerplatform.extensions import db
from leerplatform.regions.models import Municipality
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, post_form
from tests.factories import make_user


@pytest.fixture
def admin(app: Flask, auth: Auth, regions: None) -> Auth:
    with app.app_context():
        email = make_user(is_admin=True, display_name="Beheerder").email
    auth.login(email)
    return auth


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/",
        "/beheer/regios",
        "/beheer/regios/5515",
        "/beheer/gemeenten",
        "/beheer/gemeenten/nieuw",
    ],
)
def test_admin_pages_are_for_admins_only(
    app: Flask, client: FlaskClient, auth: Auth, regions: None, path: str
) -> None:
    assert client.get(path).headers["Location"].startswith("/inloggen")
    with app.app_context():
        email = make_user(host_of="5515").email
    auth.login(email)
    assert client.get(path).status_code == 403


def test_admin_appoints_and_removes_a_host(app: Flask, client: FlaskClient, admin: Auth) -> None:
    with app.app_context():
        host = make_user(display_name="Gastvrouw Kennemerland", region_code="5513")
        host_id, host_email = host.id, host.email
    response = post_form(
        client,
        "/beheer/regios/5513/gastheren",
        {"email": host_email.upper()},
        token_page="/beheer/regios/5513",
    )
    assert response.status_code == 302
    assert "Gastvrouw Kennemerland" in client.get("/regio/5513").get_data(as_text=True)
    again = post_form(
        client,
        "/beheer/regios/5513/gastheren",
        {"email": host_email},
        token_page="/beheer/regios/5513",
    )
    assert again.status_code == 200
    assert 'aria-invalid="true"' in again.get_data(as_text=True)
    post_form(
        client,
        f"/beheer/regios/5513/gastheren/{host_id}/verwijderen",
        {},
        token_page="/beheer/regios/5513",
    )
    with app.app_context():
        assert region_by_code("5513").hosts == []


def test_appointing_an_unknown_address_is_an_error_at_the_field(
    client: FlaskClient, admin: Auth
) -> None:
    response = post_form(
        client,
        "/beheer/regios/5513/gastheren",
        {"email": "niemand@example.nl"},
        token_page="/beheer/regios/5513",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="niemand@example.nl"' in page
    assert 'href="#email"' in page


def test_admin_edits_a_region(app: Flask, client: FlaskClient, admin: Auth) -> None:
    response = post_form(
        client,
        "/beheer/regios/5515",
        {
            "name": "Amsterdam",
            "zorgkantoor": "Nieuwe Verzekeraar",
            "provinces": "Noord-Holland",
            "members_only": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        region = region_by_code("5515")
        assert region.zorgkantoor == "Nieuwe Verzekeraar"
        assert region.members_only


def test_a_region_without_a_name_is_refused_and_keeps_the_input(
    app: Flask, client: FlaskClient, admin: Auth
) -> None:
    response = post_form(
        client, "/beheer/regios/5515", {"name": "", "zorgkantoor": "Getypte naam", "provinces": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Getypte naam"' in page
    assert "data-error-summary" in page
    with app.app_context():
        assert region_by_code("5515").zorgkantoor == "Zilveren Kruis"


def test_admin_adds_a_merged_municipality_and_moves_one(
    app: Flask, client: FlaskClient, admin: Auth
) -> None:
    response = post_form(
        client,
        "/beheer/gemeenten/nieuw",
        {"name": "Dijk en Waard", "cbs_code": "1980", "region": "5512"},
    )
    assert response.status_code == 302
    with app.app_context():
        weesp = db.session.scalar(select(Municipality).where(Municipality.name == "Weesp"))
        weesp_id = weesp.id
    post_form(
        client,
        f"/beheer/gemeenten/{weesp_id}",
        {"name": "Weesp", "cbs_code": weesp.cbs_code, "region": "5515"},
    )
    with app.app_context():
        added = db.session.scalar(select(Municipality).where(Municipality.cbs_code == "1980"))
        assert added.region.code == "5512"
        assert db.session.get(Municipality, weesp_id).region.code == "5515"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Amsterdam", "cbs_code": "1234", "region": "5515"}, "name"),
        ({"name": "Nieuwgemeente", "cbs_code": "0363", "region": "5515"}, "cbs_code"),
        ({"name": "Nieuwgemeente", "cbs_code": "12a", "region": "5515"}, "cbs_code"),
        ({"name": "Nieuwgemeente", "cbs_code": "1234", "region": ""}, "region"),
    ],
)
def test_bad_municipalities_are_refused_at_the_field(
    app: Flask, client: FlaskClient, admin: Auth, data: dict[str, str], field: str
) -> None:
    response = post_form(client, "/beheer/gemeenten/nieuw", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="#{field}"' in page
    with app.app_context():
        assert (
            db.session.scalar(select(Municipality).where(Municipality.cbs_code == "1234")) is None
        )


def test_an_admin_sees_failed_e_mails_and_sends_them_again(
    app: Flask, admin: Auth, client: FlaskClient
) -> None:
    from leerplatform.outbox.models import OutboxMessage

    with app.app_context():
        db.session.add_all(
            [
                OutboxMessage(
                    message_id=f"<m{n}@example.nl>",
                    to_address=f"ouder{n}@example.nl",
                    subject=f"Nieuwe reactie {n}",
                    body_text="…",
                    status=status,
                    attempts=8 if status == "failed" else 1,
                    last_error="ConnectionRefusedError: [Errno 111]"
                    if status == "failed"
                    else None,
                )
                for n, status in enumerate(["failed", "failed", "sent", "pending"])
            ]
        )
        db.session.commit()
    page = client.get("/beheer/e-mail").get_data(as_text=True)
    assert "ouder0@example.nl" in page
    assert "ConnectionRefusedError" in page
    assert "ouder2@example.nl" not in page  # sent mail is not listed
    with app.app_context():
        first = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_address.like("ouder0%"))
        )
    post_form(
        client, "/beheer/e-mail/opnieuw", {"bericht": str(first.id)}, token_page="/beheer/e-mail"
    )
    with app.app_context():
        statuses = dict(
            db.session.execute(select(OutboxMessage.to_address, OutboxMessage.status)).all()
        )
    assert statuses["ouder0@example.nl"] == "pending"
    assert statuses["ouder1@example.nl"] == "failed"
    post_form(client, "/beheer/e-mail/opnieuw", {}, token_page="/beheer/e-mail")
    with app.app_context():
        assert (
            db.session.scalar(
                select(db.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "failed")
            )
            == 0
        )
