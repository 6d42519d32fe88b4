"""Atom feeds of a region's conversations and of an action item's timeline."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from leerplatform.actions.models import ActionItem, ActionItemUpdate
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread
from leerplatform.regions.models import Region
from leerplatform.text import plain_text

FEED_SIZE = 30
SUMMARY_LENGTH = 400


def _absolute(endpoint: str, **values: object) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _excerpt(source: str) -> str:
    """The first words of a Markdown text, as plain text."""
    return plain_text(source, limit=SUMMARY_LENGTH)


def _new_feed(feed_id: str, title: str, link: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.link(href=link, rel="alternate")
    feed.language("nl")
    feed.author({"name": _("Learning platform ZEVMB")})
    feed.updated(utcnow())
    return feed


def region_feed(region: Region) -> bytes:
    """The region's latest conversations: two queries."""
    threads = db.session.scalars(
        select(Thread)
        .where(Thread.region_id == region.id)
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(FEED_SIZE)
        .options(joinedload(Thread.author), selectinload(Thread.theme_links))
    ).all()
    openings = {
        post.thread_id: post
        for post in db.session.scalars(
            select(Post).where(
                Post.thread_id.in_([t.id for t in threads]), Post.is_opening.is_(True)
            )
        )
    }
    link = (
        _absolute("regions.national")
        if region.is_national
        else _absolute("regions.show", code=region.code)
    )
    name = _("National space") if region.is_national else region.name
    feed = _new_feed(link, _("Learning platform ZEVMB: %(name)s", name=name), link)
    if threads:
        feed.updated(max(t.last_activity_at for t in threads))
    for thread in reversed(threads):
        entry = feed.add_entry()
        url = _absolute("forum.show_thread", thread_id=thread.id)
        entry.id(url)
        entry.title(f"{thread.kind_enum.label}: {thread.title}")
        entry.link(href=url)
        entry.published(thread.created_at)
        entry.updated(thread.last_activity_at)
        author = thread.author.display_name if thread.author else _("Deleted account")
        entry.author({"name": author})
        opening = openings.get(thread.id)
        if opening is not None and not opening.is_deleted and not opening.is_hidden:
            entry.summary(_excerpt(opening.body_source))
        for theme in thread.themes:
            entry.category(term=theme.value, label=theme.label)
    return feed.atom_str(pretty=True)


def action_item_feed(item: ActionItem, entries: Sequence[ActionItemUpdate]) -> bytes:
    """An item's timeline, newest first."""
    link = _absolute("actions.show", item_id=item.id)
    feed = _new_feed(link, _("Action item: %(title)s", title=item.title), link)
    feed.updated(item.last_activity_at)
    for step in entries[-FEED_SIZE:]:
        entry = feed.add_entry()
        url = _absolute("actions.show", item_id=item.id, _anchor=f"stap-{step.id}")
        entry.id(url)
        entry.link(href=url)
        entry.title(_step_title(step))
        entry.published(step.created_at)
        entry.updated(step.created_at)
        entry.author({"name": step.author.display_name if step.author else _("Deleted account")})
        if step.body_html:
            entry.summary(_excerpt(step.body_source))
    return feed.atom_str(pretty=True)


def _step_title(step: ActionItemUpdate) -> str:
    if step.kind == "status" and step.to_status_enum is not None:
        return _("Status: %(status)s", status=step.to_status_enum.label)
    titles = {
        "aangemaakt": _("Action item made"),
        "voortgang": _("Progress"),
        "gewijzigd": _("Changed: %(fields)s", fields=step.detail),
        "gekoppeld": _("Conversation linked"),
        "samengevoegd": _("Merged"),
        "opgeschaald": _("Escalated to the national space"),
    }
    return titles.get(step.kind, _("Progress"))
