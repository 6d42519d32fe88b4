"""Everything the platform holds about a person, to take home; and leaving for good.

Caller commits. The export and the deletion both follow every foreign key to users, so a table
added later is included by itself; tests/test_privacy.py checks it against the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, inspect, select, update

from leerplatform.accounts.models import User
from leerplatform.actions.models import ActionItemUpdate
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum.models import Post, PostRevision, Recommendation, Thread
from leerplatform.outbox.models import OutboxMessage

EXPORT_VERSION = 1
REMOVED_TITLE = "Verwijderd onderwerp"
"""The title a thread keeps when its author leaves and takes their words along."""

NOT_MINE = {
    ("notifications", "actor_id"),
    ("post_revisions", "replaced_by_id"),
    ("posts", "edited_by_id"),
}
"""Rows that name the person but belong to someone else: another person's notification about
their reply, or another person's words a host edited. They stay out of the export."""

SECRET_COLUMNS = {"password_hash", "session_token", "feed_key", "totp_secret", "code_hash"}
"""Credentials stay out of the export, in every table: a copy must not let anyone log in."""


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def owned_queries(user: User) -> dict[str, Any]:
    """Which rows belong to a person: every row of every table with a column that points at
    them (what they wrote, follow, reported, did as a host, ...), named "table.column"; plus
    the earlier versions of their posts and the e-mails sent to them."""
    queries: dict[str, Any] = {}
    users = User.__table__
    for table in db.metadata.sorted_tables:
        if table is users:
            continue
        for column in table.columns:
            if (table.name, column.name) in NOT_MINE:
                continue
            if any(key.column.table is users for key in column.foreign_keys):
                queries[f"{table.name}.{column.name}"] = select(table).where(column == user.id)
    own_posts = select(Post.id).where(Post.author_id == user.id)
    queries["post_revisions.of_my_posts"] = select(PostRevision.__table__).where(
        PostRevision.post_id.in_(own_posts)
    )
    # Mails sent to them, without their bodies: a body may hold a link that still works.
    queries["outbox_messages.to_me"] = select(
        OutboxMessage.to_address,
        OutboxMessage.subject,
        OutboxMessage.status,
        OutboxMessage.created_at,
        OutboxMessage.sent_at,
    ).where(OutboxMessage.to_address == user.email)
    return queries


def export_data(user: User) -> dict[str, Any]:
    """All of it, as plain JSON-ready data; secrets (password hash, tokens) left out."""
    data: dict[str, Any] = {
        "export_version": EXPORT_VERSION,
        "made_at": utcnow().isoformat(),
        "account": {
            column.key: _value(getattr(user, column.key))
            for column in inspect(user).mapper.column_attrs
            if column.key not in SECRET_COLUMNS
        },
    }
    for name, query in owned_queries(user).items():
        data[name] = [
            {key: _value(value) for key, value in row.items() if key not in SECRET_COLUMNS}
            for row in db.session.execute(query).mappings()
        ]
    return data


def delete_account(user: User, *, remove_posts: bool) -> None:
    """Leave for good. Posts stay under "verwijderde deelnemer", or go too when asked; in both
    cases no table keeps the person's e-mail address or name. Caller commits."""
    uid = user.id
    if remove_posts:
        now = utcnow()
        own_posts = select(Post.id).where(Post.author_id == uid)
        db.session.execute(delete(PostRevision).where(PostRevision.post_id.in_(own_posts)))
        db.session.execute(
            update(Post)
            .where(Post.author_id == uid, Post.deleted_at.is_(None))
            .values(deleted_at=now, body_source="", body_html="", accepted_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Thread)
            .where(Thread.author_id == uid)
            .values(title=REMOVED_TITLE)
            .execution_options(synchronize_session=False)
        )
        touched = select(Post.thread_id).where(Post.author_id == uid)
        live_replies = (
            select(func.count())
            .where(Post.thread_id == Thread.id, Post.is_opening.is_(False))
            .where(Post.deleted_at.is_(None))
            .scalar_subquery()
        )
        db.session.execute(
            update(Thread)
            .where(Thread.id.in_(touched))
            .values(
                reply_count=live_replies,
                has_accepted_answer=exists().where(
                    Post.thread_id == Thread.id, Post.accepted_at.is_not(None)
                ),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(ActionItemUpdate)
            .where(ActionItemUpdate.author_id == uid)
            .values(body_source="", body_html="")
            .execution_options(synchronize_session=False)
        )
    # What they recommended no longer counts.
    db.session.execute(
        update(Thread)
        .where(Thread.id.in_(select(Recommendation.thread_id).where(Recommendation.user_id == uid)))
        .values(recommendation_count=Thread.recommendation_count - 1)
        .execution_options(synchronize_session=False)
    )
    # Mail to or about them: the address is in it, and often their name.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    _detach(uid)
    db.session.execute(delete(User).where(User.id == uid))
    db.session.flush()
    db.session.expunge_all()


def _detach(user_id: int) -> None:
    """Do what every foreign key to users says (delete or set to NULL) explicitly, so the result
    is the same on SQLite, which does not enforce foreign keys, as on PostgreSQL."""
    users = User.__table__
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for key in column.foreign_keys:
                if key.column.table is not users or table is users:
                    continue
                if (key.ondelete or "").upper() == "CASCADE":
                    db.session.execute(delete(table).where(column == user_id))
                else:
                    db.session.execute(
                        update(table).where(column == user_id).values({column.name: None})
                    )
