"""Follow what matters; notify followers in one statement; mail per event, in a digest, as feeds.

Writes add and flush; the caller commits. A notification is written in the same transaction as
the event. Whether an e-mail must go out is decided in that same statement (``mail_state``); the
outbox worker then renders those e-mails into the outbox, each in one transaction with the mark
that it did, so nothing is lost and nothing is queued twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import joinedload, selectinload

from leerplatform import reads
from leerplatform.accounts.models import User
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following.models import (
    EmailFrequency,
    Follow,
    FollowLevel,
    Notification,
    NotificationKind,
)
from leerplatform.regions.models import Region, RegionHost, RegionMembership

if TYPE_CHECKING:
    from leerplatform.actions.models import ActionItem, ActionItemUpdate
    from leerplatform.forum.models import Post, Thread

NOTIFICATIONS_PER_PAGE = 30
FEED_SALT = "leerplatform.feed"
UNSUBSCRIBE_SALT = "leerplatform.unsubscribe"


# Following


def _target(
    *, thread: Thread | None = None, item: ActionItem | None = None, region: Region | None = None
) -> tuple[Any, int]:
    if thread is not None:
        return Follow.thread_id, thread.id
    if item is not None:
        return Follow.action_item_id, item.id
    if region is not None:
        return Follow.region_id, region.id
    raise ValueError("follow what?")


@cache
def _follow_level(column: str) -> Select[Any]:
    # Built once per kind of target: the thread, item and region pages ask it every time.
    return select(Follow.level).where(
        Follow.user_id == bindparam("user_id"),
        getattr(Follow, column) == bindparam("target_id"),
    )


def follow_level_column(column: Any, target: Any) -> Any:
    """How the reader (bound as ``reader_id``) follows ``target``, a column of the statement
    this becomes a column of: a page that reads the region reads this with it."""
    return select(Follow.level).where(Follow.user_id == bindparam("reader_id"), column == target)


def as_follow_level(value: str | None) -> FollowLevel | None:
    return FollowLevel(value) if value else None


def follow_level(user: Any, **target: Any) -> FollowLevel | None:
    """How this person follows the thread, item or region; None when they do not."""
    if not getattr(user, "is_authenticated", False):
        return None
    column, target_id = _target(**target)
    level = reads.scalar(_follow_level(column.key), {"user_id": user.id, "target_id": target_id})
    return FollowLevel(level) if level else None


def set_follow(user: User, level: FollowLevel | str | None, **target: Any) -> None:
    """Follow at a level, or stop following (``None``). Caller commits."""
    column, target_id = _target(**target)
    existing = db.session.scalar(
        select(Follow).where(Follow.user_id == user.id, column == target_id)
    )
    if level is None:
        if existing is not None:
            db.session.delete(existing)
        db.session.flush()
        return
    level = FollowLevel(level)
    if existing is None:
        existing = Follow(user_id=user.id, level=level.value)
        setattr(existing, column.key, target_id)
        db.session.add(existing)
    else:
        existing.level = level.value
    db.session.flush()


def auto_follow(user: User, **target: Any) -> None:
    """Follow everything about what one starts, replies to, proposes or owns, unless one chose
    a level before (a muted thread stays muted). Caller commits."""
    column, target_id = _target(**target)
    known = db.session.scalar(
        select(exists().where(Follow.user_id == user.id, column == target_id))
    )
    if not known:
        follow = Follow(user_id=user.id, level=FollowLevel.ALLES.value)
        setattr(follow, column.key, target_id)
        db.session.add(follow)
        db.session.flush()


# Notifying


def _may_read(region: Region) -> ColumnElement[bool]:
    """Recipients who may read the region: everyone verified, or its members and hosts."""
    if not region.members_only:
        return true()
    return or_(
        User.is_admin.is_(True),
        exists().where(
            RegionMembership.user_id == User.id, RegionMembership.region_id == region.id
        ),
        exists().where(RegionHost.user_id == User.id, RegionHost.region_id == region.id),
    )


def notify_followers(
    *,
    kind: NotificationKind,
    region: Region,
    followed: Sequence[ColumnElement[bool]],
    actor: User | None,
    thread_id: int | None = None,
    post_id: int | None = None,
    action_item_id: int | None = None,
    update_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """One INSERT … SELECT: a notification for everyone who follows any of ``followed``, except
    the actor, the muted and those who may not read the region. Returns how many it made."""
    now = at or utcnow()
    followers = (
        select(
            Follow.user_id.label("user_id"),
            func.max(case((Follow.level == FollowLevel.ALLES.value, 1), else_=0)).label("all"),
            # Muted only when everything that matches is muted: a thread one follows outright
            # is heard of even in a muted region.
            func.min(case((Follow.level == FollowLevel.GEDEMPT.value, 1), else_=0)).label("muted"),
        )
        .where(or_(*followed))
        .group_by(Follow.user_id)
        .subquery()
    )
    mail_state = case(
        (
            followers.c.all == 1,
            case(
                (User.email_frequency == EmailFrequency.DIRECT.value, literal("direct")),
                (User.email_frequency == EmailFrequency.DAGELIJKS.value, literal("digest")),
                else_=literal("geen"),
            ),
        ),
        else_=literal("geen"),
    )
    rows = (
        select(
            followers.c.user_id,
            literal(kind.value),
            literal(actor.id if actor is not None else None),
            literal(thread_id),
            literal(post_id),
            literal(action_item_id),
            literal(update_id),
            literal(region.id),
            mail_state,
            literal(now, type_=Notification.created_at.type),
        )
        .join(User, User.id == followers.c.user_id)
        .where(
            followers.c.muted == 0,
            User.email_verified_at.is_not(None),
            _may_read(region),
        )
    )
    if actor is not None:
        rows = rows.where(followers.c.user_id != actor.id)
    result = db.session.execute(
        insert(Notification).from_select(
            [
                "user_id",
                "kind",
                "actor_id",
                "thread_id",
                "post_id",
                "action_item_id",
                "update_id",
                "region_id",
                "mail_state",
                "created_at",
            ],
            rows,
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def on_reply(*, post: Post, thread: Thread, actor: User) -> None:
    """A reply: its author follows the thread, and the thread's followers hear of it."""
    auto_follow(actor, thread=thread)
    notify_followers(
        kind=NotificationKind.REACTIE,
        region=thread.region,
        followed=[Follow.thread_id == thread.id],
        actor=actor,
        thread_id=thread.id,
        post_id=post.id,
    )


def on_new_thread(*, thread: Thread, actor: User, opening: Post | None = None) -> None:
    """A new thread: its author follows it, and the followers of the region hear of it."""
    auto_follow(actor, thread=thread)
    notify_followers(
        kind=NotificationKind.NIEUW_ONDERWERP,
        region=thread.region,
        followed=[Follow.region_id == thread.region_id],
        actor=actor,
        thread_id=thread.id,
        post_id=opening.id if opening is not None else None,
    )


def on_action_update(
    *, item: ActionItem, entry: ActionItemUpdate, actor: User | None, kind: NotificationKind
) -> None:
    """Progress or a change on an item: its followers hear of it; when it is resolved, so do the
    followers of every thread linked to it."""
    from leerplatform.actions.models import ActionItemLink

    followed: list[ColumnElement[bool]] = [Follow.action_item_id == item.id]
    if kind is NotificationKind.OPGELOST:
        followed.append(
            Follow.thread_id.in_(
                select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == item.id)
            )
        )
    notify_followers(
        kind=kind,
        region=item.region,
        followed=followed,
        actor=actor,
        action_item_id=item.id,
        update_id=entry.id,
    )


def on_new_action_item(*, item: ActionItem, actor: User) -> None:
    """A new item: its maker and owner follow it; followers of its threads and region hear."""
    from leerplatform.actions.models import ActionItemLink

    auto_follow(actor, item=item)
    if item.owner_id is not None and item.owner_id != actor.id:
        auto_follow(db.session.get(User, item.owner_id), item=item)  # type: ignore[arg-type]
    notify_followers(
        kind=NotificationKind.NIEUW_ACTIEPUNT,
        region=item.region,
        followed=[
            Follow.region_id == item.region_id,
            Follow.thread_id.in_(
                select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == item.id)
            ),
        ],
        actor=actor,
        action_item_id=item.id,
    )


# Reading notifications


def unread_count(user: User) -> int:
    """One query, for the header of every page."""
    return int(
        reads.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def _with_targets(query: Any) -> Any:
    from leerplatform.actions.models import ActionItem

    return query.options(
        joinedload(Notification.actor),
        joinedload(Notification.thread),
        joinedload(Notification.action_item).joinedload(ActionItem.region),
        joinedload(Notification.update),
        joinedload(Notification.region),
    )


def notifications_of(user: User, page: int) -> Pagination:
    query = _with_targets(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(
        query, page=max(page, 1), per_page=NOTIFICATIONS_PER_PAGE, error_out=False, count=True
    )


def notification_of(user: User, notification_id: int) -> Notification | None:
    return db.session.scalar(
        _with_targets(
            select(Notification).where(
                Notification.id == notification_id, Notification.user_id == user.id
            )
        )
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        if notification.mail_state == "digest":
            notification.mail_state = "geen"
        db.session.flush()


def mark_all_read(user: User) -> int:
    now = utcnow()
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(
            read_at=now,
            mail_state=case(
                (Notification.mail_state == "digest", literal("geen")),
                else_=Notification.mail_state,
            ),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# E-mail preferences, unsubscribing and feeds


def set_email_frequency(user: User, frequency: EmailFrequency | str) -> None:
    """Change how this person gets e-mail; what waits for a digest follows along."""
    frequency = EmailFrequency(frequency)
    user.email_frequency = frequency.value
    # What still waits for an e-mail follows the new choice, so nothing falls between the two.
    waiting = {
        EmailFrequency.DIRECT: "direct",
        EmailFrequency.DAGELIJKS: "digest",
        EmailFrequency.NOOIT: "geen",
    }[frequency]
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            Notification.mail_state.in_(["direct", "digest"]),
        )
        .values(mail_state=waiting)
    )
    db.session.flush()


def _signer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def unsubscribe_token(user: User) -> str:
    return _signer(UNSUBSCRIBE_SALT).dumps({"uid": user.id})


def user_for_unsubscribe(token: str) -> User | None:
    try:
        data = _signer(UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return db.session.get(User, data["uid"])


def ensure_feed_key(user: User) -> str:
    if not user.feed_key:
        user.feed_key = secrets.token_urlsafe(24)
        db.session.flush()
    return user.feed_key


def renew_feed_key(user: User) -> None:
    """New feed addresses; the old ones stop working at once."""
    user.feed_key = secrets.token_urlsafe(24)
    db.session.flush()


def feed_token(user: User) -> str | None:
    if not user.feed_key:
        return None
    return _signer(FEED_SALT).dumps({"uid": user.id, "key": user.feed_key})


def user_for_feed(token: str) -> User | None:
    """The owner of a feed address, while that address is still theirs."""
    try:
        data = _signer(FEED_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.scalar(
        select(User)
        .where(User.id == data["uid"])
        .options(
            selectinload(User.memberships).joinedload(RegionMembership.region),
            selectinload(User.host_links),
        )
    )
    if (
        user is None
        or not user.feed_key
        or not secrets.compare_digest(str(data.get("key", "")), user.feed_key)
    ):
        return None
    return user


@dataclass
class MailBatch:
    queued: int = 0
    skipped: int = 0


def due_for_mail(limit: int) -> list[Notification]:
    """Notifications whose e-mail must still be queued, claimed against other workers."""
    query = _with_targets(
        select(Notification)
        .where(Notification.mail_state == "direct")
        .order_by(Notification.id)
        .limit(limit)
        .options(joinedload(Notification.user), joinedload(Notification.post))
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Notification)
    return list(db.session.scalars(query).unique())


def digest_candidates(now: datetime) -> list[int]:
    """People with unread notifications waiting for their daily summary."""
    return list(
        db.session.scalars(
            select(Notification.user_id)
            .join(User, User.id == Notification.user_id)
            .where(
                Notification.mail_state == "digest",
                Notification.read_at.is_(None),
                Notification.created_at <= now,
                User.email_frequency == EmailFrequency.DAGELIJKS.value,
            )
            .group_by(Notification.user_id)
            .order_by(Notification.user_id)
        )
    )


def digest_of(user_id: int, now: datetime) -> list[Notification]:
    query = _with_targets(
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.mail_state == "digest",
            Notification.read_at.is_(None),
            Notification.created_at <= now,
        )
        .order_by(Notification.created_at)
        .options(joinedload(Notification.post))
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Notification)
    return list(db.session.scalars(query).unique())


def mark_mailed(notifications: Sequence[Notification]) -> None:
    ids = [n.id for n in notifications]
    if ids:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(mail_state="verstuurd")
            .execution_options(synchronize_session=False)
        )
    db.session.flush()


def followers_count(**target: Any) -> int:
    column, target_id = _target(**target)
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Follow)
            .where(column == target_id, Follow.level != FollowLevel.GEDEMPT.value)
        )
        or 0
    )


def followed_action_items(user: User, limit: int = 6) -> Sequence[ActionItem]:
    """The action items this person follows, latest activity first: for the home page."""
    from leerplatform.actions.models import ActionItem

    return db.session.scalars(
        select(ActionItem)
        .join(Follow, Follow.action_item_id == ActionItem.id)
        .where(Follow.user_id == user.id, Follow.level != FollowLevel.GEDEMPT.value)
        .order_by(ActionItem.last_activity_at.desc(), ActionItem.id.desc())
        .limit(limit)
        .options(
            joinedload(ActionItem.owner),
            joinedload(ActionItem.region),
            selectinload(ActionItem.theme_links),
        )
    ).all()


def latest_unread(user: User, limit: int = 5) -> Sequence[Notification]:
    return db.session.scalars(
        _with_targets(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    ).all()
