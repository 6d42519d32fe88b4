"""Registering, confirming, logging in and out, passwords, e-mail address, home region, admins.

Every flow goes through the test client with CSRF on, and every mail over real SMTP.
Messages are compared between two responses rather than matched as Dutch sentences.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from leerplatform.accounts.models import ConsentRecord, User
from leerplatform.accounts.tokens import RESET_SALT, VERIFY_SALT, fingerprint
from leerplatform.extensions import db
from leerplatform.pages.statements import PRIVACY_STATEMENT_VERSION
from leerplatform.regions.models import Region, RegionMembership
from tests import factories
from tests.conftest import Auth, Mailbox, deliver_outbox, link_in, post_form, text_of
from tests.factories import make_user

NEW_PASSWORD = "fietsen langs de amstel in mei"
OFF_SITE_TARGETS = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
]

pytestmark = pytest.mark.usefixtures("regions")


# --- helpers ------------------------------------------------------------------------------


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def main_of(response: Any) -> str:
    """The <main> of a page, CSRF tokens blanked, so two pages can be compared."""
    match = re.search(r"<main\b.*?</main>", html(response), re.S)
    assert match, "no <main> on the page"
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", match.group(0))


def tag_of(page: str, field_id: str) -> str:
    """The opening <input>/<select> tag of the form control with ``id="field_id"``."""
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert match, f'no control with id="{field_id}"'
    return match.group(0)


def error_of(page: str, field_id: str) -> str:
    """The error text shown at a field (empty if none)."""
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def assert_error_at(page: str, field_id: str) -> None:
    """The field is marked invalid, has its message, and the summary links to it."""
    assert 'aria-invalid="true"' in tag_of(page, field_id)
    assert error_of(page, field_id)
    assert "data-error-summary" in page
    summary = page[page.index("data-error-summary") :]
    assert f'href="#{field_id}"' in summary


def assert_no_error_at(page: str, field_id: str) -> None:
    assert 'aria-invalid="true"' not in tag_of(page, field_id)
    assert not error_of(page, field_id)


def registration(**overrides: str) -> dict[str, str]:
    data = {
        "email": "nieuw.lid@example.nl",
        "display_name": "Nieuw Lid",
        "participant_kind": "ouder",
        "municipality": "0363",
        "region": "",
        "password": factories.PASSWORD,
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(client: FlaskClient, **overrides: str) -> Any:
    return post_form(client, "/registreren", registration(**overrides))


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def stored(app: Flask, email: str) -> dict[str, Any] | None:
    """What the database holds about the account with this address, as plain values."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            return None
        home = db.session.get(Region, user.home_region_id) if user.home_region_id else None
        member_of = set(
            db.session.scalars(
                select(Region.code)
                .join(RegionMembership, RegionMembership.region_id == Region.id)
                .where(RegionMembership.user_id == user.id)
            )
        )
        return {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "participant_kind": user.participant_kind,
            "password_hash": user.password_hash,
            "session_token": user.session_token,
            "verified_at": user.email_verified_at,
            "is_admin": user.is_admin,
            "home_region": home.code if home else None,
            "member_of": member_of,
        }


def existing_user(app: Flask, **overrides: Any) -> str:
    with app.app_context():
        return make_user(**overrides).email


def logged_in_client(app: Flask, email: str, password: str = factories.PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = Auth(client).login(email, password)
    assert response.status_code == 302, html(response)
    assert is_logged_in(client)
    return client


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/mijn-gegevens")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")
    return False


def can_log_in(app: Flask, email: str, password: str) -> bool:
    response = Auth(app.test_client()).login(email, password)
    return response.status_code == 302


def forged(path: str) -> str:
    """``path`` with one character of the signed payload changed."""
    prefix, token = path.rsplit("/", 1)
    head = "B" if token[0] != "B" else "C"
    return f"{prefix}/{head}{token[1:]}"


def verification_link(app: Flask, mailbox: Mailbox, address: str) -> str:
    deliver_outbox(app)
    return link_in(mailbox.last_to(address), "/bevestigen/")


def reset_link(app: Flask, client: FlaskClient, mailbox: Mailbox, address: str) -> str:
    post_form(client, "/wachtwoord-vergeten", {"email": address})
    deliver_outbox(app)
    return link_in(mailbox.last_to(address), "/wachtwoord-herstellen/")


# --- registering --------------------------------------------------------------------------


def test_register_stores_an_unverified_member_with_consent_and_mails_a_link(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    response = register(client, email="Nieuw.Lid@Example.NL", display_name="  Nieuw Lid ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/controleer-je-mail"
    user = stored(app, "nieuw.lid@example.nl")
    assert user is not None
    assert user["display_name"] == "Nieuw Lid"
    assert user["participant_kind"] == "ouder"
    assert user["verified_at"] is None
    assert not user["is_admin"]
    assert user["home_region"] == "5515"
    assert user["member_of"] == {"5515"}
    with app.app_context():
        consents = list(
            db.session.scalars(select(ConsentRecord).where(ConsentRecord.user_id == user["id"]))
        )
        assert [(c.purpose, c.statement_version) for c in consents] == [
            ("health_data", PRIVACY_STATEMENT_VERSION)
        ]
        assert consents[0].given_at is not None
        assert consents[0].withdrawn_at is None

    assert deliver_outbox(app) == 1
    message = mailbox.last_to("nieuw.lid@example.nl")
    assert link_in(message, "/bevestigen/").startswith("/bevestigen/")
    assert "72" in text_of(message)  # hours the link works
    check = client.get("/controleer-je-mail")
    assert check.status_code == 200
    assert "nieuw.lid@example.nl" in html(check)


def test_register_stores_an_argon2id_hash_and_never_the_password(
    app: Flask, client: FlaskClient
) -> None:
    register(client)
    user = stored(app, "nieuw.lid@example.nl")
    assert user["password_hash"].startswith("$argon2id$")
    assert factories.PASSWORD not in user["password_hash"]
    with app.app_context():
        row = db.session.execute(select(User.__table__)).one()
    assert all(factories.PASSWORD not in str(value) for value in row)


def test_a_region_chosen_directly_overrides_the_municipality(
    app: Flask, client: FlaskClient
) -> None:
    response = register(client, municipality="0363", region="5513")
    assert response.status_code == 302
    user = stored(app, "nieuw.lid@example.nl")
    assert user["home_region"] == "5513"
    assert user["member_of"] == {"5513"}


def test_a_region_alone_is_enough(app: Flask, client: FlaskClient) -> None:
    response = register(client, municipality="", region="5521")
    assert response.status_code == 302
    assert stored(app, "nieuw.lid@example.nl")["home_region"] == "5521"


def test_register_needs_a_municipality_or_a_region(app: Flask, client: FlaskClient) -> None:
    response = register(client, municipality="", region="")
    assert response.status_code == 200
    page = html(response)
    assert_error_at(page, "municipality")
    assert_no_error_at(page, "password")
    assert user_count(app) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("municipality", "9999"), ("region", "9999"), ("region", "landelijk")],
)
def test_register_refuses_an_unknown_municipality_or_region(
    app: Flask, client: FlaskClient, field: str, value: str
) -> None:
    response = register(client, **{field: value})
    assert response.status_code == 200
    assert_error_at(html(response), field)
    assert user_count(app) == 0


def test_register_with_a_taken_address_looks_the_same_and_mails_a_notice(
    app: Flask, mailbox: Mailbox
) -> None:
    taken = existing_user(app, display_name="Bestaand Lid")
    before = stored(app, taken)
    new_client, taken_client = app.test_client(), app.test_client()

    fresh = register(new_client, email="nieuw.lid@example.nl")
    again = register(taken_client, email=taken.upper(), display_name="Iemand Anders")

    assert (again.status_code, again.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    assert again.get_data() == fresh.get_data()
    fresh_page = main_of(new_client.get("/controleer-je-mail"))
    taken_page = main_of(taken_client.get("/controleer-je-mail"))
    assert taken in taken_page
    assert taken_page.replace(taken, "ADRES") == fresh_page.replace("nieuw.lid@example.nl", "ADRES")

    assert user_count(app) == 2
    assert stored(app, taken) == before  # name, password, region untouched

    deliver_outbox(app)
    notices = mailbox.to(taken)
    assert len(notices) == 1
    body = text_of(notices[0])
    assert "/bevestigen/" not in body
    assert "http://localhost/wachtwoord-vergeten" in body
    assert notices[0]["Subject"] != mailbox.last_to("nieuw.lid@example.nl")["Subject"]


@pytest.mark.parametrize(
    ("password", "email", "display_name"),
    [
        ("kort12345", "jansen@example.nl", "Jan Jansen"),  # 9 characters
        ("wachtwoord123", "jansen@example.nl", "Jan Jansen"),  # common
        ("WachtWoord123", "jansen@example.nl", "Jan Jansen"),  # common, other case
        ("ababababababab", "jansen@example.nl", "Jan Jansen"),  # too few different characters
        ("ik ben jansen en dat blijf ik", "jansen@example.nl", "Jan Jansen"),  # local part
        ("marieke houdt van fietsen", "mh@example.nl", "Marieke"),  # display name
        ("x" * 150 + " en nog veel meer tekst" * 3, "jansen@example.nl", "Jan Jansen"),  # > 200
    ],
)
def test_a_weak_password_is_refused_at_the_field_keeping_what_was_typed(
    app: Flask, client: FlaskClient, password: str, email: str, display_name: str
) -> None:
    response = register(client, email=email, display_name=display_name, password=password)

    assert response.status_code == 200
    page = html(response)
    assert_error_at(page, "password")
    for other in ("email", "display_name", "municipality"):
        assert_no_error_at(page, other)
    assert f'value="{email}"' in tag_of(page, "email")
    assert f'value="{display_name}"' in tag_of(page, "display_name")
    assert re.search(r'<option (selected value="0363"|value="0363" selected)', page)
    assert "checked" in tag_of(page, "consent")
    assert password not in page
    assert not re.search(r'value="[^"]', tag_of(page, "password"))
    assert user_count(app) == 0


def test_each_password_rule_says_what_is_wrong(client: FlaskClient) -> None:
    messages = {
        error_of(html(register(client, email="jansen@example.nl", password=password)), "password")
        for password in ("kort12345", "wachtwoord123", "jansen wil graag meedoen")
    }
    assert len(messages) == 3
    assert "" not in messages


def test_register_without_consent_creates_nothing(app: Flask, client: FlaskClient) -> None:
    response = register(client, consent=None)
    assert response.status_code == 200
    assert_error_at(html(response), "consent")
    assert user_count(app) == 0


@pytest.mark.parametrize("email", ["geen-adres", "naam@", "@example.nl", "naam@@example.nl", ""])
def test_register_refuses_an_invalid_address(app: Flask, client: FlaskClient, email: str) -> None:
    response = register(client, email=email)
    assert response.status_code == 200
    page = html(response)
    assert_error_at(page, "email")
    assert_no_error_at(page, "password")
    assert user_count(app) == 0


def test_register_without_a_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    client.get("/registreren")
    missing = client.post("/registreren", data=registration())
    wrong = client.post("/registreren", data={**registration(), "csrf_token": "nep"})
    assert missing.status_code == 400
    assert wrong.status_code == 400
    assert user_count(app) == 0


def test_a_logged_in_person_is_not_shown_the_register_form(app: Flask) -> None:
    client = logged_in_client(app, existing_user(app))
    response = client.get("/registreren")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- confirming the address -----------------------------------------------------------------


def test_opening_the_link_shows_a_button_and_changes_nothing(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    register(client)
    link = verification_link(app, mailbox, "nieuw.lid@example.nl")

    for _ in range(2):  # a mail scanner may open it more than once
        response = client.get(link)
        assert response.status_code == 200
        form = re.search(r'<form method="post".*?</form>', main_of(response), re.S)
        assert form, "no POST form on the confirmation page"
        assert 'type="submit"' in form.group(0)
    assert stored(app, "nieuw.lid@example.nl")["verified_at"] is None


def test_pressing_the_button_confirms_the_address_once(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    register(client)
    link = verification_link(app, mailbox, "nieuw.lid@example.nl")
    reader = app.test_client()  # the mail may be opened in another browser

    response = post_form(reader, link, {})
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?email=nieuw.lid@example.nl"
    assert stored(app, "nieuw.lid@example.nl")["verified_at"] is not None
    login_page = html(reader.get(response.headers["Location"]))
    assert 'value="nieuw.lid@example.nl"' in tag_of(login_page, "email")

    again = post_form(reader, link, {})
    assert again.status_code == 400
    forged_page = post_form(reader, forged(link), {})
    assert forged_page.status_code == 400
    assert main_of(again) != main_of(forged_page)  # "already used" is said as such


def test_confirming_needs_a_csrf_token(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    register(client)
    link = verification_link(app, mailbox, "nieuw.lid@example.nl")
    assert client.post(link).status_code == 400
    assert stored(app, "nieuw.lid@example.nl")["verified_at"] is None


def test_a_logged_in_person_confirming_goes_home(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    register(client)
    link = verification_link(app, mailbox, "nieuw.lid@example.nl")
    client = logged_in_client(app, "nieuw.lid@example.nl")
    response = post_form(client, link, {})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert stored(app, "nieuw.lid@example.nl")["verified_at"] is not None


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_link_is_refused(
    app: Flask, client: FlaskClient, mailbox: Mailbox, method: str
) -> None:
    register(client)
    link = forged(verification_link(app, mailbox, "nieuw.lid@example.nl"))
    response = client.get(link) if method == "GET" else post_form(client, link, {})
    assert response.status_code == 400
    assert stored(app, "nieuw.lid@example.nl")["verified_at"] is None


def test_a_link_signed_with_another_key_or_for_another_purpose_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    email = existing_user(app, verified=False)
    user_id = stored(app, email)["id"]
    claims = {"uid": user_id, "email": email, "was": fingerprint(email)}
    good_key = app.config["SECRET_KEY"]
    other_key = URLSafeTimedSerializer("another-secret-key-of-some-length", salt=VERIFY_SALT)
    other_salt = URLSafeTimedSerializer(good_key, salt=RESET_SALT)
    right = URLSafeTimedSerializer(good_key, salt=VERIFY_SALT)
    for token in (other_key.dumps(claims), other_salt.dumps(claims)):
        assert post_form(client, f"/bevestigen/{token}", {}).status_code == 400
    assert stored(app, email)["verified_at"] is None
    # the same claims signed properly do work: the refusals above are about key and purpose
    assert post_form(client, f"/bevestigen/{right.dumps(claims)}", {}).status_code == 302
    assert stored(app, email)["verified_at"] is not None


def test_an_expired_link_is_refused_and_says_so(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    register(client)
    link = verification_link(app, mailbox, "nieuw.lid@example.nl")
    invalid = client.get(forged(link))
    app.config["EMAIL_TOKEN_MAX_AGE"] = -1

    expired = client.get(link)
    assert expired.status_code == 400
    assert main_of(expired) != main_of(invalid)
    assert post_form(client, link, {}).status_code == 400
    assert stored(app, "nieuw.lid@example.nl")["verified_at"] is None


def test_an_unverified_member_can_ask_for_a_new_link(app: Flask, mailbox: Mailbox) -> None:
    email = existing_user(app, verified=False)
    client = logged_in_client(app, email)
    response = post_form(client, "/bevestigingsmail", {}, token_page="/mijn-gegevens")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-gegevens"
    link = verification_link(app, mailbox, email)
    assert post_form(client, link, {}).status_code == 302
    assert stored(app, email)["verified_at"] is not None

    post_form(client, "/bevestigingsmail", {}, token_page="/mijn-gegevens")
    assert deliver_outbox(app) == 0  # confirmed: no more links


# --- logging in and out -------------------------------------------------------------------


def test_login_starts_a_fresh_session(app: Flask, client: FlaskClient) -> None:
    email = existing_user(app)
    client.get("/inloggen")
    with client.session_transaction() as session:
        session["marker"] = 1
    before = client.get_cookie("session").value

    response = Auth(client).login(email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "marker" not in session
        assert session["_user_id"].startswith(f"{stored(app, email)['id']}:")
    assert is_logged_in(client)


def test_login_keeps_the_language_choice(app: Flask, client: FlaskClient) -> None:
    email = existing_user(app)
    post_form(client, "/taal", {"locale": "en", "next": "/"}, token_page="/")
    Auth(client).login(email)
    with client.session_transaction() as session:
        assert session["locale"] == "en"
    assert is_logged_in(client)


def test_login_ignores_the_case_of_the_address_and_records_the_time(
    app: Flask, client: FlaskClient
) -> None:
    email = existing_user(app)
    assert Auth(client).login(email.upper()).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at).where(User.email == email))


def test_wrong_password_and_unknown_address_get_the_same_answer(
    app: Flask, client: FlaskClient
) -> None:
    email = existing_user(app)
    unknown = "niemand@example.nl"

    wrong = Auth(client).login(email, "dit is niet het wachtwoord")
    nobody = Auth(client).login(unknown, "dit is niet het wachtwoord")

    assert wrong.status_code == nobody.status_code == 200
    assert_error_at(html(wrong), "password")
    assert error_of(html(wrong), "password") == error_of(html(nobody), "password")
    assert main_of(wrong).replace(email, "ADRES") == main_of(nobody).replace(unknown, "ADRES")
    assert "dit is niet het wachtwoord" not in html(wrong)
    assert not is_logged_in(client)


def test_login_follows_a_local_next(app: Flask, client: FlaskClient) -> None:
    email = existing_user(app)
    asked = client.get("/mijn-gegevens/wachtwoord")
    assert asked.status_code == 302
    login_path = asked.headers["Location"]
    assert login_path.startswith("/inloggen?next=")

    response = post_form(client, login_path, {"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-gegevens/wachtwoord"


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_login_never_sends_anyone_off_site(app: Flask, client: FlaskClient, target: str) -> None:
    email = existing_user(app)
    form_page = client.get("/inloggen", query_string={"next": target})
    assert 'action="/inloggen"' in main_of(form_page)  # the form does not carry it on
    page = html(form_page)
    response = client.post(
        "/inloggen",
        query_string={"next": target},
        data={
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
            "email": email,
            "password": factories.PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    already = client.get("/inloggen", query_string={"next": target})
    assert already.headers["Location"] == "/"


def test_remember_me_sets_a_lasting_cookie_only_when_asked(app: Flask) -> None:
    email = existing_user(app)
    plain, remembered = app.test_client(), app.test_client()
    Auth(plain).login(email)
    post_form(
        remembered,
        "/inloggen",
        {"email": email, "password": factories.PASSWORD, "remember": "y"},
    )
    assert plain.get_cookie("remember_token") is None
    assert remembered.get_cookie("remember_token") is not None
    remembered.delete_cookie("session")
    assert is_logged_in(remembered)


def test_logout_is_a_post_with_a_csrf_token(app: Flask) -> None:
    client = logged_in_client(app, existing_user(app))
    assert client.get("/uitloggen").status_code == 405
    assert client.post("/uitloggen").status_code == 400
    assert is_logged_in(client)

    response = Auth(client).logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not is_logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


# --- forgotten password -------------------------------------------------------------------


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
    app: Flask, mailbox: Mailbox
) -> None:
    known, unknown = existing_user(app), "niemand@example.nl"
    known_client, unknown_client = app.test_client(), app.test_client()

    a = post_form(known_client, "/wachtwoord-vergeten", {"email": known})
    b = post_form(unknown_client, "/wachtwoord-vergeten", {"email": unknown})

    assert a.status_code == b.status_code == 302
    assert a.headers["Location"] == b.headers["Location"]
    assert a.headers["Location"].startswith("/controleer-je-mail")
    known_page = main_of(known_client.get(a.headers["Location"]))
    unknown_page = main_of(unknown_client.get(b.headers["Location"]))
    assert known in known_page
    assert known_page.replace(known, "ADRES") == unknown_page.replace(unknown, "ADRES")
    with known_client.session_transaction() as a_session:
        known_keys = set(a_session)
    with unknown_client.session_transaction() as b_session:
        assert set(b_session) == known_keys

    assert deliver_outbox(app) == 1
    assert mailbox.to(unknown) == []
    assert link_in(mailbox.last_to(known), "/wachtwoord-herstellen/")


def test_forgot_password_refuses_an_invalid_address(client: FlaskClient) -> None:
    response = post_form(client, "/wachtwoord-vergeten", {"email": "geen-adres"})
    assert response.status_code == 200
    assert_error_at(html(response), "email")


def test_a_reset_link_sets_a_new_password_once(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    email = existing_user(app)
    link = reset_link(app, client, mailbox, email)
    form = client.get(link)
    assert form.status_code == 200
    assert 'type="password"' in tag_of(html(form), "password")

    response = post_form(client, link, {"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)
    assert stored(app, email)["password_hash"].startswith("$argon2id$")
    assert not can_log_in(app, email, factories.PASSWORD)
    assert can_log_in(app, email, NEW_PASSWORD)
    assert client.get(link).status_code == 400
    assert post_form(client, link, {"password": "nog een ander lang wachtwoord"}).status_code == 400
    assert can_log_in(app, email, NEW_PASSWORD)


def test_a_reset_link_refuses_a_weak_password_at_the_field(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    email = existing_user(app)
    link = reset_link(app, client, mailbox, email)
    for weak in ("kort12345", "wachtwoord123"):
        response = post_form(client, link, {"password": weak})
        assert response.status_code == 200
        assert_error_at(html(response), "password")
        assert weak not in html(response)
    assert can_log_in(app, email, factories.PASSWORD)
    assert not is_logged_in(client)


def test_a_reset_link_expires(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    email = existing_user(app)
    link = reset_link(app, client, mailbox, email)
    invalid = client.get(forged(link))
    app.config["RESET_TOKEN_MAX_AGE"] = -1

    expired = client.get(link)
    assert expired.status_code == 400
    assert main_of(expired) != main_of(invalid)
    assert post_form(client, link, {"password": NEW_PASSWORD}).status_code == 400
    assert can_log_in(app, email, factories.PASSWORD)


def test_a_forged_reset_link_is_refused(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    email = existing_user(app)
    link = forged(reset_link(app, client, mailbox, email))
    assert client.get(link).status_code == 400
    assert post_form(client, link, {"password": NEW_PASSWORD}).status_code == 400
    assert can_log_in(app, email, factories.PASSWORD)


def test_a_verification_link_is_no_reset_link(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    register(client)
    token = verification_link(app, mailbox, "nieuw.lid@example.nl").rsplit("/", 1)[1]
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 400


def test_a_reset_link_ends_when_the_password_changes_otherwise(
    app: Flask, mailbox: Mailbox
) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    link = reset_link(app, app.test_client(), mailbox, email)
    post_form(
        client,
        "/mijn-gegevens/wachtwoord",
        {"current_password": factories.PASSWORD, "password": NEW_PASSWORD},
    )
    assert client.get(link).status_code == 400


def test_a_reset_confirms_the_address_and_ends_other_sessions(app: Flask, mailbox: Mailbox) -> None:
    email = existing_user(app, verified=False)
    other_device = logged_in_client(app, email)
    client = app.test_client()
    link = reset_link(app, client, mailbox, email)

    post_form(client, link, {"password": NEW_PASSWORD})

    assert stored(app, email)["verified_at"] is not None
    assert is_logged_in(client)
    assert not is_logged_in(other_device)


# --- changing the password ----------------------------------------------------------------


def test_changing_the_password_needs_the_current_one(app: Flask) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    response = post_form(
        client,
        "/mijn-gegevens/wachtwoord",
        {"current_password": "dit is niet het wachtwoord", "password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    page = html(response)
    assert_error_at(page, "current_password")
    assert_no_error_at(page, "password")
    assert can_log_in(app, email, factories.PASSWORD)
    assert not can_log_in(app, email, NEW_PASSWORD)


def test_changing_the_password_refuses_a_weak_one(app: Flask) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    response = post_form(
        client,
        "/mijn-gegevens/wachtwoord",
        {"current_password": factories.PASSWORD, "password": "wachtwoord123"},
    )
    assert response.status_code == 200
    assert_error_at(html(response), "password")
    assert can_log_in(app, email, factories.PASSWORD)


def test_a_changed_password_may_not_contain_the_address(app: Flask) -> None:
    email = existing_user(app, email="marieke.jansen@example.nl")
    client = logged_in_client(app, email)
    response = post_form(
        client,
        "/mijn-gegevens/wachtwoord",
        {"current_password": factories.PASSWORD, "password": "marieke.jansen is de baas"},
    )
    assert response.status_code == 200
    assert_error_at(html(response), "password")


def test_a_reset_password_may_not_contain_the_address(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    email = existing_user(app, email="marieke.jansen@example.nl")
    link = reset_link(app, client, mailbox, email)
    response = post_form(client, link, {"password": "marieke.jansen is de baas"})
    assert response.status_code == 200
    assert_error_at(html(response), "password")


def test_changing_the_password_logs_out_every_other_session(app: Flask) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    other_device = logged_in_client(app, email)
    remembered = app.test_client()
    post_form(
        remembered,
        "/inloggen",
        {"email": email, "password": factories.PASSWORD, "remember": "y"},
    )
    remembered.delete_cookie("session")
    assert is_logged_in(remembered)  # back in through the remember cookie alone
    remembered.delete_cookie("session")

    response = post_form(
        client,
        "/mijn-gegevens/wachtwoord",
        {"current_password": factories.PASSWORD, "password": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-gegevens"
    assert is_logged_in(client)
    assert not is_logged_in(other_device)
    assert not is_logged_in(remembered)
    assert stored(app, email)["password_hash"].startswith("$argon2id$")
    assert not can_log_in(app, email, factories.PASSWORD)
    assert can_log_in(app, email, NEW_PASSWORD)


def test_account_pages_need_a_login(client: FlaskClient) -> None:
    for path in (
        "/mijn-gegevens",
        "/mijn-gegevens/wachtwoord",
        "/mijn-gegevens/e-mailadres",
        "/mijn-gegevens/thuisregio",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen?next=")


# --- changing the e-mail address ----------------------------------------------------------


def change_email(client: FlaskClient, new: str, password: str = factories.PASSWORD) -> Any:
    return post_form(
        client, "/mijn-gegevens/e-mailadres", {"email": new, "current_password": password}
    )


def test_a_new_address_counts_only_after_its_link_is_used(app: Flask, mailbox: Mailbox) -> None:
    old, new = existing_user(app), "nieuw.adres@example.nl"
    client = logged_in_client(app, old)

    response = change_email(client, "Nieuw.Adres@Example.NL")

    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-gegevens"
    assert deliver_outbox(app) == 2
    link = link_in(mailbox.last_to(new), "/bevestigen/")
    notice = mailbox.last_to(old)
    assert len(mailbox.to(old)) == 1
    assert "/bevestigen/" not in text_of(notice)
    assert stored(app, old)["email"] == old
    assert stored(app, new) is None
    assert not can_log_in(app, new, factories.PASSWORD)

    confirmed = post_form(client, link, {})

    assert confirmed.status_code == 302
    assert stored(app, old) is None
    assert stored(app, new)["verified_at"] is not None
    assert is_logged_in(client)
    assert can_log_in(app, new, factories.PASSWORD)
    assert not can_log_in(app, old, factories.PASSWORD)
    assert post_form(client, link, {}).status_code == 400
    assert stored(app, new) is not None


def test_a_taken_new_address_gets_the_same_answer_and_only_a_notice(
    app: Flask, mailbox: Mailbox
) -> None:
    first = existing_user(app, display_name="Deelnemer")
    second = existing_user(app, display_name="Deelnemer")
    taken = existing_user(app, display_name="Al Bezet")
    free = "vrij.adres@example.nl"
    first_client, second_client = logged_in_client(app, first), logged_in_client(app, second)
    taken_before = stored(app, taken)

    to_free = change_email(first_client, free)
    to_taken = change_email(second_client, taken)

    assert to_free.status_code == to_taken.status_code == 302
    assert to_free.headers["Location"] == to_taken.headers["Location"]
    free_page = main_of(first_client.get("/mijn-gegevens"))
    taken_page = main_of(second_client.get("/mijn-gegevens"))
    assert taken in taken_page  # the flash names the asked-for address
    assert taken_page.replace(taken, "NIEUW").replace(second, "OUD") == free_page.replace(
        free, "NIEUW"
    ).replace(first, "OUD")

    deliver_outbox(app)
    assert stored(app, second)["email"] == second
    assert stored(app, taken) == taken_before
    notice = mailbox.to(taken)
    assert len(notice) == 1
    assert "/bevestigen/" not in text_of(notice[0])
    assert len(mailbox.to(second)) == 1
    assert "/bevestigen/" not in text_of(mailbox.last_to(second))
    assert link_in(mailbox.last_to(free), "/bevestigen/")


def test_an_address_taken_before_the_link_is_used_is_not_moved_to(
    app: Flask, mailbox: Mailbox
) -> None:
    old, new = existing_user(app), "nieuw.adres@example.nl"
    client = logged_in_client(app, old)
    change_email(client, new)
    link = verification_link(app, mailbox, new)
    register(app.test_client(), email=new)

    assert post_form(client, link, {}).status_code == 400
    assert stored(app, old)["email"] == old
    assert stored(app, new)["id"] != stored(app, old)["id"]


def test_changing_the_address_needs_the_current_password(app: Flask) -> None:
    old = existing_user(app)
    client = logged_in_client(app, old)
    response = change_email(client, "nieuw.adres@example.nl", password="niet het wachtwoord")
    assert response.status_code == 200
    page = html(response)
    assert_error_at(page, "current_password")
    assert 'value="nieuw.adres@example.nl"' in tag_of(page, "email")
    assert deliver_outbox(app) == 0


def test_changing_to_the_same_address_is_refused_at_the_field(app: Flask) -> None:
    old = existing_user(app)
    client = logged_in_client(app, old)
    response = change_email(client, old.upper())
    assert response.status_code == 200
    assert_error_at(html(response), "email")
    assert deliver_outbox(app) == 0


def test_an_older_change_link_stops_working_after_a_newer_one_is_used(
    app: Flask, mailbox: Mailbox
) -> None:
    old = existing_user(app)
    client = logged_in_client(app, old)
    change_email(client, "eerste@example.nl")
    change_email(client, "tweede@example.nl")
    deliver_outbox(app)
    first = link_in(mailbox.last_to("eerste@example.nl"), "/bevestigen/")
    second = link_in(mailbox.last_to("tweede@example.nl"), "/bevestigen/")

    assert post_form(client, second, {}).status_code == 302
    assert post_form(client, first, {}).status_code == 400
    assert stored(app, "tweede@example.nl") is not None
    assert stored(app, "eerste@example.nl") is None


# --- changing the home region ---------------------------------------------------------------


def test_changing_the_home_region(app: Flask) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    form = html(client.get("/mijn-gegevens/thuisregio"))
    assert re.search(r'<option (selected value="5515"|value="5515" selected)', form)

    response = post_form(client, "/mijn-gegevens/thuisregio", {"region": "5513"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-gegevens"
    user = stored(app, email)
    assert user["home_region"] == "5513"
    assert user["member_of"] == {"5513", "5515"}


@pytest.mark.parametrize("code", ["", "9999", "landelijk"])
def test_the_home_region_must_be_a_real_region(app: Flask, code: str) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    response = post_form(client, "/mijn-gegevens/thuisregio", {"region": code})
    assert response.status_code == 200
    assert_error_at(html(response), "region")
    assert stored(app, email)["home_region"] == "5515"


def test_changing_the_home_region_needs_a_csrf_token(app: Flask) -> None:
    email = existing_user(app)
    client = logged_in_client(app, email)
    response = client.post("/mijn-gegevens/thuisregio", data={"region": "5513"})
    assert response.status_code == 400
    assert stored(app, email)["home_region"] == "5515"


# --- flask users create-admin ---------------------------------------------------------------


def create_admin(runner: FlaskCliRunner, email: str, password: str) -> Any:
    return runner.invoke(args=["users", "create-admin", "--email", email, "--password", password])


def test_create_admin_makes_a_verified_admin(app: Flask, runner: FlaskCliRunner) -> None:
    result = create_admin(runner, "A@Example.nl", "een lange zin als wachtwoord")
    assert result.exit_code == 0, result.output
    admin = stored(app, "a@example.nl")
    assert admin is not None
    assert admin["is_admin"]
    assert admin["verified_at"] is not None
    assert admin["password_hash"].startswith("$argon2id$")
    assert "een lange zin als wachtwoord" not in admin["password_hash"]
    client = logged_in_client(app, "a@example.nl", "een lange zin als wachtwoord")
    assert client.get("/beheer/").status_code == 200


def test_create_admin_promotes_an_existing_account(app: Flask, runner: FlaskCliRunner) -> None:
    email = existing_user(app, verified=False)
    before = stored(app, email)
    assert not before["is_admin"]

    result = create_admin(runner, email.upper(), "een heel andere lange zin")

    assert result.exit_code == 0, result.output
    after = stored(app, email)
    assert after["is_admin"]
    assert after["verified_at"] is not None
    assert after["password_hash"] == before["password_hash"]
    assert user_count(app) == 1


WEAK_ADMIN_PASSWORDS = [
    ("a@example.nl", "kort12345"),
    ("a@example.nl", "wachtwoord123"),
    ("beheerder.x@example.nl", "beheerder.x is de baas hier"),
]


@pytest.mark.parametrize(("email", "password"), WEAK_ADMIN_PASSWORDS)
def test_create_admin_refuses_a_weak_password(
    app: Flask, runner: FlaskCliRunner, email: str, password: str
) -> None:
    result = create_admin(runner, email, password)
    assert result.exit_code != 0
    assert user_count(app) == 0


@pytest.mark.parametrize(("email", "password"), WEAK_ADMIN_PASSWORDS)
def test_create_admin_says_why_a_password_is_refused(
    runner: FlaskCliRunner, email: str, password: str
) -> None:
    result = create_admin(runner, email, password)
    assert not isinstance(result.exception, RuntimeError), result.exception
    assert result.exit_code == 2
    assert "--password" in result.output
