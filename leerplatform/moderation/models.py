"""Reports, suspensions and the audit log of what hosts do."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime, enum_values
from leerplatform.extensions import db

if TYPE_CHECKING:
    from leerplatform.accounts.models import User
    from leerplatform.forum.models import Post, Thread
    from leerplatform.regions.models import Region


class ReportReason(StrEnum):
    PRIVACY = "privacy"
    ONVRIENDELIJK = "onvriendelijk"
    RECLAME = "reclame"
    ONJUIST = "onjuist"
    ANDERS = "anders"

    @property
    def label(self) -> str:
        return str(REPORT_REASON_LABELS[self])


REPORT_REASON_LABELS = {
    ReportReason.PRIVACY: _l("It shows who someone is (a child's name, date of birth, a photo)"),
    ReportReason.ONVRIENDELIJK: _l("It is unkind or hurtful"),
    ReportReason.RECLAME: _l("It is advertising"),
    ReportReason.ONJUIST: _l("It is wrong or misleading"),
    ReportReason.ANDERS: _l("Something else"),
}


class Decision(StrEnum):
    VERBORGEN = "verborgen"
    AFGEWEZEN = "afgewezen"
    GEWAARSCHUWD = "gewaarschuwd"
    GESCHORST = "geschorst"

    @property
    def label(self) -> str:
        return str(DECISION_LABELS[self])


DECISION_LABELS = {
    Decision.VERBORGEN: _l("Hidden"),
    Decision.AFGEWEZEN: _l("Dismissed"),
    Decision.GEWAARSCHUWD: _l("Author warned"),
    Decision.GESCHORST: _l("Author suspended"),
}


class AuditAction(StrEnum):
    VERBERGEN = "verbergen"
    ZICHTBAAR = "zichtbaar"
    AFWIJZEN = "afwijzen"
    WAARSCHUWEN = "waarschuwen"
    SCHORSEN = "schorsen"
    SCHORSING_OPHEFFEN = "schorsing_opheffen"
    VASTZETTEN = "vastzetten"
    LOSMAKEN = "losmaken"
    SLUITEN = "sluiten"
    OPENEN = "openen"
    VERPLAATSEN = "verplaatsen"
    LABELS = "labels"
    BEWERKEN = "bewerken"

    @property
    def label(self) -> str:
        return str(AUDIT_LABELS[self])


AUDIT_LABELS = {
    AuditAction.VERBERGEN: _l("Hid a message"),
    AuditAction.ZICHTBAAR: _l("Made a message visible again"),
    AuditAction.AFWIJZEN: _l("Dismissed a report"),
    AuditAction.WAARSCHUWEN: _l("Warned a participant"),
    AuditAction.SCHORSEN: _l("Suspended a participant"),
    AuditAction.SCHORSING_OPHEFFEN: _l("Lifted a suspension"),
    AuditAction.VASTZETTEN: _l("Pinned a conversation"),
    AuditAction.LOSMAKEN: _l("Unpinned a conversation"),
    AuditAction.SLUITEN: _l("Closed a conversation"),
    AuditAction.OPENEN: _l("Opened a conversation again"),
    AuditAction.VERPLAATSEN: _l("Moved a conversation"),
    AuditAction.LABELS: _l("Changed kind or themes"),
    AuditAction.BEWERKEN: _l("Edited a message"),
}


class Report(db.Model):
    """A participant tells the hosts that a post breaks the house rules."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(f"reason IN ({enum_values(ReportReason)})", name="reason"),
        CheckConstraint(f"decision IN ({enum_values(Decision)})", name="decision"),
        UniqueConstraint("post_id", "reporter_id", name="uq_reports_once"),
        Index("ix_reports_queue", "region_id", "decided_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str | None] = mapped_column(String(20))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    region: Mapped[Region] = relationship()

    @property
    def reason_enum(self) -> ReportReason:
        return ReportReason(self.reason)


class Suspension(db.Model):
    """A participant may read a region but not write in it, until a moment."""

    __tablename__ = "suspensions"
    __table_args__ = (Index("ix_suspensions_user", "user_id", "region_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def is_active(self, now: datetime) -> bool:
        return self.lifted_at is None and self.until > now


class AuditEntry(db.Model):
    """One moderation action: who, what, when, why, and what it was before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        CheckConstraint(f"action IN ({enum_values(AuditAction)})", name="action"),
        Index("ix_audit_entries_region", "region_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """The participant the action was about (warned, suspended, whose post it was)."""
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
    thread: Mapped[Thread | None] = relationship()
    region: Mapped[Region] = relationship()

    @property
    def action_enum(self) -> AuditAction:
        return AuditAction(self.action)
