"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 200

# Passwords seen most in leaks, in Dutch and English; long enough ones are refused too.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "qwertyuiop",
        "password12",
        "password123",
        "passw0rd123",
        "wachtwoord",
        "wachtwoord1",
        "wachtwoord12",
        "wachtwoord123",
        "welkom1234",
        "welkom12345",
        "welkomwelkom",
        "iloveyou12",
        "abcdefghij",
        "abc1234567",
        "aaaaaaaaaa",
        "qwerty1234",
        "qwerty12345",
        "1q2w3e4r5t",
        "zaq12wsxcde",
        "letmein123",
        "leerplatform",
        "leerplatform1",
        "zorgkantoor",
        "voetbal123",
        "princess12",
        "sunshine12",
    }
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """A Dutch sentence saying why ``password`` is too weak, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("This password is too easy to guess. Choose a sentence or a few loose words.")
    local_part = email.split("@", 1)[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (
        display_name and len(display_name) >= 4 and display_name.lower() in lowered
    ):
        return _("Do not use your e-mail address or name in your password.")
    return None
