"""Account workflows. Every function adds and flushes; the caller commits."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, String, bindparam, cast, func, select

from leerplatform.accounts.models import ConsentRecord, User, new_session_token
from leerplatform.accounts.passwords import hash_password, needs_rehash, verify_password
from leerplatform.accounts.tokens import (
    RESET_SALT,
    VERIFY_SALT,
    TokenError,
    fingerprint,
    load_token,
    make_reset_token,
    make_verify_token,
)
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following.models import Notification
from leerplatform.moderation.models import Suspension
from leerplatform.outbox.services import absolute_url, queue_mail
from leerplatform.pages.statements import PRIVACY_STATEMENT_VERSION
from leerplatform.regions.models import Region, RegionHost, RegionMembership
from leerplatform.regions.services import join_region

# Verifying a password costs the same whether or not the account exists.
_DUMMY_HASH = hash_password("not a real password, only used to spend the same time")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def email_taken(email: str) -> bool:
    query = select(func.count()).select_from(User).where(User.email == normalize_email(email))
    return bool(db.session.scalar(query))


def create_user(
    *,
    email: str,
    password: str,
    display_name: str,
    participant_kind: str,
    home_region: Region | None,
    verified: bool = False,
    is_admin: bool = False,
) -> User:
    """Add an account, a member of its home region. Caller commits."""
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        participant_kind=participant_kind,
        password_hash=hash_password(password),
        home_region=home_region,
        email_verified_at=utcnow() if verified else None,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    if home_region is not None:
        join_region(user=user, region=home_region)
    return user


def record_consent(*, user: User) -> ConsentRecord:
    """Record consent to process health data, for the current statement. Caller commits."""
    consent = ConsentRecord(
        user_id=user.id, purpose="health_data", statement_version=PRIVACY_STATEMENT_VERSION
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def register_user(
    *, email: str, password: str, display_name: str, participant_kind: str, home_region: Region
) -> User | None:
    """Register and mail a verification link; None if the address already has an account.

    Either way a mail goes to the address, so the page the visitor sees next never tells
    whether an address is known. Caller commits.
    """
    existing = user_by_email(email)
    if existing is not None:
        hash_password(password)  # spend the time a new account costs
        queue_mail(
            to=existing.email,
            subject=_("Someone tried to register with your e-mail address"),
            template="already_registered",
            user=existing,
            login_url=absolute_url("accounts.login"),
            reset_url=absolute_url("accounts.forgot_password"),
        )
        return None
    user = create_user(
        email=email,
        password=password,
        display_name=display_name,
        participant_kind=participant_kind,
        home_region=home_region,
    )
    record_consent(user=user)
    send_verification(user=user, email=user.email)
    return user


def send_verification(*, user: User, email: str) -> None:
    """Mail a link that confirms ``email`` for ``user``. Caller commits."""
    token = make_verify_token(user, email)
    queue_mail(
        to=email,
        subject=_("Confirm your e-mail address"),
        template="verify_email",
        user=user,
        url=absolute_url("accounts.verify_email", token=token),
        hours=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 3600,
        is_change=email != user.email,
    )


def verify_email(*, token: str) -> User:
    """Confirm the address in a verification link; raise TokenError if it is no good.

    A link for a new address moves the account to it, if nobody took it meanwhile.
    A link works once: it names the address the account had when the link was made.
    Caller commits.
    """
    data = load_token(token, salt=VERIFY_SALT, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["uid"])
    if user is None or fingerprint(user.email) != data.get("was"):
        raise TokenError("invalid")
    new_email = normalize_email(str(data.get("email", "")))
    if new_email != user.email:
        if email_taken(new_email):
            raise TokenError("invalid")
        user.email = new_email
    elif user.is_verified:
        raise TokenError("used")
    user.email_verified_at = utcnow()
    db.session.flush()
    return user


def authenticate(*, email: str, password: str) -> User | None:
    """The account with this address and password, or None. Upgrades an old hash."""
    user = user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def request_password_reset(*, email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way. Caller commits."""
    user = user_by_email(email)
    if user is None:
        return
    queue_mail(
        to=user.email,
        subject=_("Choose a new password"),
        template="reset_password",
        user=user,
        url=absolute_url("accounts.reset_password", token=make_reset_token(user)),
        hours=max(current_app.config["RESET_TOKEN_MAX_AGE"] // 3600, 1),
    )


def user_for_reset_token(token: str) -> User:
    """The account a reset link belongs to; TokenError if forged, expired or used."""
    data = load_token(token, salt=RESET_SALT, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["uid"])
    if user is None or fingerprint(user.password_hash) != data.get("pw"):
        raise TokenError("invalid")
    return user


def set_password(*, user: User, password: str) -> None:
    """Store a new password and end every other session of this account. Caller commits."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    db.session.flush()


def reset_password(*, token: str, password: str) -> User:
    """Set a new password through a reset link. Opening the mailed link proves the address."""
    user = user_for_reset_token(token)
    set_password(user=user, password=password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def request_email_change(*, user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address; the old one counts until it is used.

    If the new address has an account, that address gets a notice instead, so the page never
    tells whether an address is known. The old address is told a change was asked. Caller commits.
    """
    new_email = normalize_email(new_email)
    if email_taken(new_email):
        queue_mail(
            to=new_email,
            subject=_("Someone tried to use your e-mail address"),
            template="email_in_use",
            reset_url=absolute_url("accounts.forgot_password"),
        )
    else:
        send_verification(user=user, email=new_email)
    queue_mail(
        to=user.email,
        subject=_("A new e-mail address was requested for your account"),
        template="email_change_requested",
        user=user,
    )


# The reader


def _ids_of(column: Any, owner: Any) -> Any:
    """The ids in ``column`` of the rows that belong to the user, as one string ("3,17")."""
    return (
        select(func.aggregate_strings(cast(column, String), ","))
        .where(owner == User.id)
        .correlate(User)
        .scalar_subquery()
    )


def _reader_statement() -> Select[Any]:
    suspended = (
        select(Suspension.id)
        .where(
            Suspension.user_id == User.id,
            Suspension.lifted_at.is_(None),
            Suspension.until > bindparam("now"),
        )
        .correlate(User)
        .exists()
    )
    unread = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    return select(
        User,
        _ids_of(RegionMembership.region_id, RegionMembership.user_id),
        _ids_of(RegionHost.region_id, RegionHost.user_id),
        suspended,
        unread,
    ).where(User.id == bindparam("user_id"))


_READER = _reader_statement()
"""Built once: putting a statement of this size together takes longer than running it."""


def _id_set(value: str | None) -> frozenset[int]:
    return frozenset(int(part) for part in value.split(",")) if value else frozenset()


def load_reader(user_id: str) -> User | None:
    """The signed-in person, on every page (``user_id`` is what ``User.get_id`` gave): one
    query for the person, the ids of their regions and host appointments, whether a suspension
    is active (what the permissions ask) and the number of unread notifications (the header),
    as columns of one row rather than objects joined in."""
    raw_id, _sep, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    row = db.session.execute(_READER, {"user_id": int(raw_id), "now": utcnow()}).one_or_none()
    if row is None or row[0].session_token != token:
        return None
    user: User = row[0]
    user.preload_reader(
        member_ids=_id_set(row[1]),
        hosted_ids=_id_set(row[2]),
        suspended=bool(row[3]),
        unread=int(row[4] or 0),
    )
    return user
