"""People: accounts and the consent they gave."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime
from leerplatform.extensions import db
from leerplatform.regions.models import Region, RegionHost, RegionMembership

if TYPE_CHECKING:
    from leerplatform.moderation.models import Suspension


class ParticipantKind(StrEnum):
    OUDER = "ouder"
    ZORGPROFESSIONAL = "zorgprofessional"
    ZORGAANBIEDER = "zorgaanbieder"
    ZORGKANTOOR = "zorgkantoor"
    METGEZEL = "metgezel"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return str(PARTICIPANT_KIND_LABELS[self])


PARTICIPANT_KIND_LABELS = {
    ParticipantKind.OUDER: _l("Parent or relative"),
    ParticipantKind.ZORGPROFESSIONAL: _l("Care professional"),
    ParticipantKind.ZORGAANBIEDER: _l("Care provider"),
    ParticipantKind.ZORGKANTOOR: _l("Care office"),
    ParticipantKind.METGEZEL: _l("Metgezel (formerly Copiloot)"),
    ParticipantKind.OVERIG: _l("Other"),
}

_KIND_VALUES = ", ".join(f"'{kind.value}'" for kind in ParticipantKind)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A registered person. Behaviour lives in ``accounts.services``."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"participant_kind IN ({_KIND_VALUES})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    participant_kind: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Rotated when the password changes, so every other session and remember-cookie ends.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    home_region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_frequency: Mapped[str] = mapped_column(
        String(10), default="dagelijks", server_default="dagelijks"
    )
    """E-mail about what one follows: 'direct' (per event), 'dagelijks' (a digest) or 'nooit'."""
    feed_key: Mapped[str | None] = mapped_column(String(64))
    """Part of the personal feed addresses; a new key revokes the old addresses."""
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    """The base32 secret of two-step verification, set once the person confirmed a code."""
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-second time step of the last accepted code: no code is accepted twice."""

    home_region: Mapped[Region | None] = relationship()
    memberships: Mapped[list[RegionMembership]] = relationship(
        cascade="all, delete-orphan", order_by=RegionMembership.joined_at
    )
    host_links: Mapped[list[RegionHost]] = relationship(
        back_populates="user", foreign_keys=[RegionHost.user_id], cascade="all, delete-orphan"
    )
    suspensions: Mapped[list[Suspension]] = relationship(
        foreign_keys="Suspension.user_id", viewonly=True
    )
    """Every suspension, lifted and ended ones too; read only for someone who has an active one
    (``may_be_suspended``)."""

    # What ``accounts.services.load_reader`` reads with the current user, so that the
    # permissions need no query: the ids of the regions they are a member or a host of, and
    # whether any suspension is active. Loaded collections (after joining a region, say) take
    # precedence.
    # (Plain attributes, not annotated: the ORM maps every annotated one.)
    _member_ids = None
    _hosted_ids = None
    may_be_suspended = True
    unread_on_load = 0

    def preload_reader(
        self,
        *,
        member_ids: frozenset[int],
        hosted_ids: frozenset[int],
        suspended: bool,
        unread: int,
    ) -> None:
        """What ``accounts.services.load_reader`` read with the person."""
        self._member_ids = member_ids
        self._hosted_ids = hosted_ids
        self.may_be_suspended = suspended
        self.unread_on_load = unread

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_two_step(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def kind(self) -> ParticipantKind:
        return ParticipantKind(self.participant_kind)

    @property
    def member_region_ids(self) -> frozenset[int]:
        if self._member_ids is not None and "memberships" not in self.__dict__:
            return self._member_ids
        return frozenset(m.region_id for m in self.memberships)

    @property
    def hosted_region_ids(self) -> frozenset[int]:
        if self._hosted_ids is not None and "host_links" not in self.__dict__:
            return self._hosted_ids
        return frozenset(link.region_id for link in self.host_links)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class ConsentRecord(db.Model):
    """Explicit consent, with the date and the version of the statement it was given for."""

    __tablename__ = "consent_records"
    __table_args__ = (CheckConstraint("purpose IN ('health_data')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    statement_version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code to log in without the authenticator app; only its Argon2 hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
