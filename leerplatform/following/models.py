"""Following threads, action items and regions; the notifications that follow from it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime, enum_values
from leerplatform.extensions import db

if TYPE_CHECKING:
    from leerplatform.accounts.models import User
    from leerplatform.actions.models import ActionItem, ActionItemUpdate
    from leerplatform.forum.models import Post, Thread
    from leerplatform.regions.models import Region


class FollowLevel(StrEnum):
    ALLES = "alles"
    """Every change: in the app and by e-mail (per event or in the daily digest)."""
    APP = "app"
    """Only in the app."""
    GEDEMPT = "gedempt"
    """Muted: nothing, not even when it would follow automatically."""

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])

    @property
    def hint(self) -> str:
        return str(LEVEL_HINTS[self])


LEVEL_LABELS = {
    FollowLevel.ALLES: _l("Follow everything"),
    FollowLevel.APP: _l("Only in the app"),
    FollowLevel.GEDEMPT: _l("Muted"),
}
LEVEL_HINTS = {
    FollowLevel.ALLES: _l(
        "A notification here and an e-mail (per event or in your daily summary)."
    ),
    FollowLevel.APP: _l("A notification here, no e-mail."),
    FollowLevel.GEDEMPT: _l("Nothing at all, also not when you reply."),
}


class EmailFrequency(StrEnum):
    DIRECT = "direct"
    DAGELIJKS = "dagelijks"
    NOOIT = "nooit"

    @property
    def label(self) -> str:
        return str(FREQUENCY_LABELS[self])


FREQUENCY_LABELS = {
    EmailFrequency.DIRECT: _l("An e-mail for each event"),
    EmailFrequency.DAGELIJKS: _l("One e-mail a day with everything new"),
    EmailFrequency.NOOIT: _l("No e-mail: I look in the app"),
}


class NotificationKind(StrEnum):
    REACTIE = "reactie"
    NIEUW_ONDERWERP = "nieuw_onderwerp"
    VOORTGANG = "voortgang"
    STATUS = "status"
    OPGELOST = "opgelost"
    NIEUW_ACTIEPUNT = "nieuw_actiepunt"


class Follow(db.Model):
    """One person following one thing: a thread, an action item or a region."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint(f"level IN ({enum_values(FollowLevel)})", name="level"),
        CheckConstraint(
            "(CASE WHEN thread_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN action_item_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN region_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        UniqueConstraint("user_id", "thread_id", name="uq_follows_thread"),
        UniqueConstraint("user_id", "action_item_id", name="uq_follows_action_item"),
        UniqueConstraint("user_id", "region_id", name="uq_follows_region"),
        Index("ix_follows_thread", "thread_id", "level"),
        Index("ix_follows_action_item", "action_item_id", "level"),
        Index("ix_follows_region", "region_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE")
    )
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(10), default=FollowLevel.ALLES.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def level_enum(self) -> FollowLevel:
        return FollowLevel(self.level)


class Notification(db.Model):
    """Something new for one person. E-mail about it is sent per event or in the digest."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(NotificationKind)})", name="kind"),
        Index("ix_notifications_unread", "user_id", "read_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_mail", "mail_state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE")
    )
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item_updates.id", ondelete="CASCADE")
    )
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    mail_state: Mapped[str] = mapped_column(String(10), default="geen")
    """'direct' (an e-mail must go out for it), 'digest' (it goes in the daily summary),
    'verstuurd' (it went out), or 'geen' (no e-mail for it)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    thread: Mapped[Thread | None] = relationship()
    post: Mapped[Post | None] = relationship()
    action_item: Mapped[ActionItem | None] = relationship()
    update: Mapped[ActionItemUpdate | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def kind_enum(self) -> NotificationKind:
        return NotificationKind(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
