"""Two-step verification: a code from an authenticator app (TOTP), or a one-time recovery code.

Services here add and flush; the caller commits. The login keeps a short-lived "pending" marker
in the session between the password and the code; ``require_two_step_for_moderators`` is the
``before_request`` of the moderation and admin pages.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import time
from collections.abc import MutableMapping
from typing import Any

import pyotp
import segno
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from leerplatform.accounts.models import RecoveryCode, User
from leerplatform.accounts.passwords import hash_password, verify_password
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.permissions import needs_two_step

ISSUER = "Leerplatform ZEVMB"
RECOVERY_CODE_COUNT = 10
# Codes of the step before and after count too: a phone clock may be 30 seconds off.
VALID_WINDOW = 1
PENDING_KEY = "two_step_pending"
PENDING_MAX_AGE = 5 * 60
"""Seconds between a correct password and the code; after that the password is asked again."""

_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand
_SEPARATORS = re.compile(r"[\s-]+")


# Secrets, codes and the QR code


def setup_secret(user: User, nonce: str) -> str:
    """The secret offered during set-up, derived from a nonce in the session.

    The session cookie carries only the nonce: the secret itself never leaves the server
    except on the set-up page. A new nonce (after set-up, or turning it off) gives a new secret.
    """
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"two-step:{user.id}:{nonce}".encode(), "sha256").digest()
    return base64.b32encode(digest[:20]).decode()


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def grouped(secret: str) -> str:
    """The secret in groups of four, to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth address as a QR code: an SVG data URI, allowed by the page's CSP."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def normalize_code(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def matching_step(secret: str, code: str, *, after: int | None = None) -> int | None:
    """The time step within the window whose code is ``code`` and later than ``after``."""
    code = normalize_code(code)
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(utcnow().timestamp()) // totp.interval
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like ``k7qm-x2pa-c9tr``: 60 bits each, shown once."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


# Services


def enable_two_step(*, user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-step verification on if ``code`` fits ``secret``; return the recovery codes.

    None (and nothing stored) when the code is wrong. Only hashes of the codes are kept, so
    the caller shows them now or never. Caller commits.
    """
    step = matching_step(secret, code)
    if step is None:
        return None
    codes = new_recovery_codes()
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_password(normalize_code(code)))
        for code in codes
    )
    db.session.flush()
    return codes


def disable_two_step(*, user: User) -> None:
    """Turn two-step verification off and drop the recovery codes. Caller commits."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def check_login_code(*, user: User, code: str) -> bool:
    """True if ``code`` is a fresh app code or an unused recovery code of ``user``.

    An app code is remembered by its time step and a recovery code is marked used, so
    neither works a second time. Caller commits.
    """
    if not user.has_two_step:
        return False
    code = normalize_code(code)
    if is_totp_code(code):
        step = matching_step(str(user.totp_secret), code, after=user.totp_last_step)
        if step is None:
            return False
        user.totp_last_step = step
        db.session.flush()
        return True
    if not code or len(code) > 32:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for recovery in unused:
        if verify_password(recovery.code_hash, code):
            recovery.used_at = utcnow()
            db.session.flush()
            return True
    return False


def unused_recovery_code_count(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


# The pending login


def mark_pending(
    session: MutableMapping[str, Any], user: User, *, remember: bool, target: str | None
) -> None:
    """Remember, for a few minutes, that this session gave ``user``'s password."""
    session[PENDING_KEY] = {
        "uid": user.id,
        "token": user.session_token,
        "at": int(time.time()),
        "remember": remember,
        "next": target,
    }


def pending_marker(session: MutableMapping[str, Any]) -> dict[str, Any] | None:
    """The pending login of this session, or None when there is none or it is too old."""
    marker = session.get(PENDING_KEY)
    if not isinstance(marker, dict):
        return None
    if time.time() - float(marker.get("at", 0)) > PENDING_MAX_AGE:
        return None
    return marker


def pending_user(session: MutableMapping[str, Any]) -> User | None:
    """The account of the pending login, if its password did not change meanwhile."""
    marker = pending_marker(session)
    if marker is None:
        return None
    user = db.session.get(User, int(marker["uid"]))
    if user is None or user.session_token != marker.get("token") or not user.has_two_step:
        return None
    return user


# The gate


def require_two_step_for_moderators() -> Response | None:
    """``before_request``: send a host or admin without two-step verification to set it up."""
    if not current_app.config.get("TWO_STEP_REQUIRED_FOR_MODERATORS", True):
        return None
    if not needs_two_step(current_user):
        return None
    flash(
        _(
            "You moderate, so you see what others wrote about their children. To protect them, "
            "turn on two-step verification first. It takes two minutes."
        ),
        "warning",
    )
    return redirect(url_for("accounts.two_step_setup", next=request.full_path.rstrip("?")))


HOST_POWER_ENDPOINTS = frozenset(
    {
        "forum.edit_post",
        "forum.post_history",
        "regions.settings",
        "actions.new",
        "actions.edit",
        "actions.change_status",
        "actions.link",
        "actions.merge",
        "actions.escalate",
        "actions.decline",
        "meetings.new",
        "meetings.edit",
        "meetings.pick",
        "meetings.decide",
        "meetings.minutes",
        "meetings.decisions",
        "meetings.decide_new",
        "meetings.decide_update",
    }
)
"""Pages where hosts and admins use their powers outside the moderation and admin pages
(editing others' words, reading earlier versions, steering action items, running a regiotafel):
the same gate."""


def gate_host_powers() -> Response | None:
    """``before_request`` for the whole app: the gate, on the pages above only."""
    if request.endpoint not in HOST_POWER_ENDPOINTS:
        return None
    return require_two_step_for_moderators()
