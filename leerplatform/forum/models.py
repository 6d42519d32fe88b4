"""Threads, their posts (threaded replies), edit history and recommendations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime, enum_values
from leerplatform.extensions import db
from leerplatform.places.models import Place
from leerplatform.regions.models import Region
from leerplatform.text import stored_html

if TYPE_CHECKING:
    from leerplatform.accounts.models import User


class ThreadKind(StrEnum):
    GOED_VOORBEELD = "goed_voorbeeld"
    ERVARING = "ervaring"
    KNELPUNT = "knelpunt"
    VRAAG = "vraag"

    @property
    def label(self) -> str:
        return str(THREAD_KIND_LABELS[self])

    @property
    def slug(self) -> str:
        """The value in addresses: ``goed-voorbeeld`` reads better than an underscore."""
        return self.value.replace("_", "-")


THREAD_KIND_LABELS = {
    ThreadKind.GOED_VOORBEELD: _l("Good practice"),
    ThreadKind.ERVARING: _l("Experience"),
    ThreadKind.KNELPUNT: _l("Bottleneck"),
    ThreadKind.VRAAG: _l("Question"),
}


class Theme(StrEnum):
    LOGEREN = "logeren"
    DAGBESTEDING = "dagbesteding"
    WONEN = "wonen"
    VERVOER = "vervoer"
    HULPMIDDELEN = "hulpmiddelen"
    PERSONEEL = "personeel"
    BEKOSTIGING = "bekostiging"
    REGELGEVING = "regelgeving"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return str(THEME_LABELS[self])


THEME_LABELS = {
    Theme.LOGEREN: _l("Respite stays (logeren)"),
    Theme.DAGBESTEDING: _l("Day activities"),
    Theme.WONEN: _l("Living"),
    Theme.VERVOER: _l("Transport"),
    Theme.HULPMIDDELEN: _l("Aids"),
    Theme.PERSONEEL: _l("Staff"),
    Theme.BEKOSTIGING: _l("Funding"),
    Theme.REGELGEVING: _l("Rules and laws"),
    Theme.OVERIG: _l("Other"),
}


class Thread(db.Model):
    """A conversation in a region's space. Its counters are kept up to date by the services."""

    __tablename__ = "threads"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(ThreadKind)})", name="kind"),
        Index("ix_threads_region_listing", "region_id", "is_pinned", "last_activity_at"),
        Index("ix_threads_region_created", "region_id", "created_at"),
        Index("ix_threads_region_recommended", "region_id", "kind", "recommendation_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    """The place from the directory the conversation is about, if any."""
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    recommendation_count: Mapped[int] = mapped_column(Integer, default=0)
    has_accepted_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    author: Mapped[User | None] = relationship()
    place: Mapped[Place | None] = relationship()
    theme_links: Mapped[list[ThreadTheme]] = relationship(
        cascade="all, delete-orphan", order_by="ThreadTheme.theme"
    )
    posts: WriteOnlyMapped[Post] = relationship(
        back_populates="thread", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def kind_enum(self) -> ThreadKind:
        return ThreadKind(self.kind)

    @property
    def themes(self) -> list[Theme]:
        return [Theme(link.theme) for link in self.theme_links]

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class ThreadTheme(db.Model):
    __tablename__ = "thread_themes"
    __table_args__ = (
        CheckConstraint(f"theme IN ({enum_values(Theme)})", name="theme"),
        Index("ix_thread_themes_theme", "theme", "thread_id"),
    )

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(20), primary_key=True)


class PostState:
    """What a post's columns say about it, for a Post and for a post read as a row
    (``forum.services.PostSummary``) alike."""

    __slots__ = ()
    deleted_at: datetime | None
    hidden_at: datetime | None
    edited_by_id: int | None
    author_id: int | None
    body_html: str

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        """Hidden by a host: its author and the hosts still read it, others a placeholder."""
        return self.hidden_at is not None

    @property
    def edited_by_host(self) -> bool:
        return self.edited_by_id is not None and self.edited_by_id != self.author_id

    @property
    def body(self) -> Markup:
        return stored_html(self.body_html)


class Post(PostState, db.Model):
    """The opening post of a thread or a reply to it.

    Replies form a tree. ``root_id`` is the top-level reply a reply belongs under (its own id for
    a top-level reply), so a page can hold whole branches; ``path`` sorts a branch depth-first.
    """

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("author_id", "submission_key", name="uq_posts_author_submission"),
        Index("ix_posts_thread_root_path", "thread_id", "root_id", "path"),
        # The thread page: the sizes of a thread's branches from the index alone, and the
        # opening post beside one page of replies without reading the thread's other posts.
        Index(
            "ix_posts_thread_replies",
            "thread_id",
            "root_id",
            postgresql_where=text("is_opening IS false"),
            sqlite_where=text("is_opening IS 0"),
        ),
        Index(
            "ix_posts_thread_opening",
            "thread_id",
            postgresql_where=text("is_opening IS true"),
            sqlite_where=text("is_opening IS 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    root_id: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_opening: Mapped[bool] = mapped_column(Boolean, default=False)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(Text, default="")
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    submission_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """Who made the last change, when a host edited it rather than the author."""
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    parent: Mapped[Post | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id}>"


class PostRevision(db.Model):
    """An earlier version of a post, kept when its author edits it; hosts can read them."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(150))
    body_source: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """Who replaced this version: the author, or a host."""

    replaced_by: Mapped[User | None] = relationship()


class Recommendation(db.Model):
    """A "dit werkt ook bij ons" on a good practice: one per person."""

    __tablename__ = "recommendations"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
