"""Two-step verification: set-up, logging in with a code or a recovery code, and hosts and
admins who must have it before they moderate."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from leerplatform import config as settings
from leerplatform.accounts import two_step
from leerplatform.accounts.models import RecoveryCode, User
from leerplatform.extensions import db
from leerplatform.permissions import needs_two_step
from tests.conftest import Auth, post_form
from tests.factories import PASSWORD, enable_two_step, make_user

SETUP = "/mijn-gegevens/tweestaps"
CODE_STEP = "/inloggen/code"


@pytest.fixture(autouse=True)
def two_step_required(app: Flask) -> None:
    """The shared app leaves the requirement off; here it is on, as in production."""
    app.config["TWO_STEP_REQUIRED_FOR_MODERATORS"] = True


def new_user(app: Flask, **overrides: Any) -> tuple[int, str]:
    with app.app_context():
        user = make_user(**overrides)
        return user.id, user.email


def user_with_two_step(app: Flask, **overrides: Any) -> tuple[str, str, list[str]]:
    """An account with two-step verification on: its e-mail address, secret and recovery codes."""
    with app.app_context():
        user = make_user(**overrides)
        secret = pyotp.random_base32()
        codes = two_step.enable_two_step(
            user=user, secret=secret, code=pyotp.TOTP(secret).at(time.time() - 30)
        )
        assert codes is not None
        db.session.commit()
        return user.email, secret, codes


def stored(app: Flask, user_id: int) -> tuple[User, int]:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        db.session.expunge(user)
        count = db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id)
        )
        return user, int(count or 0)


def logged_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def secret_on(page: str) -> str:
    match = re.search(r'<code class="lp-secret"[^>]*>([A-Z2-7 ]+)</code>', page)
    assert match, "no secret on the set-up page"
    return match.group(1).replace(" ", "")


def a_wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    near = {totp.at(time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def enter_code(client: FlaskClient, code: str, *, token_page: str = CODE_STEP) -> Any:
    return post_form(client, CODE_STEP, {"code": code}, token_page=token_page)


# --- set-up -------------------------------------------------------------------------------------


def test_my_details_link_to_the_set_up(app: Flask, auth: Auth, regions: None) -> None:
    _user_id, email = new_user(app)
    auth.login(email)
    page = auth.client.get("/mijn-gegevens").get_data(as_text=True)
    assert f'href="{SETUP}"' in page
    assert "Tweestapsverificatie" in page


def test_the_set_up_shows_a_key_to_type_and_a_qr_code_within_the_csp(
    app: Flask, auth: Auth, regions: None
) -> None:
    _user_id, email = new_user(app)
    auth.login(email)
    response = auth.client.get(SETUP)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Zet tweestapsverificatie aan" in page
    secret = secret_on(page)
    assert len(secret) == 32
    assert re.search(r'class="lp-secret"[^>]*>([A-Z2-7]{4} ){7}[A-Z2-7]{4}<', page)
    assert 'src="data:image/svg+xml;base64,' in page
    uri = html.unescape(re.search(r'href="(otpauth://[^"]+)"', page).group(1))
    assert pyotp.parse_uri(uri).secret == secret
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    assert "style=" not in page
    assert "<script>" not in page
    # The same secret until the set-up is done, so a reload does not break the app's entry.
    assert secret_on(auth.client.get(SETUP).get_data(as_text=True)) == secret


def test_a_wrong_code_is_refused_at_the_field_and_stores_nothing(
    app: Flask, auth: Auth, regions: None
) -> None:
    user_id, email = new_user(app)
    auth.login(email)
    secret = secret_on(auth.client.get(SETUP).get_data(as_text=True))

    response = post_form(auth.client, SETUP, {"code": a_wrong_code(secret)})
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Er is 1 fout in het formulier" in page
    assert 'href="#code">Code uit de app: Deze code klopt niet.' in page
    assert 'id="code-error"' in page
    assert 'aria-invalid="true"' in page
    user, codes = stored(app, user_id)
    assert user.totp_secret is None
    assert user.totp_enabled_at is None
    assert codes == 0


def test_a_code_that_is_not_six_digits_is_refused_at_the_field(
    app: Flask, auth: Auth, regions: None
) -> None:
    user_id, email = new_user(app)
    auth.login(email)
    response = post_form(auth.client, SETUP, {"code": "12ab"})
    assert "Een code heeft 6 cijfers." in response.get_data(as_text=True)
    assert stored(app, user_id)[0].totp_enabled_at is None


def test_the_right_code_turns_it_on_and_shows_ten_recovery_codes_once(
    app: Flask, auth: Auth, regions: None
) -> None:
    user_id, email = new_user(app)
    auth.login(email)
    secret = secret_on(auth.client.get(SETUP).get_data(as_text=True))
    code = pyotp.TOTP(secret).now()

    response = post_form(auth.client, SETUP, {"code": code[:3] + " " + code[3:]})
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Schrijf deze herstelcodes nu op" in page
    shown = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(shown) == 10
    assert len(set(shown)) == 10
    user, count = stored(app, user_id)
    assert user.totp_secret == secret
    assert user.totp_enabled_at is not None
    assert count == 10
    with app.app_context():
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(code.replace("-", "") in h for code in shown for h in hashes)
    # Afterwards the page shows the state and the way to turn it off, not the codes again.
    again = auth.client.get(SETUP).get_data(as_text=True)
    assert "Je hebt nog 10 herstelcodes over." in again
    assert shown[0] not in again
    assert secret not in again


def test_turning_it_off_needs_the_password(app: Flask, auth: Auth, regions: None) -> None:
    email, _secret, _codes = user_with_two_step(app)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    client = auth.client
    auth.login(email)
    enter_code(client, _codes[0])

    wrong = post_form(
        client, "/mijn-gegevens/tweestaps/uitzetten", {"current_password": "fout"}, token_page=SETUP
    )
    assert "Dit is niet je wachtwoord." in wrong.get_data(as_text=True)
    assert stored(app, user_id)[0].totp_enabled_at is not None

    right = post_form(
        client,
        "/mijn-gegevens/tweestaps/uitzetten",
        {"current_password": PASSWORD},
        token_page=SETUP,
    )
    assert right.headers["Location"] == "/mijn-gegevens"
    user, codes = stored(app, user_id)
    assert (user.totp_secret, user.totp_enabled_at, codes) == (None, None, 0)


def test_turning_it_off_is_a_post_with_a_csrf_token(app: Flask, auth: Auth, regions: None) -> None:
    email, _secret, codes = user_with_two_step(app)
    auth.login(email)
    enter_code(auth.client, codes[0])
    assert auth.client.get("/mijn-gegevens/tweestaps/uitzetten").status_code == 405
    response = auth.client.post(
        "/mijn-gegevens/tweestaps/uitzetten", data={"current_password": PASSWORD}
    )
    assert response.status_code == 400


# --- logging in -----------------------------------------------------------------------------------


def test_a_right_password_leads_to_the_code_step_without_logging_in(
    app: Flask, auth: Auth, regions: None
) -> None:
    email, _secret, _codes = user_with_two_step(app)
    response = auth.login(email)
    assert response.status_code == 302
    assert response.headers["Location"] == CODE_STEP
    assert not logged_in(auth.client)
    assert auth.client.get("/mijn-gegevens").headers["Location"].startswith("/inloggen")
    page = auth.client.get(CODE_STEP).get_data(as_text=True)
    assert "Vul je code in" in page
    assert 'autocomplete="one-time-code"' in page


def test_login_with_a_code_from_the_app(app: Flask, auth: Auth, regions: None) -> None:
    email, secret, _codes = user_with_two_step(app)
    client = auth.client
    post_form(client, "/inloggen?next=/mijn-gegevens", {"email": email, "password": PASSWORD})

    response = enter_code(client, pyotp.TOTP(secret).now())

    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-gegevens"
    assert logged_in(client)
    with client.session_transaction() as session:
        assert two_step.PENDING_KEY not in session


def test_a_code_of_the_step_before_counts_but_an_older_one_does_not(
    app: Flask, auth: Auth, regions: None
) -> None:
    email, secret, _codes = user_with_two_step(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_last_step = None
        db.session.commit()
    totp = pyotp.TOTP(secret)
    auth.login(email)
    assert enter_code(auth.client, totp.at(time.time() - 90)).status_code == 200
    assert not logged_in(auth.client)
    assert enter_code(auth.client, totp.at(time.time() - 30)).status_code == 302
    assert logged_in(auth.client)


def test_a_code_is_not_accepted_twice(app: Flask, auth: Auth, regions: None) -> None:
    email, secret, _codes = user_with_two_step(app)
    code = pyotp.TOTP(secret).now()
    auth.login(email)
    assert enter_code(auth.client, code).status_code == 302
    auth.logout()

    auth.login(email)
    response = enter_code(auth.client, code)
    assert response.status_code == 200
    assert "Deze code klopt niet." in response.get_data(as_text=True)
    assert not logged_in(auth.client)


def test_a_wrong_code_is_refused_and_does_not_log_in(app: Flask, auth: Auth, regions: None) -> None:
    email, secret, _codes = user_with_two_step(app)
    auth.login(email)
    response = enter_code(auth.client, a_wrong_code(secret))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Er is 1 fout in het formulier" in page
    assert "Deze code klopt niet." in page
    assert not logged_in(auth.client)


def test_login_with_a_recovery_code_works_once(app: Flask, auth: Auth, regions: None) -> None:
    email, _secret, codes = user_with_two_step(app)
    auth.login(email)
    assert enter_code(auth.client, codes[0]).headers["Location"] == "/"
    assert logged_in(auth.client)
    auth.logout()

    auth.login(email)
    assert enter_code(auth.client, codes[0]).status_code == 200
    assert not logged_in(auth.client)
    # Another one works, typed in capitals and without dashes.
    assert enter_code(auth.client, codes[1].replace("-", "").upper()).status_code == 302
    with app.app_context():
        used = db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
        )
    assert used == 2


def test_the_code_step_lasts_five_minutes(app: Flask, auth: Auth, regions: None) -> None:
    email, secret, _codes = user_with_two_step(app)
    auth.login(email)
    with auth.client.session_transaction() as session:
        marker = session[two_step.PENDING_KEY]
        session[two_step.PENDING_KEY] = {
            **marker,
            "at": marker["at"] - two_step.PENDING_MAX_AGE - 1,
        }

    response = enter_code(auth.client, pyotp.TOTP(secret).now(), token_page="/inloggen")

    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"
    assert not logged_in(auth.client)
    page = auth.client.get("/inloggen").get_data(as_text=True)
    assert "Log opnieuw in." in page


def test_the_code_step_without_a_password_sends_to_the_login(client: FlaskClient) -> None:
    response = client.get(CODE_STEP)
    assert response.headers["Location"] == "/inloggen"


def test_a_password_change_ends_a_pending_login(app: Flask, auth: Auth, regions: None) -> None:
    email, secret, _codes = user_with_two_step(app)
    auth.login(email)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.session_token = "changed"
        db.session.commit()
    response = enter_code(auth.client, pyotp.TOTP(secret).now(), token_page="/inloggen")
    assert response.headers["Location"] == "/inloggen"
    assert not logged_in(auth.client)


def test_the_conftest_login_helper_is_unchanged_for_accounts_without_two_step(
    app: Flask, auth: Auth, regions: None
) -> None:
    _user_id, email = new_user(app)
    assert auth.login(email).headers["Location"] == "/"
    assert logged_in(auth.client)


# --- hosts and admins -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"host_of": "5515"}, "/regio/5515/moderatie"),
        ({"host_of": "5515"}, "/moderatie"),
        ({"host_of": "5515"}, "/regio/5515/logboek"),
        ({"is_admin": True}, "/beheer/"),
        ({"is_admin": True}, "/beheer/logboek"),
        ({"is_admin": True}, "/regio/5515/moderatie"),
    ],
)
def test_a_moderator_without_two_step_is_sent_to_set_it_up(
    app: Flask, auth: Auth, regions: None, overrides: dict[str, Any], path: str
) -> None:
    _user_id, email = new_user(app, **overrides)
    auth.login(email)

    response = auth.client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(SETUP + "?next=")
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je modereert" in page
    assert "zet eerst tweestapsverificatie aan" in page
    assert "Zet tweestapsverificatie aan" in page


def test_with_two_step_a_host_and_an_admin_get_in(app: Flask, auth: Auth, regions: None) -> None:
    for overrides, path in (
        ({"host_of": "5515"}, "/regio/5515/moderatie"),
        ({"is_admin": True}, "/beheer/"),
    ):
        email, secret, _codes = user_with_two_step(app, **overrides)
        auth.login(email)
        enter_code(auth.client, pyotp.TOTP(secret).now())
        assert auth.client.get(path).status_code == 200
        auth.logout()


def test_after_set_up_the_host_continues_where_they_were_going(
    app: Flask, auth: Auth, regions: None
) -> None:
    _user_id, email = new_user(app, host_of="5515")
    auth.login(email)
    setup_url = auth.client.get("/regio/5515/moderatie").headers["Location"]
    secret = secret_on(auth.client.get(setup_url).get_data(as_text=True))
    page = post_form(auth.client, setup_url, {"code": pyotp.TOTP(secret).now()}).get_data(
        as_text=True
    )
    assert 'href="/regio/5515/moderatie"' in page
    assert auth.client.get("/regio/5515/moderatie").status_code == 200


def test_a_host_without_two_step_may_still_take_part(app: Flask, auth: Auth, regions: None) -> None:
    _user_id, email = new_user(app, host_of="5515")
    auth.login(email)
    assert auth.client.get("/regio/5515").status_code == 200
    assert auth.client.get("/mijn-gegevens").status_code == 200


def test_participants_are_not_asked_for_two_step(app: Flask, auth: Auth, regions: None) -> None:
    _user_id, email = new_user(app)
    auth.login(email)
    assert auth.client.get("/regio/5515/moderatie").status_code == 403


def test_the_requirement_can_be_switched_off(app: Flask, auth: Auth, regions: None) -> None:
    app.config["TWO_STEP_REQUIRED_FOR_MODERATORS"] = False
    _user_id, email = new_user(app, host_of="5515")
    auth.login(email)
    assert auth.client.get("/regio/5515/moderatie").status_code == 200


def test_enable_two_step_helper_lets_a_test_log_in_with_a_code(
    app: Flask, auth: Auth, regions: None
) -> None:
    with app.app_context():
        user = make_user(is_admin=True)
        secret, email = enable_two_step(user), user.email
    auth.login(email)
    assert enter_code(auth.client, pyotp.TOTP(secret).now()).status_code == 302
    assert auth.client.get("/beheer/").status_code == 200


@pytest.mark.parametrize(
    ("is_admin", "hosts", "enabled", "expected"),
    [
        (False, False, False, False),
        (False, True, False, True),
        (True, False, False, True),
        (False, True, True, False),
        (True, False, True, False),
    ],
)
def test_needs_two_step_is_for_hosts_and_admins_without_it(
    is_admin: bool, hosts: bool, enabled: bool, expected: bool
) -> None:
    person = SimpleNamespace(
        is_authenticated=True,
        is_admin=is_admin,
        hosted_region_ids=frozenset({1}) if hosts else frozenset(),
        totp_enabled_at=object() if enabled else None,
    )
    assert needs_two_step(person) is expected
    assert needs_two_step(SimpleNamespace(is_authenticated=False)) is False


@pytest.mark.parametrize(
    ("environ", "required"),
    [
        ({}, False),
        ({"LEERPLATFORM_ENV": "production"}, True),
        ({"LEERPLATFORM_ENV": "staging"}, True),
        ({"TWO_STEP_REQUIRED_FOR_MODERATORS": "1"}, True),
        ({"LEERPLATFORM_ENV": "production", "TWO_STEP_REQUIRED_FOR_MODERATORS": "0"}, False),
    ],
)
def test_only_a_development_machine_leaves_the_requirement_off_by_default(
    tmp_path: Path, environ: dict[str, str], required: bool
) -> None:
    config = settings.from_environment(environ, str(tmp_path))
    assert config["TWO_STEP_REQUIRED_FOR_MODERATORS"] is required


def test_production_refuses_to_switch_two_step_off(tmp_path: Path) -> None:
    environ = {
        "LEERPLATFORM_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": "postgresql://leerplatform@db/leerplatform",
        "TWO_STEP_REQUIRED_FOR_MODERATORS": "0",
    }
    with pytest.raises(settings.ConfigError, match="two-step"):
        settings.check(settings.from_environment(environ, str(tmp_path)))
    environ.pop("TWO_STEP_REQUIRED_FOR_MODERATORS")
    settings.check(settings.from_environment(environ, str(tmp_path)))


def test_a_password_reset_link_still_asks_for_the_code(
    app: Flask, client: FlaskClient, regions: None
) -> None:
    """A link in a mailbox is one factor: with two-step on, the reset ends at the code step."""
    from leerplatform.accounts.tokens import make_reset_token

    email, secret, _codes = user_with_two_step(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        path = f"/wachtwoord-herstellen/{make_reset_token(user)}"
    new_password = "een heel ander lang wachtwoord"
    response = post_form(client, path, {"password": new_password, "password_again": new_password})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(CODE_STEP)
    assert not logged_in(client)
    enter_code(client, pyotp.TOTP(secret).now())
    assert logged_in(client)


def test_a_host_without_two_step_cannot_use_host_powers_outside_moderation_either(
    app: Flask, client: FlaskClient, auth: Auth, regions: None
) -> None:
    """Editing others' words, reading their earlier versions and region settings ask for it."""
    from leerplatform.forum import services as forum
    from leerplatform.regions.services import region_by_code

    with app.app_context():
        host = make_user(email="gastheer2@example.nl", host_of="5515")
        author = make_user(email="schrijver2@example.nl")
        thread = forum.start_thread(
            region=region_by_code("5515"),
            author=author,
            title="Een onderwerp",
            kind="ervaring",
            themes=["logeren"],
            body="Tekst.",
        )
        post = forum.reply_to(thread=thread, author=author, body="Een reactie.")
        db.session.commit()
        post_id, thread_id = post.id, thread.id
        assert host.id
    auth.login("gastheer2@example.nl")
    for path in (f"/bericht/{post_id}/bewerken", f"/bericht/{post_id}/geschiedenis"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/mijn-gegevens/tweestaps" in response.headers["Location"]
    # Reading and writing as a participant stays open.
    assert client.get(f"/onderwerp/{thread_id}").status_code == 200
