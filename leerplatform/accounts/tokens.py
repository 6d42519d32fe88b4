"""Signed, expiring links for e-mail verification and password reset."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from leerplatform.accounts.models import User

VERIFY_SALT = "leerplatform.verify-email"
RESET_SALT = "leerplatform.reset-password"


class TokenError(Exception):
    """A link that is forged, expired or already used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(value: str) -> str:
    """A short digest that changes when ``value`` changes; it makes a link single-use."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_verify_token(user: User, new_email: str) -> str:
    """Proves that whoever opens the link reads ``new_email`` for this account as it is now."""
    return _serializer(VERIFY_SALT).dumps(
        {"uid": user.id, "email": new_email, "was": fingerprint(user.email)}
    )


def make_reset_token(user: User) -> str:
    """Bound to the current password hash, so it works once: a new password ends it."""
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": fingerprint(user.password_hash)})


def load_token(token: str, *, salt: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError("expired") from error
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenError("invalid")
    return data
