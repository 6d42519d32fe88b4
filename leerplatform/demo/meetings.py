"""Demo regiotafels in Amsterdam (5515): one held, with minutes and decisions that became
action items, and one coming, with an agenda, proposals and answers of who comes.

The texts are data, not interface, so they are not translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import exists, func, select

from leerplatform.accounts.models import User
from leerplatform.actions.models import ActionItem, ActionStatus
from leerplatform.clock import LOCAL, local_today, utcnow
from leerplatform.demo.services import DEMO_DOMAIN, demo_email
from leerplatform.extensions import db
from leerplatform.forum.models import Theme, Thread, ThreadKind
from leerplatform.meetings import services
from leerplatform.meetings.models import Answer, Meeting
from leerplatform.regions.models import Region
from leerplatform.regions.services import region_by_code

AMSTERDAM = "5515"

PAST_MINUTES = """\
## Wie waren er

Acht ouders, twee zorgaanbieders, een Metgezel en twee medewerkers van het zorgkantoor.

## Logeren in de zomervakantie

Ouders vertelden dat logeerplekken in juli en augustus maanden van tevoren vol zitten. Twee
aanbieders herkennen dat: ze hebben te weinig verpleegkundigen in de vakantie.

**Besluit:** het zorgkantoor zet per aanbieder op een rij hoeveel logeernachten er in de
zomer zijn, en deelt dat hier.

## Vervoer naar de dagbesteding

Het vervoer komt vaak te laat, waardoor de dag korter wordt. Er is al een actiepunt voor.

**Besluit:** het zorgkantoor bespreekt de klachten met de vervoerder en vertelt bij de
volgende regiotafel wat eruit kwam.

## Volgende keer

Over acht weken, weer op dinsdagavond. Iedereen mag onderwerpen voorstellen op het platform.
"""

PAST_DESCRIPTION = """\
We praten over logeren in de vakanties en over het vervoer naar de dagbesteding. Koffie en
thee staan klaar vanaf 19.15 uur. Je kunt ook via video meedoen.
"""

COMING_DESCRIPTION = """\
We kijken terug op de besluiten van de vorige keer en praten over wat ouders nu het meest
tegenkomen. Zet hieronder wat jij wilt bespreken.
"""


def demo_meeting_count() -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(Meeting).where(Meeting.is_demo.is_(True))
        )
        or 0
    )


def _evening(days_from_today: int) -> tuple[datetime, datetime]:
    day = local_today() + timedelta(days=days_from_today)
    start = datetime.combine(day, time(19, 30), tzinfo=LOCAL)
    return start, start + timedelta(hours=2)


def _demo_threads(
    region_id: int,
    kind: ThreadKind,
    count: int,
    created_before: datetime | None = None,
    exclude: Sequence[int] = (),
) -> list[Thread]:
    query = (
        select(Thread)
        .where(
            Thread.region_id == region_id,
            Thread.kind == kind.value,
            Thread.is_demo.is_(True),
            Thread.id.not_in(list(exclude)),
        )
        .order_by(Thread.last_activity_at.desc(), Thread.id)
        .limit(count)
    )
    if created_before is not None:
        query = query.where(Thread.created_at < created_before)
    return list(db.session.scalars(query))


def _demo_items(
    region_id: int,
    count: int,
    quiet_since: datetime | None = None,
    exclude: Sequence[int] = (),
) -> list[ActionItem]:
    """Active demo items of the region; with ``quiet_since``, only those with nothing newer in
    their timeline, so a decision dated then is the latest entry (timelines stay in order)."""
    query = (
        select(ActionItem)
        .where(
            ActionItem.region_id == region_id,
            ActionItem.is_demo.is_(True),
            ActionItem.status.in_([ActionStatus.OPEN.value, ActionStatus.IN_BEHANDELING.value]),
            ActionItem.id.not_in(list(exclude)),
        )
        .order_by(ActionItem.id)
        .limit(count)
    )
    if quiet_since is not None:
        query = query.where(ActionItem.last_activity_at < quiet_since)
    return list(db.session.scalars(query))


def _held_days_ago(region_id: int) -> int:
    """About five weeks ago, or later if needed: the meeting's decision about an existing item
    must be the newest entry of that item's timeline, so it is held after the item went quiet."""
    quietest = db.session.scalar(
        select(func.min(ActionItem.last_activity_at)).where(
            ActionItem.region_id == region_id,
            ActionItem.is_demo.is_(True),
            ActionItem.status.in_([ActionStatus.OPEN.value, ActionStatus.IN_BEHANDELING.value]),
        )
    )
    if quietest is None:
        return 35
    quiet_days = (local_today() - quietest.astimezone(LOCAL).date()).days
    return max(3, min(35, quiet_days - 3))


def load_meetings_demo() -> int:
    """Add the two Amsterdam meetings unless they are there; return how many were made.
    Caller commits."""
    if db.session.scalar(select(exists().where(Meeting.is_demo.is_(True)))):
        return 0
    region = region_by_code(AMSTERDAM)
    people = {
        role: db.session.scalar(select(User).where(User.email == demo_email(role)))
        for role in ("gastheer", "ouder", "zorgprofessional", "zorgaanbieder")
    }
    host = people["gastheer"]
    if region is None or host is None:
        return 0
    others = list(
        db.session.scalars(
            select(User)
            .where(
                User.email.like(f"deelnemer-%@{DEMO_DOMAIN}"),
                User.home_region_id == region.id,
            )
            .order_by(User.email)
            .limit(6)
        )
    )
    # What the held meeting discussed existed before it; its decisions are the latest news.
    days_ago = _held_days_ago(region.id)
    held_start, _end = _evening(-days_ago)
    before = held_start - timedelta(days=7)
    held_threads = _demo_threads(region.id, ThreadKind.KNELPUNT, 2, created_before=before)
    # An item quiet since before the meeting; when the day's demo has none (every active item
    # moved in the last days), the first active one, its decision written down after its news.
    held_items = _demo_items(
        region.id, 1, quiet_since=held_start - timedelta(days=1)
    ) or _demo_items(region.id, 1)
    bottlenecks = _demo_threads(
        region.id, ThreadKind.KNELPUNT, 2, exclude=[t.id for t in held_threads]
    )
    practices = _demo_threads(region.id, ThreadKind.GOED_VOORBEELD, 2)
    coming_items = _demo_items(region.id, 2, exclude=[item.id for item in held_items])

    _held_meeting(region, host, people, others, held_threads, held_items, days_ago)
    _coming_meeting(region, host, people, others, bottlenecks, practices, coming_items)
    db.session.flush()
    return 2


def _respond(meeting: Meeting, answers: list[tuple[User | None, Answer]]) -> None:
    for person, answer in answers:
        if person is not None:
            services.respond(meeting=meeting, user=person, answer=answer)


def _held_meeting(
    region: Region,
    host: User,
    people: dict[str, User | None],
    others: list[User],
    bottlenecks: list[Thread],
    items: list[ActionItem],
    days_ago: int,
) -> None:
    starts, ends = _evening(-days_ago)
    meeting = services.schedule_meeting(
        region=region,
        host=host,
        details=services.MeetingDetails(
            title="Regiotafel Amsterdam: logeren en vervoer",
            starts_at=starts,
            ends_at=ends,
            location="Buurthuis De Pijp, Ferdinand Bolstraat 10, Amsterdam (demo-adres)",
            video_url="https://video.example/regiotafel-amsterdam",
            invited="Ouders, zorgaanbieders, Metgezellen en het zorgkantoor in de regio Amsterdam",
            description=PAST_DESCRIPTION,
        ),
        is_demo=True,
    )
    meeting.created_at = meeting.updated_at = starts - timedelta(days=21)
    meeting.reminder_sent_at = starts - timedelta(days=1)
    services.pick_for_agenda(meeting=meeting, host=host, threads=bottlenecks, items=items)
    _respond(
        meeting,
        [
            (people["ouder"], Answer.JA),
            (people["zorgprofessional"], Answer.JA),
            (people["zorgaanbieder"], Answer.MISSCHIEN),
            *[(person, Answer.JA) for person in others[:4]],
            *[(person, Answer.NEE) for person in others[4:]],
        ],
    )
    services.publish_minutes(meeting=meeting, host=host, minutes=PAST_MINUTES)
    decided = ends + timedelta(days=1)
    meeting.minutes_published_at = meeting.updated_at = decided
    services.decide_new_item(
        meeting=meeting,
        host=host,
        title="Logeernachten in de zomer per aanbieder op een rij",
        description=(
            "Besloten aan de regiotafel: het zorgkantoor zet per aanbieder op een rij hoeveel "
            "logeernachten er in juli en augustus zijn, en deelt dat op het platform."
        ),
        themes=[Theme.LOGEREN, Theme.PERSONEEL],
        owner=host,
        target_date=local_today() + timedelta(days=40),
        threads=bottlenecks[:1],
        is_demo=True,
        at=decided,
    )
    for item in items:
        services.decide_on_item(
            meeting=meeting,
            host=host,
            item=item,
            decision=(
                "Besloten aan de regiotafel: het zorgkantoor bespreekt dit met de betrokken "
                "partijen en vertelt bij de volgende regiotafel wat eruit kwam."
            ),
            # The newest entry of the item's timeline, and never in the future.
            at=min(max(decided, item.last_activity_at) + timedelta(minutes=5), utcnow()),
        )


def _coming_meeting(
    region: Region,
    host: User,
    people: dict[str, User | None],
    others: list[User],
    bottlenecks: list[Thread],
    practices: list[Thread],
    items: list[ActionItem],
) -> None:
    starts, ends = _evening(16)
    meeting = services.schedule_meeting(
        region=region,
        host=host,
        details=services.MeetingDetails(
            title="Regiotafel Amsterdam: wat gebeurde er met onze besluiten?",
            starts_at=starts,
            ends_at=ends,
            location="Stadsloket Centrum, Amstel 1, Amsterdam (demo-adres)",
            video_url="https://video.example/regiotafel-amsterdam",
            invited="Ouders, zorgaanbieders, Metgezellen en het zorgkantoor in de regio Amsterdam",
            description=COMING_DESCRIPTION,
        ),
        is_demo=True,
    )
    meeting.created_at = meeting.updated_at = starts - timedelta(days=20)
    services.pick_for_agenda(
        meeting=meeting, host=host, threads=[*bottlenecks[:1], *practices[:1]], items=items
    )
    ouder, professional = people["ouder"], people["zorgprofessional"]
    if ouder is not None:
        accepted = services.propose_agenda_item(
            meeting=meeting,
            user=ouder,
            title="Vervoer naar de dagbesteding in de schoolvakanties",
            note="In de vakanties rijdt de taxi andere tijden. Mijn zoon is dan uren onderweg.",
        )
        services.decide_agenda_item(entry=accepted, host=host, accept=True)
    if professional is not None and len(bottlenecks) > 1:
        services.propose_agenda_item(
            meeting=meeting,
            user=professional,
            title="Wachtlijsten voor deeltijdwonen",
            note="Ik hoor van veel ouders dat ze al twee jaar wachten.",
            thread=bottlenecks[1],
        )
    _respond(
        meeting,
        [
            (ouder, Answer.JA),
            (professional, Answer.MISSCHIEN),
            *[(person, Answer.JA) for person in others[:3]],
            *[(person, Answer.NEE) for person in others[3:4]],
        ],
    )
