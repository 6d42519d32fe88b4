"""Making, steering and following action items; the board and the knelpuntenmonitor.

Writes add and flush; the caller commits. Changes to an item say which version they were made
on: when someone else changed the item in between, they raise :class:`ConflictError` instead of
overwriting, and the database's version column catches the changes that race.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from threading import Lock
from typing import TYPE_CHECKING, Any

from cachetools import TTLCache, cached
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    ScalarSelect,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import joinedload, selectinload

from leerplatform import reads
from leerplatform.actions.models import (
    TRANSITIONS,
    ActionItem,
    ActionItemLink,
    ActionItemTheme,
    ActionItemUpdate,
    ActionProposal,
    ActionStatus,
    ItemState,
    LinkRole,
    UpdateKind,
    needs_reason,
)
from leerplatform.clock import LOCAL, local_today, utcnow
from leerplatform.columns import UTCDateTime
from leerplatform.extensions import db
from leerplatform.following import services as following
from leerplatform.following.models import NotificationKind
from leerplatform.forum.models import Post, Theme, Thread, ThreadKind, ThreadTheme
from leerplatform.meetings.models import Meeting
from leerplatform.regions.models import NATIONAL_CODE, Region, RegionHost
from leerplatform.text import render_markdown

if TYPE_CHECKING:
    from leerplatform.accounts.models import User

ITEMS_PER_PAGE = 25


class ConflictError(Exception):
    """Someone else changed the item after this person opened it."""


class InvalidChangeError(Exception):
    """A change the item's state does not allow; the message says why, in the user's words."""


def today() -> date:
    return local_today()


def link_role_for(thread: Thread) -> LinkRole:
    """A good practice may solve the item; everything else is what it must solve."""
    if thread.kind == ThreadKind.GOED_VOORBEELD.value:
        return LinkRole.OPLOSSING
    return LinkRole.KNELPUNT


def check_version(item: ActionItem, expected: int | None) -> None:
    if expected is not None and item.version != expected:
        raise ConflictError


def _add_update(
    item: ActionItem,
    *,
    author: User | None,
    kind: UpdateKind,
    body: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    other_item: ActionItem | None = None,
    thread: Thread | None = None,
    detail: str = "",
    meeting: Meeting | None = None,
    submission_key: str | None = None,
    at: datetime | None = None,
) -> ActionItemUpdate:
    entry = ActionItemUpdate(
        action_item_id=item.id,
        author=author,
        kind=kind.value,
        body_source=body,
        body_html=str(render_markdown(body)) if body else "",
        from_status=from_status,
        to_status=to_status,
        other_item_id=other_item.id if other_item is not None else None,
        thread_id=thread.id if thread is not None else None,
        detail=detail,
        meeting_id=meeting.id if meeting is not None else None,
        submission_key=submission_key,
        created_at=at or utcnow(),
    )
    db.session.add(entry)
    return entry


def _touch(item: ActionItem, moment: datetime) -> None:
    """Count a new timeline entry without changing the item's version (a progress note
    overwrites nothing, so it must not make someone else's status change fail)."""
    db.session.execute(
        update(ActionItem)
        .where(ActionItem.id == item.id)
        .values(update_count=ActionItem.update_count + 1, last_activity_at=moment)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(item, ["update_count", "last_activity_at"])


def item_by_submission(author: User, submission_key: str | None) -> ActionItem | None:
    if not submission_key:
        return None
    return db.session.scalar(
        select(ActionItem).where(
            ActionItem.created_by_id == author.id, ActionItem.submission_key == submission_key
        )
    )


def update_by_submission(author: User, submission_key: str | None) -> ActionItemUpdate | None:
    if not submission_key:
        return None
    return db.session.scalar(
        select(ActionItemUpdate).where(
            ActionItemUpdate.author_id == author.id,
            ActionItemUpdate.submission_key == submission_key,
        )
    )


def create_item(
    *,
    region: Region,
    author: User,
    title: str,
    description: str,
    themes: Iterable[Theme | str],
    owner: User | None = None,
    target_date: date | None = None,
    threads: Iterable[Thread] = (),
    proposal: ActionProposal | None = None,
    meeting: Meeting | None = None,
    submission_key: str | None = None,
    is_demo: bool = False,
    at: datetime | None = None,
) -> ActionItem:
    """Make an action item, linked to the threads it comes from. Caller commits.

    Made as a meeting's decision, its first timeline entry names that meeting. The same
    submission twice gives the first item.
    """
    earlier = item_by_submission(author, submission_key)
    if earlier is not None:
        return earlier
    now = at or utcnow()
    item = ActionItem(
        region=region,
        title=title.strip(),
        description_source=description,
        description_html=str(render_markdown(description)),
        owner=owner,
        target_date=target_date,
        created_by=author,
        submission_key=submission_key,
        is_demo=is_demo,
        created_at=now,
        last_activity_at=now,
        update_count=1,
        theme_links=[ActionItemTheme(theme=Theme(t).value) for t in dict.fromkeys(themes)],
    )
    db.session.add(item)
    db.session.flush()
    _add_update(
        item,
        author=author,
        kind=UpdateKind.AANGEMAAKT,
        to_status=item.status,
        meeting=meeting,
        at=now,
    )
    for thread in dict.fromkeys(threads):
        db.session.add(
            ActionItemLink(
                action_item_id=item.id,
                thread_id=thread.id,
                role=link_role_for(thread).value,
                linked_by_id=author.id,
                created_at=now,
            )
        )
    if proposal is not None:
        _decide(proposal, decided_by=author, outcome="aangenomen", item=item)
    db.session.flush()
    following.on_new_action_item(item=item, actor=author)
    return item


def add_update(
    *,
    item: ActionItem,
    author: User,
    body: str,
    meeting: Meeting | None = None,
    submission_key: str | None = None,
    at: datetime | None = None,
) -> ActionItemUpdate:
    """Add a progress note to the timeline, naming the meeting where it was decided if any;
    sending it twice adds it once. Caller commits."""
    earlier = update_by_submission(author, submission_key)
    if earlier is not None:
        return earlier
    now = at or utcnow()
    entry = _add_update(
        item,
        author=author,
        kind=UpdateKind.VOORTGANG,
        body=body,
        meeting=meeting,
        submission_key=submission_key,
        at=now,
    )
    _touch(item, now)
    following.auto_follow(author, item=item)
    following.on_action_update(
        item=item, entry=entry, actor=author, kind=NotificationKind.VOORTGANG
    )
    return entry


def edit_item(
    *,
    item: ActionItem,
    author: User,
    expected_version: int | None,
    title: str,
    description: str,
    themes: Iterable[Theme | str],
    owner: User | None,
    target_date: date | None,
) -> bool:
    """Change what an item is about, who owns it and by when; False when nothing changed.

    Caller commits. Raises ConflictError when the item changed since ``expected_version``.
    """
    check_version(item, expected_version)
    themes = [Theme(t).value for t in dict.fromkeys(themes)]
    changed: list[str] = []
    if title.strip() != item.title:
        changed.append("titel")
        item.title = title.strip()
    if description != item.description_source:
        changed.append("beschrijving")
        item.description_source = description
        item.description_html = str(render_markdown(description))
    if sorted(themes) != sorted(link.theme for link in item.theme_links):
        changed.append("thema's")
        item.theme_links = [ActionItemTheme(theme=t) for t in themes]
    if (owner.id if owner else None) != item.owner_id:
        changed.append("eigenaar")
        item.owner = owner
        if owner is not None:
            following.auto_follow(owner, item=item)
    if target_date != item.target_date:
        changed.append("streefdatum")
        item.target_date = target_date
    if not changed:
        return False
    now = utcnow()
    _add_update(item, author=author, kind=UpdateKind.GEWIJZIGD, detail=", ".join(changed), at=now)
    item.update_count = ActionItem.update_count + 1
    item.last_activity_at = now
    db.session.flush()
    return True


def change_status(
    *,
    item: ActionItem,
    author: User,
    expected_version: int | None,
    status: ActionStatus | str,
    note: str = "",
    at: datetime | None = None,
) -> ActionItemUpdate:
    """Move an item to a new status; the change is an entry in its timeline. Caller commits.

    Resolving needs a resolution summary (``note``); saying no and reopening need a reason.
    """
    check_version(item, expected_version)
    current, new = item.status_enum, ActionStatus(status)
    if new not in TRANSITIONS[current]:
        raise InvalidChangeError(f"{current.value} → {new.value}")
    if (new is ActionStatus.OPGELOST or needs_reason(current, new)) and not note.strip():
        raise InvalidChangeError("reason required")
    now = at or utcnow()
    entry = _add_update(
        item,
        author=author,
        kind=UpdateKind.STATUS,
        body=note,
        from_status=current.value,
        to_status=new.value,
        at=now,
    )
    item.status = new.value
    if new is ActionStatus.OPGELOST:
        item.resolved_at = now
        item.resolution_days = max((now - item.created_at).days, 0)
        item.resolution_source = note
        item.resolution_html = str(render_markdown(note))
        item.status_reason = ""
    else:
        item.resolved_at = None
        item.resolution_days = None
        item.resolution_source = ""
        item.resolution_html = ""
        item.status_reason = note if new is ActionStatus.NIET_HAALBAAR else ""
    item.update_count = ActionItem.update_count + 1
    item.last_activity_at = now
    db.session.flush()
    following.on_action_update(
        item=item,
        entry=entry,
        actor=author,
        kind=NotificationKind.OPGELOST if new is ActionStatus.OPGELOST else NotificationKind.STATUS,
    )
    return entry


def link_thread(*, item: ActionItem, thread: Thread, author: User) -> bool:
    """Link a thread to an item; False when it was linked already. Caller commits."""
    already = db.session.scalar(
        select(
            exists().where(
                ActionItemLink.action_item_id == item.id, ActionItemLink.thread_id == thread.id
            )
        )
    )
    if already:
        return False
    now = utcnow()
    db.session.add(
        ActionItemLink(
            action_item_id=item.id,
            thread_id=thread.id,
            role=link_role_for(thread).value,
            linked_by_id=author.id,
            created_at=now,
        )
    )
    _add_update(item, author=author, kind=UpdateKind.GEKOPPELD, thread=thread, at=now)
    _touch(item, now)
    return True


def merge_items(
    *,
    item: ActionItem,
    into: ActionItem,
    author: User,
    expected_version: int | None,
    reason: str,
) -> None:
    """Fold ``item`` into ``into``: its threads, themes and proposals move along. Caller commits."""
    check_version(item, expected_version)
    if not item.is_active:
        raise InvalidChangeError("only an active item can be merged")
    if into.id == item.id or into.status == ActionStatus.SAMENGEVOEGD.value:
        raise InvalidChangeError("merge target")
    if not reason.strip():
        raise InvalidChangeError("reason required")
    now = utcnow()
    linked = set(
        db.session.scalars(
            select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == into.id)
        )
    )
    moving = db.session.execute(
        select(ActionItemLink.thread_id, ActionItemLink.role, ActionItemLink.linked_by_id).where(
            ActionItemLink.action_item_id == item.id
        )
    ).all()
    for thread_id, role, linked_by_id in moving:
        if thread_id not in linked:
            db.session.add(
                ActionItemLink(
                    action_item_id=into.id,
                    thread_id=thread_id,
                    role=role,
                    linked_by_id=linked_by_id,
                    created_at=now,
                )
            )
    db.session.execute(delete(ActionItemLink).where(ActionItemLink.action_item_id == item.id))
    present = {link.theme for link in into.theme_links}
    for link in item.theme_links:
        if link.theme not in present:
            into.theme_links.append(ActionItemTheme(theme=link.theme))
    db.session.execute(
        update(ActionProposal)
        .where(ActionProposal.action_item_id == item.id)
        .values(action_item_id=into.id)
    )
    # Its followers follow the item everything continues on (unless they already do).
    from leerplatform.following.models import Follow

    already = select(Follow.user_id).where(Follow.action_item_id == into.id)
    db.session.execute(
        insert(Follow).from_select(
            ["user_id", "action_item_id", "level", "created_at"],
            select(
                Follow.user_id, literal(into.id), Follow.level, literal(now, UTCDateTime())
            ).where(Follow.action_item_id == item.id, Follow.user_id.not_in(already)),
        )
    )
    # Items merged into this one earlier now point at where everything went.
    db.session.execute(
        update(ActionItem)
        .where(ActionItem.merged_into_id == item.id)
        .values(merged_into_id=into.id, version=ActionItem.version + 1)
        .execution_options(synchronize_session=False)
    )
    _add_update(
        item,
        author=author,
        kind=UpdateKind.SAMENGEVOEGD,
        body=reason,
        from_status=item.status,
        to_status=ActionStatus.SAMENGEVOEGD.value,
        other_item=into,
        at=now,
    )
    _add_update(
        into, author=author, kind=UpdateKind.SAMENGEVOEGD, body=reason, other_item=item, at=now
    )
    item.status = ActionStatus.SAMENGEVOEGD.value
    item.status_reason = reason
    item.merged_into = into
    item.update_count = ActionItem.update_count + 1
    item.last_activity_at = now
    into.update_count = ActionItem.update_count + 1
    into.last_activity_at = now
    db.session.flush()


def escalate(*, item: ActionItem, author: User, expected_version: int | None, reason: str) -> None:
    """Take a regional item to the national space; it stays on its region's board too.

    Caller commits.
    """
    check_version(item, expected_version)
    if item.region.is_national or not item.is_active:
        raise InvalidChangeError("only an active regional item can be escalated")
    if not reason.strip():
        raise InvalidChangeError("reason required")
    now = utcnow()
    national = db.session.scalar(select(Region).where(Region.code == NATIONAL_CODE))
    if national is None:
        raise InvalidChangeError("no national space")
    _add_update(
        item,
        author=author,
        kind=UpdateKind.OPGESCHAALD,
        body=reason,
        detail=item.region.name,
        at=now,
    )
    item.origin_region = item.origin_region or item.region
    item.region = national
    item.update_count = ActionItem.update_count + 1
    item.last_activity_at = now
    db.session.flush()


def propose(*, thread: Thread, user: User, note: str) -> tuple[ActionProposal, bool]:
    """Ask the region's hosts to make an action item of a thread; once per person.

    Returns the proposal and whether it is new. Caller commits.
    """
    earlier = db.session.scalar(
        select(ActionProposal).where(
            ActionProposal.thread_id == thread.id, ActionProposal.proposed_by_id == user.id
        )
    )
    if earlier is not None:
        return earlier, False
    proposal = ActionProposal(
        thread_id=thread.id, region_id=thread.region_id, proposed_by_id=user.id, note=note.strip()
    )
    db.session.add(proposal)
    db.session.flush()
    following.auto_follow(user, thread=thread)
    return proposal, True


def _decide(
    proposal: ActionProposal,
    *,
    decided_by: User,
    outcome: str,
    item: ActionItem | None = None,
    note: str = "",
) -> None:
    proposal.decided_at = utcnow()
    proposal.decided_by_id = decided_by.id
    proposal.outcome = outcome
    proposal.decision_note = note
    proposal.action_item_id = item.id if item is not None else None
    if item is not None and proposal.proposed_by is not None:
        following.auto_follow(proposal.proposed_by, item=item)


def accept_proposals_for(*, thread: Thread, item: ActionItem, host: User) -> None:
    """Open proposals for a thread are answered once the thread is linked to an item."""
    for proposal in open_proposals_for_thread(thread):
        _decide(proposal, decided_by=host, outcome="aangenomen", item=item)
    db.session.flush()


def decline_proposal(*, proposal: ActionProposal, host: User, note: str) -> None:
    _decide(proposal, decided_by=host, outcome="afgewezen", note=note.strip())
    db.session.flush()


# Reads


def item_by_id(item_id: int) -> ActionItem | None:
    return db.session.scalar(
        select(ActionItem)
        .where(ActionItem.id == item_id)
        .options(
            joinedload(ActionItem.region)
            .selectinload(Region.host_links)
            .joinedload(RegionHost.user),
            joinedload(ActionItem.origin_region),
            joinedload(ActionItem.owner),
            joinedload(ActionItem.merged_into).joinedload(ActionItem.region),
            selectinload(ActionItem.theme_links),
        )
    )


def timeline(item: ActionItem) -> Sequence[ActionItemUpdate]:
    """Every entry of the item's history, oldest first, with what each one names."""
    return db.session.scalars(
        select(ActionItemUpdate)
        .where(ActionItemUpdate.action_item_id == item.id)
        .order_by(ActionItemUpdate.created_at, ActionItemUpdate.id)
        .options(
            joinedload(ActionItemUpdate.author),
            joinedload(ActionItemUpdate.thread).joinedload(Thread.region),
            joinedload(ActionItemUpdate.other_item).joinedload(ActionItem.region),
            joinedload(ActionItemUpdate.meeting).joinedload(Meeting.region),
        )
    ).all()


def links_of(item: ActionItem) -> Sequence[ActionItemLink]:
    return db.session.scalars(
        select(ActionItemLink)
        .where(ActionItemLink.action_item_id == item.id)
        .join(ActionItemLink.thread)
        .order_by(ActionItemLink.role, Thread.created_at)
        .options(
            joinedload(ActionItemLink.thread).joinedload(Thread.region),
            joinedload(ActionItemLink.thread).joinedload(Thread.author),
        )
    ).all()


@cache
def _links_for_thread() -> Select[tuple[ActionItemLink]]:
    # Built once: every thread page asks it.
    resolved_first = case((ActionItem.status == ActionStatus.OPGELOST.value, 0), else_=1)
    return (
        select(ActionItemLink)
        .join(ActionItemLink.action_item)
        .where(ActionItemLink.thread_id == bindparam("thread_id"))
        .order_by(resolved_first, ActionItem.last_activity_at.desc())
        .options(joinedload(ActionItemLink.action_item).joinedload(ActionItem.region))
    )


def links_for_thread(thread: Thread) -> Sequence[ActionItemLink]:
    """The action items a thread feeds, resolved ones first (they carry the banner)."""
    return db.session.scalars(_links_for_thread(), {"thread_id": thread.id}).all()


@dataclass(frozen=True, slots=True)
class BannerSpace:
    """The region of an item behind a banner: what the permissions ask of it."""

    id: int
    members_only: bool


@dataclass(frozen=True, slots=True)
class ThreadBanner(ItemState):
    """An action item a thread feeds, as the banner on the thread shows it (``thread_banners``
    in ``_macros/actions.html``), and what ``can_view_action_item`` reads of it."""

    id: int
    title: str
    status: str
    owner_id: int | None
    region: BannerSpace


@cache
def banners_column() -> ScalarSelect[Any]:
    """The action items the thread of the enclosing query (a ``select`` of :class:`Thread`)
    feeds, as one :class:`~leerplatform.reads.json_rows` column: the thread page asks this
    every time, and mostly there are none, so it comes with the thread's own row.
    :func:`banners_from_column` reads it."""
    shown = (
        select(
            ActionItem.id,
            ActionItem.title,
            ActionItem.status,
            ActionItem.owner_id,
            Region.id,
            Region.members_only,
            ActionItem.last_activity_at,
        )
        .join(ActionItemLink, ActionItemLink.action_item_id == ActionItem.id)
        .join(Region, Region.id == ActionItem.region_id)
        .where(ActionItemLink.thread_id == Thread.id)
        .correlate(Thread)
        .subquery()
    )
    return select(reads.json_rows(*shown.c)).scalar_subquery()


def banners_from_column(value: str | None) -> tuple[ThreadBanner, ...]:
    """What :func:`banners_column` gave: resolved items first (they carry the banner), each
    kind latest first."""
    rows = sorted(
        reads.json_rows_of(value), key=lambda row: reads.json_datetime(row[6]), reverse=True
    )
    rows.sort(key=lambda row: row[2] != ActionStatus.OPGELOST.value)  # stable: latest first
    return tuple(
        ThreadBanner(
            id=item_id,
            title=title,
            status=status,
            owner_id=owner_id,
            region=BannerSpace(region_id, bool(members_only)),
        )
        for item_id, title, status, owner_id, region_id, members_only, _moment in rows
    )


def open_proposals_for_thread(thread: Thread) -> Sequence[ActionProposal]:
    return db.session.scalars(
        select(ActionProposal)
        .where(ActionProposal.thread_id == thread.id, ActionProposal.decided_at.is_(None))
        .order_by(ActionProposal.created_at)
        .options(joinedload(ActionProposal.proposed_by))
    ).all()


def proposal_by_id(proposal_id: int) -> ActionProposal | None:
    return db.session.scalar(
        select(ActionProposal)
        .where(ActionProposal.id == proposal_id)
        .options(joinedload(ActionProposal.thread).joinedload(Thread.region))
    )


def has_proposed(user: User, thread: Thread) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ActionProposal.thread_id == thread.id, ActionProposal.proposed_by_id == user.id
                )
            )
        )
    )


def open_proposals(region: Region, limit: int = 50) -> Sequence[ActionProposal]:
    """What participants asked the hosts to take up, oldest first."""
    return db.session.scalars(
        select(ActionProposal)
        .where(ActionProposal.region_id == region.id, ActionProposal.decided_at.is_(None))
        .order_by(ActionProposal.created_at)
        .limit(limit)
        .options(
            joinedload(ActionProposal.thread),
            joinedload(ActionProposal.proposed_by),
        )
    ).all()


def opening_source(thread: Thread) -> str:
    return (
        db.session.scalar(
            select(Post.body_source).where(Post.thread_id == thread.id, Post.is_opening.is_(True))
        )
        or ""
    )


def linkable_items(region: Region, exclude: Iterable[int] = ()) -> Sequence[ActionItem]:
    """Active items a thread of this region could be linked to: the region's and national ones."""
    excluded = list(exclude)
    query = (
        select(ActionItem)
        .join(ActionItem.region)
        .where(
            ActionItem.status.in_([s.value for s in ActionStatus if s.is_active]),
            or_(ActionItem.region_id == region.id, Region.code == NATIONAL_CODE),
        )
        .order_by(Region.is_national, ActionItem.title)
        .limit(200)
    )
    if excluded:
        query = query.where(ActionItem.id.not_in(excluded))
    return db.session.scalars(query).all()


def owner_candidates(region: Region, item: ActionItem | None = None) -> list[User]:
    """Who can own an item: the region's hosts, the authors of its threads, the current owner."""
    from leerplatform.accounts.models import User

    hosts = select(RegionHost.user_id).where(RegionHost.region_id == region.id)
    conditions = [User.id.in_(hosts)]
    if item is not None:
        authors = (
            select(Thread.author_id)
            .join(ActionItemLink, ActionItemLink.thread_id == Thread.id)
            .where(ActionItemLink.action_item_id == item.id)
        )
        conditions.append(User.id.in_(authors))
        if item.owner_id is not None:
            conditions.append(User.id == item.owner_id)
    return list(
        db.session.scalars(select(User).where(or_(*conditions)).order_by(User.display_name))
    )


# The action board


BOARD_STATUS_ALL = "alle"
BOARD_STATUS_ACTIVE = "actief"


@dataclass(frozen=True)
class BoardFilter:
    status: str = BOARD_STATUS_ACTIVE
    theme: Theme | None = None
    owner_id: int | None = None
    overdue: bool = False

    @classmethod
    def from_args(
        cls, status: str | None, theme: str | None, owner: str | None, overdue: str | None
    ) -> BoardFilter:
        statuses = {s.slug for s in ActionStatus} | {BOARD_STATUS_ALL, BOARD_STATUS_ACTIVE}
        themes = {t.value: t for t in Theme}
        return cls(
            status=status if status in statuses else BOARD_STATUS_ACTIVE,
            theme=themes.get(theme or ""),
            owner_id=int(owner) if owner and owner.isdigit() else None,
            overdue=overdue == "1",
        )

    @property
    def statuses(self) -> list[str] | None:
        if self.status == BOARD_STATUS_ALL:
            return None
        if self.status == BOARD_STATUS_ACTIVE:
            return [s.value for s in ActionStatus if s.is_active]
        return [self.status.replace("-", "_")]

    @property
    def is_active(self) -> bool:
        return (
            self.status != BOARD_STATUS_ACTIVE
            or self.theme is not None
            or self.owner_id is not None
            or self.overdue
        )

    def args(self, **changes: object) -> dict[str, object]:
        values: dict[str, object] = {
            "status": self.status if self.status != BOARD_STATUS_ACTIVE else None,
            "thema": self.theme.value if self.theme else None,
            "eigenaar": self.owner_id,
            "te-laat": "1" if self.overdue else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def _board_scope(region: Region) -> object:
    """A region's board holds its own items and those it escalated to the national space."""
    if region.is_national:
        return ActionItem.region_id == region.id
    return or_(ActionItem.region_id == region.id, ActionItem.origin_region_id == region.id)


def _overdue(on: date) -> object:
    return and_(
        ActionItem.status.in_([s.value for s in ActionStatus if s.is_active]),
        ActionItem.target_date < on,
    )


def board_listing(
    *, region: Region, board_filter: BoardFilter, page: int, per_page: int = ITEMS_PER_PAGE
) -> Pagination:
    """One page of a board: overdue first, then by target date; two queries plus themes."""
    query: Select[tuple[ActionItem]] = select(ActionItem).where(_board_scope(region))
    if board_filter.statuses is not None:
        query = query.where(ActionItem.status.in_(board_filter.statuses))
    if board_filter.theme is not None:
        query = query.where(
            exists().where(
                ActionItemTheme.action_item_id == ActionItem.id,
                ActionItemTheme.theme == board_filter.theme.value,
            )
        )
    if board_filter.owner_id is not None:
        query = query.where(ActionItem.owner_id == board_filter.owner_id)
    if board_filter.overdue:
        query = query.where(_overdue(today()))
    query = query.order_by(
        ActionItem.target_date.is_(None),
        ActionItem.target_date,
        ActionItem.last_activity_at.desc(),
        ActionItem.id.desc(),
    ).options(
        joinedload(ActionItem.owner),
        joinedload(ActionItem.region),
        selectinload(ActionItem.theme_links),
    )
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)


@dataclass
class BoardCounts:
    by_status: dict[ActionStatus, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def active(self) -> int:
        return sum(n for status, n in self.by_status.items() if status.is_active)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def board_counts(region: Region) -> BoardCounts:
    """How many items a board holds per status, and how many are overdue: one query."""
    on = today()
    rows = db.session.execute(
        select(
            ActionItem.status,
            func.count(),
            func.sum(case((_overdue(on), 1), else_=0)),
        )
        .where(_board_scope(region))
        .group_by(ActionItem.status)
    ).all()
    counts = BoardCounts(by_status=dict.fromkeys(ActionStatus, 0))
    for status, number, overdue in rows:
        counts.by_status[ActionStatus(status)] = number
        counts.overdue += int(overdue or 0)
    return counts


def board_owners(region: Region) -> list[tuple[int, str]]:
    """The owners of the items on a board, for the owner filter."""
    from leerplatform.accounts.models import User

    return [
        (user_id, name)
        for user_id, name in db.session.execute(
            select(User.id, User.display_name)
            .where(
                User.id.in_(
                    select(ActionItem.owner_id).where(
                        _board_scope(region), ActionItem.owner_id.is_not(None)
                    )
                )
            )
            .order_by(User.display_name)
        ).all()
    ]


# The knelpuntenmonitor


@dataclass
class MonitorRow:
    """The figures of one theme in one region (or of one theme over all chosen regions)."""

    theme: Theme
    region: Region | None = None
    bottlenecks: int = 0
    items: int = 0
    active: int = 0
    resolved: int = 0
    not_feasible: int = 0
    overdue: int = 0
    median_days: float | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.bottlenecks or self.items)


@dataclass
class MonitorReport:
    start: date
    end: date
    by_theme: list[MonitorRow]
    rows: list[MonitorRow]
    counted_at: datetime | None = None
    """When the figures were counted: they may be up to ``MONITOR_FRESH_SECONDS`` old."""

    @property
    def largest(self) -> int:
        """The longest bar of the chart."""
        return max([row.active + row.resolved for row in self.by_theme] + [1])


def default_period(on: date | None = None) -> tuple[date, date]:
    """The last twelve months, today included."""
    end = on or today()
    try:
        start = end.replace(year=end.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - 1, day=28) + timedelta(days=1)
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period from the start of ``start`` to the end of ``end``, Dutch time, as UTC."""
    from datetime import time

    return (
        datetime.combine(start, time.min, tzinfo=LOCAL).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=LOCAL).astimezone(UTC),
    )


def _medians(
    start_at: datetime,
    end_at: datetime,
    region_ids: list[int] | None,
    theme: Theme | None,
    *,
    per_region: bool,
) -> dict[tuple[int | None, str], float]:
    """Median days to resolution per (region, theme), or per theme: one query, in SQL.

    Portable: the middle one or two values by row number (window functions work on both
    databases), averaged.
    """
    keys = [ActionItem.region_id, ActionItemTheme.theme] if per_region else [ActionItemTheme.theme]
    ranked = (
        select(
            *keys,
            ActionItem.resolution_days.label("days"),
            func.row_number()
            .over(partition_by=keys, order_by=ActionItem.resolution_days)
            .label("position"),
            func.count().over(partition_by=keys).label("size"),
        )
        .join(ActionItemTheme, ActionItemTheme.action_item_id == ActionItem.id)
        .where(*_cohort(start_at, end_at, region_ids, theme))
        .where(ActionItem.status == ActionStatus.OPGELOST.value)
        .subquery()
    )
    columns = [ranked.c.region_id, ranked.c.theme] if per_region else [ranked.c.theme]
    middle = [(ranked.c.size + 1) // 2, (ranked.c.size + 2) // 2]
    rows = db.session.execute(
        select(*columns, func.avg(ranked.c.days))
        .where(ranked.c.position.in_(middle))
        .group_by(*columns)
    ).all()
    if per_region:
        return {(region_id, value): float(days) for region_id, value, days in rows}
    return {(None, value): float(days) for value, days in rows}


def _cohort(
    start_at: datetime, end_at: datetime, region_ids: list[int] | None, theme: Theme | None
) -> list[object]:
    conditions: list[object] = [ActionItem.created_at >= start_at, ActionItem.created_at < end_at]
    if region_ids is not None:
        conditions.append(ActionItem.region_id.in_(region_ids))
    if theme is not None:
        conditions.append(ActionItemTheme.theme == theme.value)
    return conditions


def monitor(
    *,
    start: date,
    end: date,
    regions: Sequence[Region],
    region: Region | None = None,
    theme: Theme | None = None,
) -> MonitorReport:
    """Bottlenecks and action items per theme and region over a period: four aggregate queries,
    counted at most once every ``MONITOR_FRESH_SECONDS`` for the same question.

    The period chooses a cohort: bottleneck threads started in it, and action items made in it;
    for those items it counts how many are still open, resolved, not feasible or overdue today,
    and the median number of days they took to be resolved.
    """
    start_at, end_at = _bounds(start, end)
    region_ids = [region.id] if region is not None else [r.id for r in regions]
    figures = _counted_figures(start_at, end_at, region_ids, theme, today())
    bottlenecks, items = figures.bottlenecks, figures.items
    medians, theme_medians = figures.medians, figures.theme_medians

    by_region = {r.id: r for r in regions}
    cells: dict[tuple[int, str], MonitorRow] = {}

    def cell(region_id: int, theme_value: str) -> MonitorRow:
        key = (region_id, theme_value)
        if key not in cells:
            cells[key] = MonitorRow(theme=Theme(theme_value), region=by_region.get(region_id))
        return cells[key]

    for region_id, theme_value, number in bottlenecks:
        cell(region_id, theme_value).bottlenecks = number
    for region_id, theme_value, number, n_active, n_resolved, n_no, n_late in items:
        row = cell(region_id, theme_value)
        row.items, row.active, row.resolved = number, n_active, n_resolved
        row.not_feasible, row.overdue = n_no, n_late
    for (region_id, theme_value), value in medians.items():
        if region_id is not None and (region_id, theme_value) in cells:
            cells[(region_id, theme_value)].median_days = value

    order = {r.id: position for position, r in enumerate(regions)}
    themes = list(Theme)
    rows = sorted(
        (row for row in cells.values() if row.region is not None),
        key=lambda row: (order[row.region.id], themes.index(row.theme)),  # type: ignore[union-attr]
    )
    by_theme = []
    for each in themes if theme is None else [theme]:
        total = MonitorRow(theme=each)
        for row in rows:
            if row.theme is each:
                total.bottlenecks += row.bottlenecks
                total.items += row.items
                total.active += row.active
                total.resolved += row.resolved
                total.not_feasible += row.not_feasible
                total.overdue += row.overdue
        total.median_days = theme_medians.get((None, each.value))
        by_theme.append(total)
    return MonitorReport(
        start=start, end=end, by_theme=by_theme, rows=rows, counted_at=figures.counted_at
    )


MONITOR_FRESH_SECONDS = 30
"""The monitor's figures are counted at most this often per period, choice of regions and theme:
the four counts take some 40 ms of the database's time on 50,000 threads, and a monitor is read
far more often than a bottleneck is shared. The page says when the figures were counted."""


@dataclass(frozen=True)
class _Figures:
    bottlenecks: tuple[tuple[int, str, int], ...]
    items: tuple[tuple[int, str, int, int, int, int, int], ...]
    medians: dict[tuple[int | None, str], float]
    theme_medians: dict[tuple[int | None, str], float]
    counted_at: datetime


_figures: TTLCache[tuple[object, ...], _Figures] = TTLCache(maxsize=512, ttl=MONITOR_FRESH_SECONDS)
_figures_lock = Lock()


def forget_monitor_figures() -> None:
    """Count anew on the next request (tests that change the data between two looks)."""
    with _figures_lock:
        _figures.clear()


def _figures_key(
    start_at: datetime, end_at: datetime, region_ids: list[int], theme: Theme | None, on: date
) -> tuple[object, ...]:
    return (str(db.engine.url), start_at, end_at, tuple(sorted(region_ids)), theme, on)


@cached(_figures, key=_figures_key, lock=_figures_lock)
def _counted_figures(
    start_at: datetime, end_at: datetime, region_ids: list[int], theme: Theme | None, on: date
) -> _Figures:
    """The monitor's four aggregate queries, as plain values."""
    thread_conditions: list[object] = [
        Thread.kind == ThreadKind.KNELPUNT.value,
        Thread.created_at >= start_at,
        Thread.created_at < end_at,
        Thread.region_id.in_(region_ids),
    ]
    if theme is not None:
        thread_conditions.append(ThreadTheme.theme == theme.value)
    bottlenecks = db.session.execute(
        select(Thread.region_id, ThreadTheme.theme, func.count())
        .join(ThreadTheme, ThreadTheme.thread_id == Thread.id)
        .where(*thread_conditions)
        .group_by(Thread.region_id, ThreadTheme.theme)
    ).all()
    active = [s.value for s in ActionStatus if s.is_active]
    items = db.session.execute(
        select(
            ActionItem.region_id,
            ActionItemTheme.theme,
            func.count(),
            func.sum(case((ActionItem.status.in_(active), 1), else_=0)),
            func.sum(case((ActionItem.status == ActionStatus.OPGELOST.value, 1), else_=0)),
            func.sum(case((ActionItem.status == ActionStatus.NIET_HAALBAAR.value, 1), else_=0)),
            func.sum(case((_overdue(on), 1), else_=0)),
        )
        .join(ActionItemTheme, ActionItemTheme.action_item_id == ActionItem.id)
        .where(*_cohort(start_at, end_at, region_ids, theme))
        .where(ActionItem.status != ActionStatus.SAMENGEVOEGD.value)
        .group_by(ActionItem.region_id, ActionItemTheme.theme)
    ).all()
    return _Figures(
        bottlenecks=tuple((int(r), str(t), int(n)) for r, t, n in bottlenecks),
        items=tuple(
            (int(r), str(t), int(n), int(a or 0), int(d or 0), int(no or 0), int(late or 0))
            for r, t, n, a, d, no, late in items
        ),
        medians=_medians(start_at, end_at, region_ids, theme, per_region=True),
        theme_medians=_medians(start_at, end_at, region_ids, theme, per_region=False),
        counted_at=utcnow(),
    )
