"""Scheduling a regiotafel, its agenda, who comes, its minutes and decisions, and the reminder.

Writes add and flush; the caller commits. Decisions go through the action item services, so
they notify followers like every other change of an item.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ScalarSelect, bindparam, func, literal_column, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from leerplatform import reads
from leerplatform.actions import services as actions
from leerplatform.actions.models import ActionItem, ActionItemUpdate, ActionStatus
from leerplatform.clock import LOCAL, utcnow
from leerplatform.extensions import db
from leerplatform.following.models import EmailFrequency
from leerplatform.forum.models import Theme, Thread, ThreadKind
from leerplatform.meetings.models import (
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    Answer,
    Meeting,
    MeetingResponse,
)
from leerplatform.regions.models import Region, RegionHost
from leerplatform.text import render_markdown

if TYPE_CHECKING:
    from leerplatform.accounts.models import User

PAST_MEETINGS_ON_REGION_PAGE = 5
PICKABLE_LIMIT = 40


class AlreadyOnAgendaError(Exception):
    """The conversation or action item is on this meeting's agenda, or proposed for it."""


def local_moment(day: date, at: time) -> datetime:
    """A date and a time on a Dutch clock, as an aware UTC moment (summer time included)."""
    return datetime.combine(day, at, tzinfo=LOCAL).astimezone(UTC)


@dataclass(frozen=True)
class MeetingDetails:
    """What a host fills in when scheduling or changing a meeting."""

    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    video_url: str
    invited: str
    description: str


def _apply(meeting: Meeting, details: MeetingDetails) -> None:
    meeting.title = details.title.strip()
    meeting.starts_at = details.starts_at
    meeting.ends_at = details.ends_at
    meeting.location = details.location.strip()
    meeting.video_url = details.video_url.strip()
    meeting.invited = details.invited.strip()
    meeting.description_source = details.description
    meeting.description_html = str(render_markdown(details.description))


def meeting_by_submission(author: User, submission_key: str | None) -> Meeting | None:
    if not submission_key:
        return None
    return db.session.scalar(
        select(Meeting).where(
            Meeting.created_by_id == author.id, Meeting.submission_key == submission_key
        )
    )


def schedule_meeting(
    *,
    region: Region,
    host: User,
    details: MeetingDetails,
    submission_key: str | None = None,
    is_demo: bool = False,
) -> Meeting:
    """A new meeting of the region's table; the same submission twice gives the first one.
    Caller commits."""
    earlier = meeting_by_submission(host, submission_key)
    if earlier is not None:
        return earlier
    meeting = Meeting(
        region=region, created_by=host, submission_key=submission_key, is_demo=is_demo
    )
    _apply(meeting, details)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def change_meeting(*, meeting: Meeting, details: MeetingDetails) -> bool:
    """Change what a meeting is, when and where; return whether anything changed.

    A new time sends a new reminder; calendars see a higher sequence number. Caller commits.
    """
    before = (
        meeting.title,
        meeting.starts_at,
        meeting.ends_at,
        meeting.location,
        meeting.video_url,
        meeting.invited,
        meeting.description_source,
    )
    _apply(meeting, details)
    after = (
        meeting.title,
        meeting.starts_at,
        meeting.ends_at,
        meeting.location,
        meeting.video_url,
        meeting.invited,
        meeting.description_source,
    )
    if before == after:
        return False
    if before[1] != after[1]:
        meeting.reminder_sent_at = None
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    db.session.flush()
    return True


def respond(*, meeting: Meeting, user: User, answer: Answer) -> MeetingResponse:
    """Say (or change) whether one comes. Caller commits."""
    response = db.session.get(MeetingResponse, (meeting.id, user.id))
    if response is None:
        response = MeetingResponse(meeting_id=meeting.id, user_id=user.id, answer=answer.value)
        db.session.add(response)
    else:
        response.answer = answer.value
        response.updated_at = utcnow()
    db.session.flush()
    return response


# The agenda


def _next_position(meeting: Meeting) -> int:
    highest = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    return int(highest or 0) + 1


def _existing(meeting: Meeting, *, thread: Thread | None, item: ActionItem | None) -> AgendaItem:
    condition = (
        AgendaItem.thread_id == thread.id
        if thread is not None
        else AgendaItem.action_item_id == (item.id if item is not None else None)
    )
    return db.session.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, condition)
    )


def pick_for_agenda(
    *,
    meeting: Meeting,
    host: User,
    threads: Iterable[Thread] = (),
    items: Iterable[ActionItem] = (),
) -> int:
    """Put conversations and action items on the agenda; a proposal of the same thing is
    accepted with it. Return how many were added. Caller commits."""
    added = 0
    now = utcnow()
    subjects: list[tuple[Thread | None, ActionItem | None]] = [(t, None) for t in threads]
    subjects += [(None, i) for i in items]
    for thread, item in subjects:
        entry = _existing(meeting, thread=thread, item=item)
        if entry is not None:
            if entry.status != AgendaStatus.AANGENOMEN.value:
                _decide(entry, host=host, status=AgendaStatus.AANGENOMEN, at=now)
                added += 1
            continue
        db.session.add(
            AgendaItem(
                meeting_id=meeting.id,
                kind=(AgendaKind.ONDERWERP if thread is not None else AgendaKind.ACTIEPUNT).value,
                thread_id=thread.id if thread is not None else None,
                action_item_id=item.id if item is not None else None,
                status=AgendaStatus.AANGENOMEN.value,
                position=_next_position(meeting) + added,
                proposed_by_id=host.id,
                decided_by_id=host.id,
                decided_at=now,
                created_at=now,
            )
        )
        added += 1
    db.session.flush()
    return added


def propose_agenda_item(
    *,
    meeting: Meeting,
    user: User,
    title: str,
    note: str,
    thread: Thread | None = None,
    item: ActionItem | None = None,
) -> AgendaItem:
    """A participant's proposal for the agenda: a topic in their own words, or a conversation
    or action item of the region. Raise :class:`AlreadyOnAgendaError` for one that is there.
    Caller commits."""
    if (thread is not None or item is not None) and _existing(
        meeting, thread=thread, item=item
    ) is not None:
        raise AlreadyOnAgendaError
    kind = AgendaKind.EIGEN
    if thread is not None:
        kind = AgendaKind.ONDERWERP
    elif item is not None:
        kind = AgendaKind.ACTIEPUNT
    entry = AgendaItem(
        meeting_id=meeting.id,
        kind=kind.value,
        thread_id=thread.id if thread is not None else None,
        action_item_id=item.id if item is not None else None,
        title=title.strip(),
        note=note.strip(),
        status=AgendaStatus.VOORGESTELD.value,
        position=_next_position(meeting),
        proposed_by_id=user.id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _decide(entry: AgendaItem, *, host: User, status: AgendaStatus, at: datetime) -> None:
    entry.status = status.value
    entry.decided_by_id = host.id
    entry.decided_at = at


def decide_agenda_item(*, entry: AgendaItem, host: User, accept: bool) -> None:
    """Accept a proposal onto the agenda, or decline it. Caller commits."""
    status = AgendaStatus.AANGENOMEN if accept else AgendaStatus.AFGEWEZEN
    _decide(entry, host=host, status=status, at=utcnow())
    db.session.flush()


# Minutes and decisions


def publish_minutes(*, meeting: Meeting, host: User, minutes: str) -> bool:
    """Publish (or correct) the minutes; return whether they were new. Caller commits."""
    first = meeting.minutes_published_at is None
    meeting.minutes_source = minutes
    meeting.minutes_html = str(render_markdown(minutes))
    meeting.minutes_by_id = host.id
    if first:
        meeting.minutes_published_at = utcnow()
    meeting.updated_at = utcnow()
    db.session.flush()
    return first


def decide_new_item(
    *,
    meeting: Meeting,
    host: User,
    title: str,
    description: str,
    themes: Iterable[Theme | str],
    owner: User | None = None,
    target_date: date | None = None,
    threads: Iterable[Thread] = (),
    submission_key: str | None = None,
    is_demo: bool = False,
    at: datetime | None = None,
) -> ActionItem:
    """A decision that starts something new: an action item of the region, whose first
    timeline entry names this meeting. Caller commits."""
    return actions.create_item(
        region=meeting.region,
        author=host,
        title=title,
        description=description,
        themes=themes,
        owner=owner,
        target_date=target_date,
        threads=threads,
        meeting=meeting,
        submission_key=submission_key,
        is_demo=is_demo,
        at=at,
    )


def decide_on_item(
    *,
    meeting: Meeting,
    host: User,
    item: ActionItem,
    decision: str,
    submission_key: str | None = None,
    at: datetime | None = None,
) -> ActionItemUpdate:
    """A decision about an existing action item: an entry in its timeline that names this
    meeting. Caller commits."""
    return actions.add_update(
        item=item,
        author=host,
        body=decision,
        meeting=meeting,
        submission_key=submission_key,
        at=at,
    )


# The reminder


def due_for_reminder(now: datetime) -> list[int]:
    """Meetings that start between now and the end of tomorrow (Dutch time) and have had
    no reminder yet. A daily run the day before catches each meeting once; a meeting made at
    short notice gets its reminder at the next run."""
    end_of_tomorrow = datetime.combine(
        now.astimezone(LOCAL).date() + timedelta(days=2), time(0, 0), tzinfo=LOCAL
    )
    return list(
        db.session.scalars(
            select(Meeting.id)
            .where(
                Meeting.reminder_sent_at.is_(None),
                Meeting.starts_at > now,
                Meeting.starts_at < end_of_tomorrow,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def claim_reminder(meeting_id: int, now: datetime) -> bool:
    """Mark a meeting's reminder as sent, if no one did so first: of two runs at once, one
    wins, and the loser's transaction queues nothing. Caller commits."""
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id, Meeting.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def reminder_recipients(meeting: Meeting) -> list[User]:
    """Who said they come (or maybe), may still read the region, has a confirmed address and
    did not turn e-mail off."""
    from leerplatform.accounts.models import User
    from leerplatform.permissions import can_read_region

    people = db.session.scalars(
        select(User)
        .join(MeetingResponse, MeetingResponse.user_id == User.id)
        .where(
            MeetingResponse.meeting_id == meeting.id,
            MeetingResponse.answer.in_([Answer.JA.value, Answer.MISSCHIEN.value]),
            User.email_frequency != EmailFrequency.NOOIT.value,
        )
        .order_by(User.id)
        .options(selectinload(User.memberships), selectinload(User.host_links))
    ).all()
    return [p for p in people if p.is_verified and can_read_region(p, meeting.region)]


# Reads


def meeting_by_id(meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.region).selectinload(Region.host_links).joinedload(RegionHost.user),
            joinedload(Meeting.created_by),
        )
    )


def agenda_of(meeting: Meeting) -> Sequence[AgendaItem]:
    """Every point on or proposed for the agenda, in order, with what it is about: one query."""
    return db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
        .options(
            joinedload(AgendaItem.thread),
            joinedload(AgendaItem.action_item),
            joinedload(AgendaItem.proposed_by),
        )
    ).all()


def agenda_entry(meeting: Meeting, entry_id: int) -> AgendaItem | None:
    return db.session.scalar(
        select(AgendaItem).where(AgendaItem.id == entry_id, AgendaItem.meeting_id == meeting.id)
    )


def responses_of(meeting: Meeting) -> Sequence[MeetingResponse]:
    return db.session.scalars(
        select(MeetingResponse)
        .where(MeetingResponse.meeting_id == meeting.id)
        .order_by(MeetingResponse.updated_at)
        .options(joinedload(MeetingResponse.user))
    ).all()


def answer_counts(responses: Sequence[MeetingResponse]) -> Counter[str]:
    return Counter(r.answer for r in responses)


def decisions_of(meeting: Meeting) -> Sequence[ActionItemUpdate]:
    """The timeline entries that record this meeting's decisions, with their items."""
    return db.session.scalars(
        select(ActionItemUpdate)
        .where(ActionItemUpdate.meeting_id == meeting.id)
        .order_by(ActionItemUpdate.created_at, ActionItemUpdate.id)
        .options(joinedload(ActionItemUpdate.action_item).joinedload(ActionItem.region))
    ).all()


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    """A meeting as the region's page lists it (``meeting_row``, the earlier ones' links)."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    video_url: str
    is_demo: bool
    minutes_published_at: datetime | None

    @property
    def has_minutes(self) -> bool:
        return self.minutes_published_at is not None


@cache
def space_meetings_column() -> ScalarSelect[Any]:
    """The next meeting and the latest past ones of the region in the enclosing query (a
    ``select`` of :class:`Region`, with ``now`` bound) as one :class:`~leerplatform.reads.json_rows`
    column: the region's page reads them in the region's own query.
    :func:`space_meetings_from_column` makes them summaries again. The limits are written into
    the statement: as parameters, PostgreSQL would plan it anew on every request."""
    upcoming = (
        select(Meeting.id)
        .where(Meeting.region_id == Region.id, Meeting.ends_at > bindparam("now"))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(literal_column("1"))
        .correlate(Region)
        .scalar_subquery()
    )
    past = (
        select(Meeting.id)
        .where(Meeting.region_id == Region.id, Meeting.ends_at <= bindparam("now"))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(literal_column(str(PAST_MEETINGS_ON_REGION_PAGE)))
        .correlate(Region)
    )
    shown = (
        select(
            Meeting.id,
            Meeting.title,
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.location,
            Meeting.video_url,
            Meeting.is_demo,
            Meeting.minutes_published_at,
        )
        .where(or_(Meeting.id == upcoming, Meeting.id.in_(past)))
        .correlate(Region)
        .subquery()
    )
    return select(reads.json_rows(*shown.c)).scalar_subquery()


def space_meetings_from_column(
    value: str | None, now: datetime
) -> tuple[MeetingSummary | None, list[MeetingSummary]]:
    """What :func:`space_meetings_column` gave: the next meeting, and the past ones latest
    first."""
    found = sorted(
        (
            MeetingSummary(
                id=meeting_id,
                title=title,
                starts_at=reads.json_datetime(starts_at),
                ends_at=reads.json_datetime(ends_at),
                location=location,
                video_url=video_url,
                is_demo=bool(is_demo),
                minutes_published_at=(
                    reads.json_datetime(minutes_at) if minutes_at is not None else None
                ),
            )
            for meeting_id, title, starts_at, ends_at, location, video_url, is_demo, minutes_at in (
                reads.json_rows_of(value)
            )
        ),
        key=lambda meeting: (meeting.starts_at, meeting.id),
        reverse=True,
    )
    coming = next((m for m in found if m.ends_at > now), None)
    return coming, [m for m in found if m.ends_at <= now]


def calendar_meetings(region: Region, now: datetime, limit: int = 100) -> Sequence[Meeting]:
    """What a region's calendar feed carries: coming meetings and those of the last year."""
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.region_id == region.id, Meeting.starts_at > now - timedelta(days=365))
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
        .options(joinedload(Meeting.region))
    ).all()


def pickable_threads(meeting: Meeting, kind: ThreadKind) -> Sequence[Thread]:
    """The region's conversations of one kind that are not on the agenda yet, latest first."""
    taken = select(AgendaItem.thread_id).where(
        AgendaItem.meeting_id == meeting.id,
        AgendaItem.thread_id.is_not(None),
        AgendaItem.status == AgendaStatus.AANGENOMEN.value,
    )
    return db.session.scalars(
        select(Thread)
        .where(
            Thread.region_id == meeting.region_id,
            Thread.kind == kind.value,
            Thread.id.not_in(taken),
        )
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(PICKABLE_LIMIT)
    ).all()


def pickable_items(meeting: Meeting) -> Sequence[ActionItem]:
    """The region's active action items (and those escalated from it) not on the agenda yet."""
    taken = select(AgendaItem.action_item_id).where(
        AgendaItem.meeting_id == meeting.id,
        AgendaItem.action_item_id.is_not(None),
        AgendaItem.status == AgendaStatus.AANGENOMEN.value,
    )
    return db.session.scalars(
        select(ActionItem)
        .where(
            or_(
                ActionItem.region_id == meeting.region_id,
                ActionItem.origin_region_id == meeting.region_id,
            ),
            ActionItem.status.in_([s.value for s in ActionStatus if s.is_active]),
            ActionItem.id.not_in(taken),
        )
        .order_by(ActionItem.last_activity_at.desc(), ActionItem.id.desc())
        .limit(PICKABLE_LIMIT * 2)
    ).all()


def decidable_items(meeting: Meeting) -> Sequence[ActionItem]:
    """Action items a decision may update: the region's items that are still being worked on,
    those on the agenda first."""
    on_agenda = select(AgendaItem.action_item_id).where(
        AgendaItem.meeting_id == meeting.id,
        AgendaItem.status == AgendaStatus.AANGENOMEN.value,
        AgendaItem.action_item_id.is_not(None),
    )
    return db.session.scalars(
        select(ActionItem)
        .where(
            or_(
                ActionItem.region_id == meeting.region_id,
                ActionItem.origin_region_id == meeting.region_id,
            ),
            or_(
                ActionItem.status.in_([s.value for s in ActionStatus if s.is_active]),
                ActionItem.id.in_(on_agenda),
            ),
        )
        .order_by(ActionItem.id.in_(on_agenda).desc(), ActionItem.title)
        .limit(200)
    ).all()


def threads_by_ids(region: Region, ids: Iterable[int]) -> list[Thread]:
    wanted = list(ids)
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(Thread).where(Thread.region_id == region.id, Thread.id.in_(wanted))
        )
    )


def items_by_ids(region: Region, ids: Iterable[int]) -> list[ActionItem]:
    wanted = list(ids)
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(ActionItem).where(
                or_(ActionItem.region_id == region.id, ActionItem.origin_region_id == region.id),
                ActionItem.id.in_(wanted),
            )
        )
    )
