"""Action items: a bottleneck followed until it is resolved, with its timeline and its threads."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime, enum_values
from leerplatform.extensions import db
from leerplatform.forum.models import Theme, Thread
from leerplatform.regions.models import Region
from leerplatform.text import stored_html

if TYPE_CHECKING:
    from leerplatform.accounts.models import User
    from leerplatform.meetings.models import Meeting


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_BEHANDELING = "in_behandeling"
    OPGELOST = "opgelost"
    NIET_HAALBAAR = "niet_haalbaar"
    SAMENGEVOEGD = "samengevoegd"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def slug(self) -> str:
        return self.value.replace("_", "-")

    @property
    def is_active(self) -> bool:
        """Still being worked on: open or in progress."""
        return self in ACTIVE_STATUSES


STATUS_LABELS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.IN_BEHANDELING: _l("In progress"),
    ActionStatus.OPGELOST: _l("Resolved"),
    ActionStatus.NIET_HAALBAAR: _l("Not feasible"),
    ActionStatus.SAMENGEVOEGD: _l("Merged"),
}

ACTIVE_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_BEHANDELING})

TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset(
        {ActionStatus.IN_BEHANDELING, ActionStatus.OPGELOST, ActionStatus.NIET_HAALBAAR}
    ),
    ActionStatus.IN_BEHANDELING: frozenset(
        {ActionStatus.OPEN, ActionStatus.OPGELOST, ActionStatus.NIET_HAALBAAR}
    ),
    # A problem that comes back, or a "no" that is reconsidered, is worked on again.
    ActionStatus.OPGELOST: frozenset({ActionStatus.IN_BEHANDELING}),
    ActionStatus.NIET_HAALBAAR: frozenset({ActionStatus.OPEN}),
    ActionStatus.SAMENGEVOEGD: frozenset(),
}
"""Every status change that is allowed. Merging is its own step (it needs the other item), and
is possible from the active statuses only."""


def needs_reason(current: ActionStatus, new: ActionStatus) -> bool:
    """Saying no, merging and reopening must say why; resolving asks for a summary instead."""
    return new in (ActionStatus.NIET_HAALBAAR, ActionStatus.SAMENGEVOEGD) or not current.is_active


class LinkRole(StrEnum):
    KNELPUNT = "knelpunt"
    OPLOSSING = "oplossing"

    @property
    def label(self) -> str:
        return str(LINK_ROLE_LABELS[self])


LINK_ROLE_LABELS = {
    LinkRole.KNELPUNT: _l("Bottleneck to solve"),
    LinkRole.OPLOSSING: _l("Good practice that may help"),
}


class UpdateKind(StrEnum):
    AANGEMAAKT = "aangemaakt"
    VOORTGANG = "voortgang"
    STATUS = "status"
    GEWIJZIGD = "gewijzigd"
    GEKOPPELD = "gekoppeld"
    SAMENGEVOEGD = "samengevoegd"
    OPGESCHAALD = "opgeschaald"


class ItemState:
    """What an item's status says about it, for an ActionItem and for an item read as a row
    (``actions.services.ThreadBanner``) alike."""

    __slots__ = ()
    status: str

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def is_active(self) -> bool:
        return self.status_enum.is_active


class ActionItem(ItemState, db.Model):
    """What must change, who takes it on, by when, and how far it is."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(ActionStatus)})", name="status"),
        Index("ix_action_items_region_status", "region_id", "status", "last_activity_at"),
        Index("ix_action_items_origin_region", "origin_region_id"),
        Index("ix_action_items_status_target", "status", "target_date"),
        Index("ix_action_items_created", "created_at"),
        Index("ix_action_items_resolved", "resolved_at"),
        UniqueConstraint("created_by_id", "submission_key", name="uq_action_items_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    origin_region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="SET NULL")
    )
    """The region an escalated item came from; it stays on that region's board."""
    title: Mapped[str] = mapped_column(String(150))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    target_date: Mapped[date | None] = mapped_column(Date)
    resolution_source: Mapped[str] = mapped_column(Text, default="")
    resolution_html: Mapped[str] = mapped_column(Text, default="")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submission_key: Mapped[str | None] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(default=False)
    update_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_days: Mapped[int | None] = mapped_column(Integer)
    """Whole days from creation to resolution, kept so the monitor can take a median in SQL."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    region: Mapped[Region] = relationship(foreign_keys=[region_id])
    origin_region: Mapped[Region | None] = relationship(foreign_keys=[origin_region_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    merged_into: Mapped[ActionItem | None] = relationship(remote_side=[id])
    theme_links: Mapped[list[ActionItemTheme]] = relationship(
        cascade="all, delete-orphan", order_by="ActionItemTheme.theme"
    )

    @property
    def themes(self) -> list[Theme]:
        return [Theme(link.theme) for link in self.theme_links]

    @property
    def description(self) -> Markup:
        return stored_html(self.description_html)

    @property
    def resolution(self) -> Markup:
        return stored_html(self.resolution_html)

    def is_overdue(self, today: date) -> bool:
        return self.is_active and self.target_date is not None and self.target_date < today

    @property
    def next_statuses(self) -> list[ActionStatus]:
        return [s for s in ActionStatus if s in TRANSITIONS[self.status_enum]]

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.status} {self.title!r}>"


class ActionItemTheme(db.Model):
    __tablename__ = "action_item_themes"
    __table_args__ = (
        CheckConstraint(f"theme IN ({enum_values(Theme)})", name="theme"),
        Index("ix_action_item_themes_theme", "theme", "action_item_id"),
    )

    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(20), primary_key=True)


class ActionItemLink(db.Model):
    """A thread an item comes from (a bottleneck) or draws on (a good practice)."""

    __tablename__ = "action_item_links"
    __table_args__ = (
        CheckConstraint(f"role IN ({enum_values(LinkRole)})", name="role"),
        Index("ix_action_item_links_thread", "thread_id"),
    )

    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action_item: Mapped[ActionItem] = relationship()
    thread: Mapped[Thread] = relationship()

    @property
    def role_enum(self) -> LinkRole:
        return LinkRole(self.role)


class ActionItemUpdate(db.Model):
    """One entry in an item's timeline: progress in words, or a change of status or links."""

    __tablename__ = "action_item_updates"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(UpdateKind)})", name="kind"),
        Index("ix_action_item_updates_item", "action_item_id", "created_at"),
        UniqueConstraint("author_id", "submission_key", name="uq_action_item_updates_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    other_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="SET NULL")
    )
    """The item merged into or from, for a merge entry."""
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    """The thread linked, for a link entry."""
    detail: Mapped[str] = mapped_column(String(200), default="")
    """A short fact for the entry, such as the region an item was escalated from."""
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    """The regiotafel where this was decided, for an entry that records a decision."""
    submission_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action_item: Mapped[ActionItem] = relationship(foreign_keys=[action_item_id])
    author: Mapped[User | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    other_item: Mapped[ActionItem | None] = relationship(foreign_keys=[other_item_id])
    meeting: Mapped[Meeting | None] = relationship()

    @property
    def kind_enum(self) -> UpdateKind:
        return UpdateKind(self.kind)

    @property
    def body(self) -> Markup:
        return stored_html(self.body_html)

    @property
    def from_status_enum(self) -> ActionStatus | None:
        return ActionStatus(self.from_status) if self.from_status else None

    @property
    def to_status_enum(self) -> ActionStatus | None:
        return ActionStatus(self.to_status) if self.to_status else None


class ActionProposal(db.Model):
    """A participant asks the hosts to make an action item of a thread."""

    __tablename__ = "action_proposals"
    __table_args__ = (
        CheckConstraint("outcome IN ('aangenomen', 'afgewezen')", name="outcome"),
        UniqueConstraint("thread_id", "proposed_by_id", name="uq_action_proposals_once"),
        Index("ix_action_proposals_region_open", "region_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="SET NULL")
    )

    thread: Mapped[Thread] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    action_item: Mapped[ActionItem | None] = relationship()
