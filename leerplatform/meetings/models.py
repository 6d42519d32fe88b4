"""Regiotafels: a region's meeting, who comes, its agenda and its minutes.

Decisions are not a table of their own: each one is an entry in an action item's timeline
(``ActionItemUpdate.meeting_id``), so the item shows where it was decided.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.actions.models import ActionItem
from leerplatform.clock import LOCAL, utcnow
from leerplatform.columns import UTCDateTime, enum_values
from leerplatform.extensions import db
from leerplatform.forum.models import Thread
from leerplatform.regions.models import Region
from leerplatform.text import stored_html

if TYPE_CHECKING:
    from leerplatform.accounts.models import User


class Answer(StrEnum):
    """Whether someone comes to a meeting."""

    JA = "ja"
    MISSCHIEN = "misschien"
    NEE = "nee"

    @property
    def label(self) -> str:
        return str(ANSWER_LABELS[self])


ANSWER_LABELS = {
    Answer.JA: _l("Yes, I am coming"),
    Answer.MISSCHIEN: _l("Maybe"),
    Answer.NEE: _l("No, I cannot come"),
}


class AgendaKind(StrEnum):
    ONDERWERP = "onderwerp"
    """A conversation: a bottleneck, a good practice, an experience or a question."""
    ACTIEPUNT = "actiepunt"
    EIGEN = "eigen"
    """A topic in someone's own words, not (yet) on the platform."""


class AgendaStatus(StrEnum):
    VOORGESTELD = "voorgesteld"
    AANGENOMEN = "aangenomen"
    AFGEWEZEN = "afgewezen"

    @property
    def label(self) -> str:
        return str(AGENDA_STATUS_LABELS[self])


AGENDA_STATUS_LABELS = {
    AgendaStatus.VOORGESTELD: _l("Proposed, waiting for the host"),
    AgendaStatus.AANGENOMEN: _l("On the agenda"),
    AgendaStatus.AFGEWEZEN: _l("Not on the agenda"),
}


class Meeting(db.Model):
    """One meeting of a region's table: when, where, for whom, and afterwards its minutes."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_meetings_region_starts", "region_id", "starts_at"),
        Index("ix_meetings_reminder", "reminder_sent_at", "starts_at"),
        UniqueConstraint("created_by_id", "submission_key", name="uq_meetings_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    invited: Mapped[str] = mapped_column(String(300), default="")
    """Who is invited, in the host's words (parents, providers, the care office …)."""
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    minutes_source: Mapped[str] = mapped_column(Text, default="")
    minutes_html: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when the reminder is queued, in the same transaction: it goes out once."""
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    """Raised on every change of time or place, so calendars take the new version (RFC 5545)."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submission_key: Mapped[str | None] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    minutes_by: Mapped[User | None] = relationship(foreign_keys=[minutes_by_id])

    @property
    def description(self) -> Markup:
        return stored_html(self.description_html)

    @property
    def minutes(self) -> Markup:
        return stored_html(self.minutes_html)

    @property
    def has_minutes(self) -> bool:
        return self.minutes_published_at is not None

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(LOCAL)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(LOCAL)

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at <= now

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.starts_at:%Y-%m-%d} {self.title!r}>"


class MeetingResponse(db.Model):
    """Someone's answer to "do you come?"; they may change it until the meeting ends."""

    __tablename__ = "meeting_responses"
    __table_args__ = (
        CheckConstraint(f"answer IN ({enum_values(Answer)})", name="answer"),
        Index("ix_meeting_responses_user", "user_id"),
    )

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship()

    @property
    def answer_enum(self) -> Answer:
        return Answer(self.answer)


class AgendaItem(db.Model):
    """A point on a meeting's agenda: picked by the host, or proposed by a participant."""

    __tablename__ = "meeting_agenda_items"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(AgendaKind)})", name="kind"),
        CheckConstraint(f"status IN ({enum_values(AgendaStatus)})", name="status"),
        CheckConstraint(
            "(kind = 'onderwerp' AND thread_id IS NOT NULL AND action_item_id IS NULL)"
            " OR (kind = 'actiepunt' AND action_item_id IS NOT NULL AND thread_id IS NULL)"
            " OR (kind = 'eigen' AND thread_id IS NULL AND action_item_id IS NULL)",
            name="one_subject",
        ),
        UniqueConstraint("meeting_id", "thread_id", name="uq_meeting_agenda_items_thread"),
        UniqueConstraint("meeting_id", "action_item_id", name="uq_meeting_agenda_items_action"),
        Index("ix_meeting_agenda_items_meeting", "meeting_id", "status", "position"),
        Index("ix_meeting_agenda_items_thread", "thread_id"),
        Index("ix_meeting_agenda_items_action_item", "action_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(150), default="")
    """The topic in someone's own words; for a conversation or item, its own title is shown."""
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=AgendaStatus.VOORGESTELD.value)
    position: Mapped[int] = mapped_column(Integer, default=0)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    thread: Mapped[Thread | None] = relationship()
    action_item: Mapped[ActionItem | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])

    @property
    def kind_enum(self) -> AgendaKind:
        return AgendaKind(self.kind)

    @property
    def status_enum(self) -> AgendaStatus:
        return AgendaStatus(self.status)

    @property
    def subject_title(self) -> str:
        if self.thread is not None:
            return self.thread.title
        if self.action_item is not None:
            return self.action_item.title
        return self.title
