"""Starting threads, replying, editing, deleting, accepting answers and recommending.

Writes add and flush; the caller commits. Reads load what their page shows in a fixed number of
queries, whatever the number of threads or replies.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from threading import Lock
from typing import Any

from cachetools import LRUCache
from sqlalchemy import (
    ColumnElement,
    Row,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload

from leerplatform import reads
from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.actions import services as actions
from leerplatform.actions.services import ThreadBanner
from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime
from leerplatform.extensions import db
from leerplatform.following import services as following
from leerplatform.following.models import Follow, FollowLevel
from leerplatform.forum.models import (
    Post,
    PostRevision,
    PostState,
    Recommendation,
    Theme,
    Thread,
    ThreadKind,
    ThreadTheme,
)
from leerplatform.places.models import Place
from leerplatform.regions.models import Region
from leerplatform.text import render_markdown

THREADS_PER_PAGE = 25
REPLIES_PER_PAGE = 40
"""A page of replies holds whole branches, so it may hold more than this when a branch is long."""
SORTS = ("activiteit", "nieuw")


def new_submission_key() -> str:
    """A key a form carries, so sending the same form twice makes one post."""
    return secrets.token_urlsafe(24)


def post_by_submission(author: User, submission_key: str | None) -> Post | None:
    if not submission_key:
        return None
    return db.session.scalar(
        select(Post).where(Post.author_id == author.id, Post.submission_key == submission_key)
    )


def start_thread(
    *,
    region: Region,
    author: User,
    title: str,
    kind: ThreadKind | str,
    themes: Iterable[Theme | str],
    body: str,
    submission_key: str | None = None,
    is_demo: bool = False,
    place: Place | None = None,
) -> Thread:
    """Open a thread with its opening post; the same submission twice gives the first thread.

    Caller commits.
    """
    earlier = post_by_submission(author, submission_key)
    if earlier is not None:
        return earlier.thread
    now = utcnow()
    thread = Thread(
        region=region,
        author=author,
        title=title.strip(),
        kind=ThreadKind(kind).value,
        created_at=now,
        last_activity_at=now,
        is_demo=is_demo,
        place=place,
        theme_links=[ThreadTheme(theme=Theme(theme).value) for theme in dict.fromkeys(themes)],
    )
    db.session.add(thread)
    db.session.add(
        Post(
            thread=thread,
            author=author,
            is_opening=True,
            body_source=body,
            body_html=str(render_markdown(body)),
            submission_key=submission_key,
            created_at=now,
        )
    )
    db.session.flush()
    following.on_new_thread(thread=thread, actor=author)
    return thread


def reply_to(
    *,
    thread: Thread,
    author: User,
    body: str,
    parent: Post | None = None,
    submission_key: str | None = None,
) -> Post:
    """Reply to the thread, or to a reply in it; the same submission twice gives one reply.

    Caller commits.
    """
    earlier = post_by_submission(author, submission_key)
    if earlier is not None:
        return earlier
    if parent is not None and (parent.thread_id != thread.id or parent.is_opening):
        parent = None
    now = utcnow()
    post = Post(
        thread_id=thread.id,
        author=author,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 1,
        body_source=body,
        body_html=str(render_markdown(body)),
        submission_key=submission_key,
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    post.root_id = parent.root_id if parent else post.id
    post.path = (parent.path if parent else "") + f"{post.id:010d}/"
    db.session.flush()
    following.on_reply(post=post, thread=thread, actor=author)
    # The counters last: this update locks the thread's row until the caller commits, so
    # replies to one busy thread wait for each other only that long. A reply that got its
    # time earlier but the lock later does not move the last activity back.
    stamp = literal(now, UTCDateTime())
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(
            reply_count=Thread.reply_count + 1,
            last_activity_at=case(
                (Thread.last_activity_at < stamp, stamp), else_=Thread.last_activity_at
            ),
        )
    )
    db.session.refresh(thread, ["reply_count", "last_activity_at"])
    return post


def edit_post(
    *, post: Post, body: str, title: str | None = None, editor: User | None = None
) -> bool:
    """Change a post and keep the earlier version; False when nothing changed. Caller commits.

    ``editor`` is who changes it: the author, or a host (the history shows which).
    """
    thread = post.thread
    title_changes = post.is_opening and title is not None and title.strip() != thread.title
    if body == post.body_source and not title_changes:
        return False
    db.session.add(
        PostRevision(
            post_id=post.id,
            title=thread.title if post.is_opening else None,
            body_source=post.body_source,
            written_at=post.edited_at or post.created_at,
            replaced_by_id=editor.id if editor is not None else post.author_id,
        )
    )
    post.edited_by_id = editor.id if editor is not None and editor.id != post.author_id else None
    post.body_source = body
    post.body_html = str(render_markdown(body))
    post.edited_at = utcnow()
    if title_changes and title is not None:
        thread.title = title.strip()
    db.session.flush()
    return True


def delete_post(*, post: Post) -> None:
    """Remove what a post says and leave a placeholder; its history goes too. Caller commits."""
    if post.is_deleted:
        return
    thread = post.thread
    post.deleted_at = utcnow()
    post.body_source = ""
    post.body_html = ""
    if post.accepted_at is not None:
        post.accepted_at = None
        thread.has_accepted_answer = False
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
    if not post.is_opening:
        # Counted in SQL, so that a reply someone else made meanwhile stays counted.
        thread.reply_count = case((Thread.reply_count > 0, Thread.reply_count - 1), else_=0)
    db.session.flush()


def accept_answer(*, thread: Thread, post: Post) -> None:
    """Mark a reply as the answer to a question; one per thread. Caller commits."""
    db.session.execute(
        update(Post)
        .where(Post.thread_id == thread.id, Post.accepted_at.is_not(None), Post.id != post.id)
        .values(accepted_at=None)
    )
    post.accepted_at = utcnow()
    thread.has_accepted_answer = True
    db.session.flush()


def withdraw_answer(*, thread: Thread) -> None:
    """The question has no accepted answer any more. Caller commits."""
    db.session.execute(
        update(Post)
        .where(Post.thread_id == thread.id, Post.accepted_at.is_not(None))
        .values(accepted_at=None)
    )
    thread.has_accepted_answer = False
    db.session.flush()


def has_recommended(user: User, thread: Thread) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Recommendation.thread_id == thread.id, Recommendation.user_id == user.id
                )
            )
        )
    )


def recommend(*, thread: Thread, user: User) -> bool:
    """Say "dit werkt ook bij ons"; False when this person already said so. Caller commits."""
    if has_recommended(user, thread):
        return False
    db.session.add(Recommendation(thread_id=thread.id, user_id=user.id))
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(recommendation_count=Thread.recommendation_count + 1)
    )
    db.session.flush()
    db.session.refresh(thread, ["recommendation_count"])
    return True


def withdraw_recommendation(*, thread: Thread, user: User) -> bool:
    """Take a recommendation back; False when there was none. Caller commits."""
    result = db.session.execute(
        delete(Recommendation).where(
            Recommendation.thread_id == thread.id, Recommendation.user_id == user.id
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(recommendation_count=Thread.recommendation_count - 1)
    )
    db.session.flush()
    db.session.refresh(thread, ["recommendation_count"])
    return True


def set_members_only(*, region: Region, members_only: bool) -> None:
    """Open a region to every participant, or only to its members. Caller commits."""
    region.members_only = members_only
    db.session.flush()


# Reads


@dataclass(frozen=True)
class ThreadFilter:
    kind: ThreadKind | None = None
    theme: Theme | None = None
    sort: str = "activiteit"

    @classmethod
    def from_args(cls, kind: str | None, theme: str | None, sort: str | None) -> ThreadFilter:
        kinds = {k.slug: k for k in ThreadKind}
        themes = {t.value: t for t in Theme}
        return cls(
            kind=kinds.get(kind or ""),
            theme=themes.get(theme or ""),
            sort=sort if sort in SORTS else "activiteit",
        )

    @property
    def is_active(self) -> bool:
        return self.kind is not None or self.theme is not None

    def args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments for a link that keeps this filter."""
        values: dict[str, object] = {
            "soort": self.kind.slug if self.kind else None,
            "thema": self.theme.value if self.theme else None,
            "sorteer": self.sort if self.sort != "activiteit" else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True, slots=True)
class AuthorSummary:
    """What a list shows of a person, read as a row with the thread or post, not loaded as a
    User; on a thread page also whether they are an admin (nobody is offered to suspend them)."""

    id: int
    display_name: str
    participant_kind: str
    is_admin: bool = False

    @property
    def kind(self) -> ParticipantKind:
        return ParticipantKind(self.participant_kind)


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A thread as a list shows it (``thread_row``), read as plain rows: a page of them costs a
    tenth of the CPU that loading Thread objects with their authors and themes does. Only for
    showing; a change goes through the Thread itself."""

    id: int
    region_id: int
    title: str
    kind: str
    is_pinned: bool
    is_locked: bool
    is_demo: bool
    has_accepted_answer: bool
    reply_count: int
    recommendation_count: int
    created_at: datetime
    last_activity_at: datetime
    author: AuthorSummary | None
    themes: tuple[Theme, ...]

    @property
    def kind_enum(self) -> ThreadKind:
        return ThreadKind(self.kind)


@dataclass(frozen=True)
class ListingPage:
    """One page of a list: the rows, which page, how many pages and rows in all."""

    items: list[ThreadSummary]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _themes_of_thread() -> Any:
    return (
        select(func.aggregate_strings(ThreadTheme.theme, ","))
        .where(ThreadTheme.thread_id == Thread.id)
        .correlate(Thread)
        .scalar_subquery()
    )


def _summary(row: Row[Any]) -> ThreadSummary:
    return ThreadSummary(
        *row[:12],
        author=AuthorSummary(row[12], row[13], row[14]) if row[12] is not None else None,
        themes=tuple(sorted(Theme(value) for value in row[15].split(","))) if row[15] else (),
    )


def _listing_conditions(threads: Any, *, kind: bool, theme: bool) -> list[ColumnElement[bool]]:
    conditions = [threads.region_id == bindparam("region_id")]
    if kind:
        conditions.append(threads.kind == bindparam("kind"))
    if theme:
        conditions.append(
            exists().where(
                ThreadTheme.thread_id == threads.id, ThreadTheme.theme == bindparam("theme")
            )
        )
    return conditions


@cache
def _listing_statements(
    *, kind: bool, theme: bool, newest_first: bool, first_page: bool
) -> tuple[Select[Any], Select[Any]]:
    """The page and the count of a region's threads, per kind of filter: built once (putting
    them together took longer than running them), the values bound on every call. The page
    carries each thread's author, in a subquery its themes, and the count of all the threads
    it is a page of: a subquery of its own (over another name for the table, so it does not
    follow the row), which the database works out once for the whole page. One statement for
    any page; the count alone only for a page past the end.

    The page size is written into the statement, and the first page (the one nearly everyone
    sees) has no OFFSET: knowing both, PostgreSQL plans the prepared statement once for every
    region; with either as a parameter it planned the statement anew on every request."""
    conditions = _listing_conditions(Thread, kind=kind, theme=theme)
    counted = aliased(Thread)
    total = (
        select(func.count())
        .select_from(counted)
        .where(*_listing_conditions(counted, kind=kind, theme=theme))
        .correlate(None)
        .scalar_subquery()
    )
    newest = Thread.created_at if newest_first else Thread.last_activity_at
    page = (
        select(
            Thread.id,
            Thread.region_id,
            Thread.title,
            Thread.kind,
            Thread.is_pinned,
            Thread.is_locked,
            Thread.is_demo,
            Thread.has_accepted_answer,
            Thread.reply_count,
            Thread.recommendation_count,
            Thread.created_at,
            Thread.last_activity_at,
            User.id,
            User.display_name,
            User.participant_kind,
            _themes_of_thread(),
            total,
        )
        .outerjoin(User, User.id == Thread.author_id)
        .where(*conditions)
        .order_by(Thread.is_pinned.desc(), newest.desc(), Thread.id.desc())
        .limit(literal_column(str(THREADS_PER_PAGE)))
    )
    if not first_page:
        page = page.offset(bindparam("offset"))
    count = select(func.count()).select_from(Thread).where(*conditions)
    return page, count


def thread_listing(*, region: Any, thread_filter: ThreadFilter, page: int) -> ListingPage:
    """One page of a region's threads, pinned first, with their authors and themes and how
    many there are in all: one query (two for a page past the end)."""
    page = max(page, 1)
    per_page = THREADS_PER_PAGE
    page_query, count_query = _listing_statements(
        kind=thread_filter.kind is not None,
        theme=thread_filter.theme is not None,
        newest_first=thread_filter.sort == "nieuw",
        first_page=page == 1,
    )
    values: dict[str, Any] = {"region_id": region.id}
    if thread_filter.kind is not None:
        values["kind"] = thread_filter.kind.value
    if thread_filter.theme is not None:
        values["theme"] = thread_filter.theme.value
    rows = reads.rows(
        page_query, {**values, "offset": (page - 1) * per_page} if page > 1 else values
    )
    if rows:
        total = int(rows[0][16])
    elif page > 1:
        total = reads.scalar(count_query, values) or 0  # past the end: no row to carry it
    else:
        total = 0
    return ListingPage(
        items=[_summary(row) for row in rows], page=page, per_page=per_page, total=total
    )


@dataclass(frozen=True, slots=True)
class Recommended:
    """A good practice in the list of the most recommended: what that list shows."""

    id: int
    title: str
    recommendation_count: int
    region_name: str
    region_is_national: bool


RECOMMENDED_ON_PAGE = 5
"""A space's page lists its five most recommended good practices."""


def _recommended(columns: Iterable[Any], *spaces: ColumnElement[bool]) -> Select[Any]:
    """The good practices that most people said work for them too, in ``spaces``: the kind,
    the count and the page's limit written into the statement (as parameters, PostgreSQL
    planned it anew on every request)."""
    return (
        select(*columns)
        .where(
            *spaces,
            Thread.kind == literal_column(f"'{ThreadKind.GOED_VOORBEELD.value}'"),
            Thread.recommendation_count > literal_column("0"),
        )
        .order_by(Thread.recommendation_count.desc(), Thread.last_activity_at.desc())
        .limit(literal_column(str(RECOMMENDED_ON_PAGE)))
    )


@cache
def _recommended_nationally() -> Select[Any]:
    return _recommended(
        (Thread.id, Thread.title, Thread.recommendation_count, Region.name, Region.is_national),
        Thread.region_id.in_(bindparam("region_ids", expanding=True)),
    ).join(Region, Region.id == Thread.region_id)


def recommended_nationally(readable_ids: Iterable[int]) -> list[Recommended]:
    """For the national space: the most recommended good practices of every space the reader
    may read (``readable_ids``). A regional space reads its own with the region
    (:func:`recommended_column`)."""
    return [
        Recommended(*row)
        for row in reads.rows(_recommended_nationally(), {"region_ids": list(readable_ids)})
    ]


@cache
def recommended_column() -> ScalarSelect[Any]:
    """The most recommended good practices of the region of the enclosing query (a ``select``
    of :class:`Region`) as one :class:`~leerplatform.reads.json_rows` column: the region's page
    reads them in the region's own query. :func:`recommended_from_column` reads it."""
    shown = (
        _recommended(
            (Thread.id, Thread.title, Thread.recommendation_count, Thread.last_activity_at),
            Thread.region_id == Region.id,
        )
        .correlate(Region)
        .subquery()
    )
    return select(reads.json_rows(*shown.c)).scalar_subquery()


def recommended_from_column(value: str | None, region: Region) -> list[Recommended]:
    """What :func:`recommended_column` gave for ``region``: most recommended first, then the
    latest active, as the statement orders them."""
    found = sorted(
        reads.json_rows_of(value),
        key=lambda row: (row[2], reads.json_datetime(row[3])),
        reverse=True,
    )
    return [
        Recommended(thread_id, title, count, region.name, region.is_national)
        for thread_id, title, count, _last_activity_at in found
    ]


@cache
def _thread_by_id() -> Select[tuple[Thread]]:
    # One query, built once: the region's few host appointments (whose ids the permissions
    # read) and the thread's few themes joined, not loaded after.
    return (
        select(Thread)
        .where(Thread.id == bindparam("thread_id"))
        .options(
            joinedload(Thread.region).joinedload(Region.host_links),
            joinedload(Thread.author),
            joinedload(Thread.place).joinedload(Place.region),
            joinedload(Thread.theme_links),
        )
    )


def thread_by_id(thread_id: int) -> Thread | None:
    found = db.session.execute(_thread_by_id(), {"thread_id": thread_id})
    return found.unique().scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """The thread for its own page, with what the reader has to do with it: how they follow
    it and whether they said "this works for us too"."""

    thread: Thread
    follow: FollowLevel | None
    recommended: bool
    posted_replies: int
    """Every reply ever posted in the thread, deleted ones included (their placeholders stay):
    this only grows, so it tells whether the thread's branches changed."""
    banners: tuple[ThreadBanner, ...]
    """The action items the thread feeds (``actions.services.banners_from_column``)."""


@cache
def _thread_page() -> Select[Any]:
    recommended = exists().where(
        Recommendation.thread_id == Thread.id,
        Recommendation.user_id == bindparam("reader_id"),
    )
    # What the page reads and no more: the author shows with the opening post (read with the
    # replies), and of the place its name, whether the reader may see it and its region's id.
    place = joinedload(Thread.place).options(
        load_only(Place.id, Place.name, Place.status, Place.proposed_by_id, Place.region_id),
        joinedload(Place.region).load_only(Region.id),
    )
    replies = (
        select(func.count())
        .where(Post.thread_id == Thread.id, Post.is_opening.is_(False))
        .scalar_subquery()
    )
    return (
        select(
            Thread,
            following.follow_level_column(Follow.thread_id, Thread.id).scalar_subquery(),
            recommended,
            replies,
            actions.banners_column(),
        )
        .where(Thread.id == bindparam("thread_id"))
        .options(
            joinedload(Thread.region).joinedload(Region.host_links),
            place,
            joinedload(Thread.theme_links),
        )
    )


def thread_page(thread_id: int, reader: Any) -> ThreadPage | None:
    """The thread with the reader's follow level, their recommendation, its count of replies
    and its banners as columns of its row: one query where there were four."""
    values = {
        "thread_id": thread_id,
        "reader_id": reader.id if getattr(reader, "is_authenticated", False) else None,
    }
    row = db.session.execute(_thread_page(), values).unique().one_or_none()
    if row is None:
        return None
    thread, follow, recommended, replies, banners = row
    return ThreadPage(
        thread=thread,
        follow=following.as_follow_level(follow),
        recommended=bool(recommended),
        posted_replies=int(replies or 0),
        banners=actions.banners_from_column(banners),
    )


def post_by_id(post_id: int) -> Post | None:
    return db.session.scalar(
        select(Post)
        .where(Post.id == post_id)
        .options(
            joinedload(Post.author),
            joinedload(Post.thread).joinedload(Thread.region),
            joinedload(Post.thread).selectinload(Thread.theme_links),
        )
    )


def opening_post(thread: Thread) -> Post | None:
    return db.session.scalar(
        select(Post)
        .where(Post.thread_id == thread.id, Post.is_opening.is_(True))
        .options(joinedload(Post.author))
    )


def accepted_answer(thread: Thread) -> Post | None:
    if not thread.has_accepted_answer:
        return None
    return db.session.scalar(
        select(Post)
        .where(Post.thread_id == thread.id, Post.accepted_at.is_not(None))
        .options(joinedload(Post.author))
    )


@dataclass
class ReplyPage:
    """One page of replies, whole branches only, in reading order."""

    number: int
    pages: int
    posts: list[PostSummary] = field(default_factory=list)
    parents: dict[int, PostSummary] = field(default_factory=dict)
    opening: PostSummary | None = None

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass(frozen=True, slots=True)
class PostSummary(PostState):
    """A post as its thread page shows it, read as a row: the page's 40 replies cost a fraction
    of loading Post objects with their authors. Only for showing; changes go through Post."""

    id: int
    thread_id: int
    parent_id: int | None
    root_id: int | None
    author_id: int | None
    is_opening: bool
    depth: int
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    accepted_at: datetime | None
    edited_by_id: int | None
    hidden_at: datetime | None
    hidden_reason: str | None
    author: AuthorSummary | None
    thread: Thread


@cache
def _reply_statements() -> tuple[Select[Any], Select[Any]]:
    """The sizes of a thread's branches, and the opening post with the replies of the
    branches from one root to another: built once, the values bound on every page."""
    bounds = (
        select(Post.root_id, func.count())
        .where(Post.thread_id == bindparam("thread_id"), Post.is_opening.is_(False))
        .group_by(Post.root_id)
        .order_by(Post.root_id)
    )
    on_page = and_(
        Post.is_opening.is_(False),
        Post.root_id >= bindparam("first"),
        Post.root_id <= bindparam("last"),
    )
    posts = (
        select(
            Post.id,
            Post.thread_id,
            Post.parent_id,
            Post.root_id,
            Post.author_id,
            Post.is_opening,
            Post.depth,
            Post.body_html,
            Post.created_at,
            Post.edited_at,
            Post.deleted_at,
            Post.accepted_at,
            Post.edited_by_id,
            Post.hidden_at,
            Post.hidden_reason,
            User.display_name,
            User.participant_kind,
            User.is_admin,
        )
        .outerjoin(User, User.id == Post.author_id)
        .where(Post.thread_id == bindparam("thread_id"), or_(Post.is_opening.is_(True), on_page))
        .order_by(Post.is_opening.desc(), Post.root_id, Post.path)
    )
    return bounds, posts


_bounds: LRUCache[tuple[Any, ...], list[tuple[int, int]]] = LRUCache(maxsize=20_000)
_bounds_lock = Lock()


def forget_page_bounds() -> None:
    """Work the pages out anew (tests that reuse a thread's id in a new database)."""
    with _bounds_lock:
        _bounds.clear()


def _remembered_bounds(
    thread: Thread, per_page: int, posted_replies: int | None
) -> list[tuple[int, int]]:
    """The page bounds, remembered per process under what decides them: replies are only ever
    added (a deleted one keeps its place), so a thread with as many replies as before has the
    same branches. The count comes from the thread's own query (``ThreadPage``); without it the
    bounds are worked out."""
    if posted_replies is None:
        return _page_bounds(thread, per_page)
    key = (thread.id, thread.created_at, posted_replies, per_page)
    with _bounds_lock:  # a look-up reorders the cache too
        found = _bounds.get(key)
    if found is None:
        found = _page_bounds(thread, per_page)
        with _bounds_lock:
            _bounds[key] = found
    return found


def _page_bounds(thread: Thread, per_page: int) -> list[tuple[int, int]]:
    """(first root id, last root id) per page; branches are never split over pages."""
    counts = reads.rows(_reply_statements()[0], {"thread_id": thread.id})
    bounds: list[tuple[int, int]] = []
    first: int | None = None
    size = 0
    for root_id, count in counts:
        if first is None:
            first = root_id
        size += count
        if size >= per_page:
            bounds.append((first, root_id))
            first, size = None, 0
    if first is not None:
        bounds.append((first, counts[-1][0]))
    return bounds


def reply_page(
    thread: Thread,
    number: int,
    per_page: int = REPLIES_PER_PAGE,
    *,
    posted_replies: int | None = None,
) -> ReplyPage:
    """The opening post and the replies on page ``number`` (from 1): one query, whatever the
    thread's size, when ``posted_replies`` (from ``thread_page``) finds the page bounds
    remembered; two when they are worked out. The posts come as rows with their authors,
    without their Markdown source: the page shows the HTML."""
    bounds = _remembered_bounds(thread, per_page, posted_replies)
    pages = max(len(bounds), 1)
    number = min(max(number, 1), pages)
    # Without replies, a page from 0 to -1 holds none: only the opening post matches.
    first, last = bounds[number - 1] if bounds else (0, -1)
    found = [
        PostSummary(
            *row[:15],
            author=AuthorSummary(row[4], row[15], row[16], row[17]) if row[4] is not None else None,
            thread=thread,
        )
        for row in reads.rows(
            _reply_statements()[1], {"thread_id": thread.id, "first": first, "last": last}
        )
    ]
    opening = found[0] if found and found[0].is_opening else None
    posts = [post for post in found if not post.is_opening]
    return ReplyPage(
        number=number,
        pages=pages,
        posts=posts,
        parents={p.id: p for p in posts},
        opening=opening,
    )


def page_of_post(post: Post, per_page: int = REPLIES_PER_PAGE) -> int:
    """The reply page a post is on (1 for the opening post)."""
    if post.is_opening or post.root_id is None:
        return 1
    for number, (first, last) in enumerate(_page_bounds(post.thread, per_page), start=1):
        if first <= post.root_id <= last:
            return number
    return 1


def revisions_of(post: Post) -> Sequence[PostRevision]:
    return db.session.scalars(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
        .options(joinedload(PostRevision.replaced_by))
    ).all()


def recent_threads(*, region_ids: Iterable[int], limit: int = 8) -> Sequence[Thread]:
    """What moved lately in the given regions, for the home page."""
    ids = list(region_ids)
    if not ids:
        return []
    return db.session.scalars(
        select(Thread)
        .where(Thread.region_id.in_(ids))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit)
        .options(
            joinedload(Thread.author),
            joinedload(Thread.region),
            selectinload(Thread.theme_links),
        )
    ).all()
