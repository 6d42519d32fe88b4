"""Demo moderation: a few open reports in the Amsterdam queue and a history in its log.

The demo host of Amsterdam finds four reports waiting: a reply that names a child with a date
of birth, a provider's reply that reads like an advertisement, an unkind reply and a wrong one.
The region's log tells what the host did over the past months: a conversation relabelled, one
moved to the national space, the long bottleneck pinned and later unpinned, a child's name
taken out of a reply, a report dismissed, a participant warned and later suspended (the
conversation closed for a few days meanwhile) and let back in, and a reply hidden.

Everything here is invented. The texts are data, not interface, so they are not translated.
The moderation services make every change, so the log reads as the app writes it. They take no
moment, so the moment is set afterwards on what they made; the replies the reports are about
are added with the forum's service and dated after the last reply of their thread.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from sqlalchemy import event, exists, func, select
from sqlalchemy.orm import selectinload

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.actions.models import ActionItemLink, ActionProposal
from leerplatform.clock import utcnow
from leerplatform.demo.forum import AMSTERDAM, PARTICIPANTS, SPECIALS, participant_email
from leerplatform.demo.services import DEMO_DOMAIN, demo_email
from leerplatform.extensions import db
from leerplatform.forum.models import Post, PostRevision, Theme, Thread, ThreadKind
from leerplatform.forum.services import edit_post, reply_to
from leerplatform.moderation import services as moderation
from leerplatform.moderation.models import AuditEntry, Report, ReportReason, Suspension
from leerplatform.outbox.models import OutboxMessage
from leerplatform.regions.models import NATIONAL_CODE, Region, RegionMembership

SEED = 5516
SUSPENSION_DAYS = 14

R = ReportReason
T = Theme


def _md(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class _Reply:
    """A reply the demo adds so that a report has something to be about."""

    body: str
    themes: tuple[Theme, ...]
    prefer: tuple[str, ...] = ()
    """Words in the title of the conversation it fits best."""
    kinds: tuple[ThreadKind, ...] = ()


# The history, oldest first.

RELABELS: list[tuple[tuple[str, ...], Theme, str]] = [
    (
        ("Steeds nieuwe invalkrachten op de groep", "Te veel wisselende gezichten in de zorg"),
        T.WONEN,
        "Het gaat hier om de begeleiders op een woongroep. Thema 'wonen' toegevoegd, zodat "
        "ouders die over wonen lezen dit ook vinden.",
    ),
    (
        ("Geen rolstoelvervoer in de zomervakantie", "Zomervakantie: geen vervoer naar de opvang"),
        T.DAGBESTEDING,
        "Het gaat om het vervoer naar de zomeropvang. Thema 'dagbesteding' toegevoegd, zodat het "
        "bij de andere onderwerpen over dagbesteding staat.",
    ),
]

MOVE_REASON = (
    "Dit gaat over landelijke regels en geld, en dat speelt in alle regio's. Verplaatst naar de "
    "landelijke ruimte, zodat ouders uit het hele land meelezen en hun ervaring kunnen delen."
)

PIN_REASON = (
    "Veel ouders herkennen dit. Vastgezet tot de volgende regiotafel, zodat iedereen zijn "
    "ervaring nog kan toevoegen."
)
UNPIN_REASON = (
    "Besproken aan de regiotafel; het actiepunt volgt het verder. Nu staat de terugblik bovenaan."
)

NAMED_CHILD = _Reply(
    _md(
        "Herkenbaar! Kees de Boer (geboren 2 september 2010) logeert sinds dit voorjaar in een "
        "logeerhuis in Amstelveen met een vast team. Sindsdien slaapt hij daar veel beter.",
        "Wil iemand weten welk logeerhuis het is? Vraag het gerust hier.",
    ),
    (T.LOGEREN,),
    prefer=("vast",),
)
NAMED_CHILD_EDITED = _md(
    "Herkenbaar! Onze zoon logeert sinds dit voorjaar in een logeerhuis in Amstelveen met een "
    "vast team. Sindsdien slaapt hij daar veel beter.",
    "Wil iemand weten welk logeerhuis het is? Vraag het gerust hier.",
)
EDIT_REASON = (
    "Naam en geboortedatum van het kind weggehaald, zoals de huisregels vragen. De rest van "
    "het bericht staat er nog."
)

PROVIDER_STORY = _Reply(
    _md(
        "Bij Logeerhuis De Linde werken we sinds vorig jaar met een wakkere nachtdienst voor "
        "vier logeerkinderen. Het kostte ons een half jaar om het rooster rond te krijgen: we "
        "namen twee vaste nachtmedewerkers aan en maakten de avonddienst een uur langer.",
        "Andere aanbieders die hiermee bezig zijn: vraag gerust hoe we het hebben aangepakt.",
    ),
    (T.LOGEREN, T.PERSONEEL),
    prefer=("nachtdienst", "nacht"),
)
PROVIDER_STORY_NOTE = "Is dit niet gewoon reclame voor hun eigen logeerhuis?"
DISMISS_REASON = (
    "Een aanbieder mag vertellen hoe zij iets aanpakken; daar leren we allemaal van. Er staat "
    "geen aanbod, prijs of adres in. Het bericht blijft staan."
)

SNEER = _Reply(
    "Al dat geklaag over invallers. Misschien blijven begeleiders wat langer als sommige ouders "
    "minder zeuren. Kijk eerst eens in de spiegel.",
    (T.PERSONEEL,),
    prefer=("wisselende", "invalkrachten", "vaste gezichten"),
)
SNEER_NOTE = "Dit is kwetsend. Wij klagen niet voor de lol, we maken ons zorgen om ons kind."
WARN_REASON = (
    "Ouders delen hier hun zorgen over wisselende begeleiders, en dat moet kunnen. Reageer op "
    "de zaak en niet op de mensen. Lees de huisregels nog eens; bij een volgende keer kan een "
    "schorsing volgen."
)

ATTACK = _Reply(
    "Jij weet echt niet waar je het over hebt. Lees eerst eens wat hier al geschreven is "
    "voordat je iedereen de les gaat lezen.",
    (),
    kinds=(ThreadKind.VRAAG, ThreadKind.KNELPUNT),
)
ATTACK_NOTE = "Ik deelde alleen wat bij ons werkte. Dit vind ik echt vervelend."
SUSPEND_REASON = (
    "Na een eerdere waarschuwing opnieuw een persoonlijke aanval op een andere deelnemer. Je "
    "kunt twee weken lezen in deze regio, maar niet schrijven."
)
LOCK_REASON = (
    "De reacties worden persoonlijk. Het gesprek is een paar dagen gesloten, zodat iedereen "
    "even kan afkoelen."
)
UNLOCK_REASON = "Weer open. Dank voor jullie geduld; reageer op de zaak, niet op elkaar."
LIFT_REASON = (
    "In een telefoongesprek heeft de deelnemer excuses aangeboden aan de betrokken deelnemer en "
    "beloofd zich aan de huisregels te houden. De schorsing is eerder opgeheven."
)

NAMED_WORKER = _Reply(
    _md(
        "Mooie plannen, maar er moet eerst iets gebeuren aan begeleiders als Sandra Jansen van "
        "het logeerhuis in Uithoorn. Zij liet onze dochter vorige maand een hele nacht in een "
        "natte luier liggen.",
        "Zo iemand hoort niet in de zorg.",
    ),
    (T.LOGEREN, T.PERSONEEL),
    prefer=("terugblik",),
)
NAMED_WORKER_NOTES = (
    (R.PRIVACY, "Hier wordt een medewerker met naam en toenaam beschuldigd."),
    (R.ONVRIENDELIJK, "Begrijpelijk dat ze boos is, maar een begeleider bij naam noemen kan niet."),
)
HIDE_REASON = (
    "Hier wordt een medewerker bij naam genoemd en beschuldigd. Je boosheid is begrijpelijk, "
    "maar dat hoort niet op het platform. Bespreek wat er gebeurde met het logeerhuis of hun "
    "klachtenfunctionaris. Vertel hier gerust wat er misging, zonder namen."
)

# What waits in the queue, oldest first.

ADVERT = _Reply(
    _md(
        "Bij Zorgboerderij De Hooiberg hebben we nog plekken vrij voor logeren en dagbesteding! "
        "Nu met **10% korting** op de eerste maand.",
        "- Logeren vanaf € 185 per etmaal, ook met nachtzorg\n"
        "- Dagbesteding tussen de dieren, vijf dagen per week\n"
        "- Gratis kennismakingsdag",
        "Mail naar info@dehooiberg.example en noem 'leerplatform' voor de speciale actie!",
    ),
    (T.DAGBESTEDING, T.LOGEREN),
    prefer=("zorgboerderij",),
)
ADVERT_NOTE = "Dit is een advertentie met prijzen en een actie, geen ervaring."

WRONG = _Reply(
    "Meerzorg hoef je maar één keer aan te vragen. Daarna loopt het vanzelf door tot je kind 18 "
    "wordt, dus daar hoef je je geen zorgen meer over te maken.",
    (T.BEKOSTIGING, T.REGELGEVING),
    prefer=("meerzorg",),
)
WRONG_NOTE = (
    "Dit klopt niet. Meerzorg wordt voor een bepaalde tijd toegekend; daarna vraag je het "
    "opnieuw aan. Kan iemand van het zorgkantoor dit rechtzetten?"
)

UNKIND = _Reply(
    "Altijd hetzelfde verhaal van de aanbieders: het geld is op. Jullie zijn gewoon te lui om een "
    "nachtdienst te regelen. Hou toch op met die smoesjes.",
    (T.LOGEREN, T.BEKOSTIGING),
    prefer=("kost", "tarief", "vergoed"),
)
UNKIND_NOTE = (
    "Ik begrijp de boosheid, maar dit is kwetsend voor onze medewerkers, die elke dag hun best "
    "doen. Ik wil graag het gesprek aangaan, maar niet zo."
)

NAMED_SON = _Reply(
    _md(
        "Wij geven altijd één A4'tje mee met het belangrijkste. Zo begint het bij ons:",
        "**Bram Visser**, geboren 12 april 2014\n"
        "- Epilepsie: bij een aanval langer dan vijf minuten de noodmedicatie geven.\n"
        "- Sondevoeding om 7, 12, 17 en 22 uur.\n"
        "- Hij lacht als hij iets fijn vindt en trekt zijn wenkbrauwen op als hij pijn heeft.",
        "Misschien hebben jullie er iets aan!",
    ),
    (T.LOGEREN,),
    prefer=("overdracht", "logeermap", "map"),
)
NAMED_SON_NOTE = (
    "Goed bedoeld, maar hier staan de volledige naam en de geboortedatum van haar zoon. Kan dat "
    "eruit?"
)


@dataclass
class Made:
    """What one load made: reports and log entries."""

    reports: int = 0
    entries: int = 0


def demo_moderation_counts() -> tuple[int, int]:
    """Reports by demo accounts, and log entries by demo accounts."""
    demo_ids = select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}")).scalar_subquery()
    reports = db.session.scalar(
        select(func.count()).select_from(Report).where(Report.reporter_id.in_(demo_ids))
    )
    entries = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id.in_(demo_ids))
    )
    return int(reports or 0), int(entries or 0)


def load_moderation_demo() -> tuple[int, int]:
    """Make the Amsterdam reports and log, once; return (reports, log entries) made.

    Once means: not when the demo host has a log entry already. Caller commits.
    """
    host = db.session.scalar(select(User).where(User.email == demo_email("gastheer")))
    region = db.session.scalar(select(Region).where(Region.code == AMSTERDAM))
    if host is None or region is None:
        return 0, 0
    if db.session.scalar(select(exists().where(AuditEntry.actor_id == host.id))):
        return 0, 0
    builder = _ModerationBuilder(host, region)
    if not builder.ready:
        return 0, 0
    # The services mail the authors of hidden posts and warned or suspended participants. Those
    # demo people do not exist, and the mails are about moments months ago: left pending, the
    # outbox worker of `make run` would print them all. So the mails this load queued, and
    # only those, are deleted again before the caller commits.
    with _request_context(), _mails_queued() as mails:
        builder.build()
    for message in mails:
        db.session.delete(message)
    db.session.flush()
    return builder.made.reports, builder.made.entries


@contextmanager
def _request_context() -> Iterator[None]:
    """The mails link to pages, and links need a request, as in `flask outbox deliver`."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/"):
        yield


@contextmanager
def _mails_queued() -> Iterator[list[OutboxMessage]]:
    """Collect the outbox messages added to the session while the block runs."""
    mails: list[OutboxMessage] = []
    session = db.session()

    def collect(_session: object, instance: object) -> None:
        if isinstance(instance, OutboxMessage):
            mails.append(instance)

    event.listen(session, "transient_to_pending", collect)
    try:
        yield mails
    finally:
        event.remove(session, "transient_to_pending", collect)


class _ModerationBuilder:
    def __init__(self, host: User, region: Region) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - varied demo content, not security
        self.now = utcnow()
        self.host = host
        self.region = region
        self.national = db.session.scalar(select(Region).where(Region.code == NATIONAL_CODE))
        self.made = Made()
        users = db.session.scalars(
            select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)
        ).all()
        self.by_email = {user.email: user for user in users}
        member_ids = set(
            db.session.scalars(
                select(RegionMembership.user_id).where(RegionMembership.region_id == region.id)
            )
        )
        self.members = [
            user
            for user in users
            if user.id in member_ids and user.id != host.id and not user.is_admin
        ]
        self.threads = list(
            db.session.scalars(
                select(Thread)
                .where(Thread.region_id == region.id, Thread.is_demo.is_(True))
                .order_by(Thread.id)
                .options(selectinload(Thread.theme_links))
            )
        )
        specials = [s for s in SPECIALS if s.code == AMSTERDAM]
        self.welcome = {s.title for s in specials if s.introductions}
        self.review = next((s.title for s in specials if not s.introductions), None)
        self.busy = set(db.session.scalars(select(ActionItemLink.thread_id))) | set(
            db.session.scalars(select(ActionProposal.thread_id))
        )
        """Threads with action items or proposals: they stay where they are."""
        self.used: set[int] = set()
        """Threads that got a demo reply here: one per thread."""
        self.ready = (
            self.national is not None and len(self.threads) >= 10 and len(self.members) >= 6
        )

    # Who

    def participant(self, name: str) -> User | None:
        for number, (display_name, _kind, _code) in enumerate(PARTICIPANTS, start=1):
            if display_name == name:
                user = self.by_email.get(participant_email(number))
                return user if user in self.members else None
        return None

    def role(self, role: str) -> User | None:
        user = self.by_email.get(demo_email(role))
        return user if user in self.members else None

    def someone(self, preferred: User | None, avoid: Iterable[User | None] = ()) -> User:
        """The preferred member, or else another member; never one of ``avoid``."""
        unwanted = {user.id for user in avoid if user is not None}
        if preferred is not None and preferred.id not in unwanted:
            return preferred
        return self.rng.choice([user for user in self.members if user.id not in unwanted])

    def cast(self) -> dict[str, User]:
        """The people of the stories: named ones where the texts name them, parents drawn."""
        parents = [
            user
            for user in self.members
            if user.participant_kind == ParticipantKind.OUDER.value
            and user.email.startswith("deelnemer-")
        ]
        kees = self.someone(self.participant("Ouders van Kees (demo)"))
        bram = self.someone(self.participant("Moeder van Bram (demo)"), [kees])
        named = [kees, bram]
        others = [user for user in parents if user not in named]
        self.rng.shuffle(others)
        if len(others) < 4:
            others += [user for user in self.members if user not in named and user not in others]
        rude, angry, unkind, mistaken = others[:4]
        return {
            "kees": kees,
            "bram": bram,
            "rude": rude,
            "angry": angry,
            "unkind": unkind,
            "mistaken": mistaken,
        }

    # When

    def ago(self, days: float) -> datetime:
        """``days`` ago, in the daytime."""
        moment = (self.now - timedelta(days=days)).replace(
            hour=self.rng.randint(7, 18),
            minute=self.rng.randint(0, 59),
            second=self.rng.randint(0, 59),
            microsecond=0,
        )
        return self.before_now(moment)

    def later(
        self, moment: datetime, low_hours: float, high_hours: float, *, office: bool = True
    ) -> datetime:
        """Some hours after ``moment``. A host works in the daytime: what falls in the night
        (UTC, so an hour or two earlier than in Amsterdam) moves to the next morning."""
        moment += timedelta(hours=self.rng.uniform(low_hours, high_hours))
        if office and not 6 <= moment.hour < 19:
            morning = moment if moment.hour < 6 else moment + timedelta(days=1)
            moment = morning.replace(hour=self.rng.randint(6, 8), minute=self.rng.randint(0, 59))
        return self.before_now(moment)

    def before_now(self, moment: datetime) -> datetime:
        return min(moment, self.now - timedelta(minutes=10))

    # Where

    def thread_for(self, reply: _Reply, when: datetime) -> Thread | None:
        """A conversation of the region that fits the reply and was quiet by ``when``: the one
        whose last reply is closest before it, or one with a fitting title."""
        quiet_by = min(when + timedelta(days=3), self.now - timedelta(days=1))
        candidates = [
            t
            for t in self.threads
            if t.id not in self.used
            and t.region_id == self.region.id
            and t.title not in self.welcome
            and not t.is_locked
            and t.last_activity_at < quiet_by
            and (not reply.kinds or t.kind in {kind.value for kind in reply.kinds})
        ]
        themes = {theme.value for theme in reply.themes}
        themed = [t for t in candidates if themes & {link.theme for link in t.theme_links}]
        pool = themed or candidates
        preferred = [t for t in pool if any(word in t.title.lower() for word in reply.prefer)]
        pool = preferred or pool
        return max(pool, key=lambda t: (t.last_activity_at, t.id), default=None)

    def add_reply(
        self, reply: _Reply, author: User, when: datetime, parent: Post | None = None
    ) -> Post | None:
        thread = parent.thread if parent is not None else self.thread_for(reply, when)
        if thread is None:
            return None
        quiet_since = thread.last_activity_at
        post = reply_to(thread=thread, author=author, body=reply.body, parent=parent)
        moment = self.before_now(max(when, quiet_since + timedelta(hours=self.rng.uniform(2, 20))))
        post.created_at = moment
        thread.last_activity_at = moment
        self.used.add(thread.id)
        db.session.flush()
        return post

    def last_reply(self, thread: Thread, avoid: User) -> Post | None:
        """The latest reply by someone else, where a reply to it may still go deeper."""
        return db.session.scalar(
            select(Post)
            .where(
                Post.thread_id == thread.id,
                Post.is_opening.is_(False),
                Post.author_id != avoid.id,
                Post.depth < 5,
            )
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(1)
        )

    # What

    def report(self, post: Post, reporter: User, reason: ReportReason, note: str) -> Report | None:
        if not moderation.report(post=post, reporter=reporter, reason=reason, note=note):
            return None
        made = db.session.scalar(
            select(Report).where(Report.post_id == post.id, Report.reporter_id == reporter.id)
        )
        if made is not None:
            made.created_at = self.later(post.created_at, 1, 8, office=False)
            self.made.reports += 1
        return made

    def decided(self, reports: Iterable[Report | None], moment: datetime) -> None:
        """The services decide with one UPDATE; the moment is set on what they decided."""
        for found in reports:
            if found is not None:
                db.session.refresh(found)
                found.decided_at = max(moment, found.created_at)

    def logged(self, entry: AuditEntry | None, moment: datetime) -> None:
        if entry is not None:
            entry.created_at = moment
            self.made.entries += 1

    # The stories

    def build(self) -> None:
        people = self.cast()
        self.relabel()
        self.move()
        pinned = self.pin()
        self.host_edit(people["kees"])
        self.dismiss(self.someone(self.role("ouder"), [people["kees"]]))
        warned_at = self.warn(people["rude"], people["kees"])
        self.suspend(people["rude"], after=warned_at)
        if pinned is not None:
            self.unpin(*pinned)
        self.hide(people["angry"])
        self.queue(people)
        db.session.flush()

    def relabel(self) -> None:
        for titles, theme, reason in RELABELS:
            thread = next(
                (t for t in self.threads if t.title in titles and t.region_id == self.region.id),
                None,
            )
            if thread is None or len(thread.theme_links) >= 3:
                continue
            themes = [link.theme for link in thread.theme_links]
            if theme.value in themes:
                continue
            entry = moderation.relabel(
                thread=thread,
                host=self.host,
                kind=thread.kind,
                themes=[*themes, theme.value],
                reason=reason,
            )
            self.logged(entry, self.later(thread.created_at, 4, 30))
            return

    def move(self) -> None:
        """A conversation about national rules goes to the national space."""
        national = self.national
        if national is None:
            return
        taken = set(db.session.scalars(select(Thread.title).where(Thread.region_id == national.id)))
        movable = [
            t
            for t in self.threads
            if t.id not in self.busy
            and not t.is_pinned
            and t.title not in taken
            and t.kind in (ThreadKind.ERVARING.value, ThreadKind.VRAAG.value)
        ]
        national_themes = {"bekostiging", "regelgeving", "vervoer", "hulpmiddelen"}
        # Prefer what needs national rules; any experience or question will do otherwise (which
        # threads carry action items depends on the demo's dates, so it is not fixed).
        candidates = [
            t for t in movable if national_themes & {link.theme for link in t.theme_links}
        ] or movable
        thread = min(candidates, key=lambda t: (t.created_at, t.id), default=None)
        if thread is None:
            return
        moment = max(self.ago(170), self.later(thread.last_activity_at, 24, 72))
        entry = moderation.move_thread(
            thread=thread, host=self.host, to=national, reason=MOVE_REASON
        )
        self.logged(entry, moment)
        self.threads.remove(thread)

    def pin(self) -> tuple[Thread, datetime] | None:
        """The region's longest bottleneck is pinned until the next regional table."""
        bottlenecks = [
            t
            for t in self.threads
            if t.region_id == self.region.id
            and t.kind == ThreadKind.KNELPUNT.value
            and not t.is_pinned
        ]
        thread = max(bottlenecks, key=lambda t: (t.reply_count, -t.id), default=None)
        if thread is None:
            return None
        moment = self.later(thread.created_at, 30, 60)
        self.logged(
            moderation.set_pinned(thread=thread, host=self.host, pinned=True, reason=PIN_REASON),
            moment,
        )
        return thread, moment

    def unpin(self, thread: Thread, pinned_at: datetime) -> None:
        review = next(
            (t for t in self.threads if t.title == self.review and t.region_id == self.region.id),
            None,
        )
        moment = review.created_at + timedelta(hours=2) if review is not None else None
        if moment is None or moment <= pinned_at:
            moment = pinned_at + timedelta(days=75)
        self.logged(
            moderation.set_pinned(thread=thread, host=self.host, pinned=False, reason=UNPIN_REASON),
            self.before_now(moment),
        )

    def host_edit(self, author: User) -> None:
        """A parent names their son with his date of birth; the host takes that out."""
        post = self.add_reply(NAMED_CHILD, author, self.ago(128))
        if post is None:
            return
        before = post.body_source
        moment = self.later(post.created_at, 2, 6)
        if not edit_post(post=post, body=NAMED_CHILD_EDITED, editor=self.host):
            return
        post.edited_at = moment
        for revision in db.session.scalars(
            select(PostRevision).where(PostRevision.post_id == post.id)
        ):
            revision.replaced_at = moment
        entry = moderation.log_host_edit(
            post=post, host=self.host, reason=EDIT_REASON, before=before
        )
        db.session.flush()
        self.logged(entry, moment)

    def dismiss(self, reporter: User) -> None:
        """A provider tells how they did it; a parent thinks it is advertising. It is not."""
        provider = self.someone(self.role("zorgaanbieder"), [reporter])
        post = self.add_reply(PROVIDER_STORY, provider, self.ago(112))
        if post is None:
            return
        found = self.report(
            post, self.someone(reporter, [provider]), R.RECLAME, PROVIDER_STORY_NOTE
        )
        moment = self.later(found.created_at if found else post.created_at, 18, 40)
        entry = moderation.dismiss_reports(post=post, host=self.host, reason=DISMISS_REASON)
        self.decided([found], moment)
        self.logged(entry, moment)

    def warn(self, rude: User, reporter: User) -> datetime | None:
        post = self.add_reply(SNEER, rude, self.ago(84))
        if post is None:
            return None
        found = self.report(post, self.someone(reporter, [rude]), R.ONVRIENDELIJK, SNEER_NOTE)
        moment = self.later(found.created_at if found else post.created_at, 3, 20)
        entry = moderation.warn_author(post=post, host=self.host, reason=WARN_REASON)
        self.decided([found], moment)
        self.logged(entry, moment)
        return moment

    def suspend(self, rude: User, after: datetime | None) -> None:
        """Weeks after the warning the same participant attacks someone: the host hides the
        reply and suspends them, as the decision page does, and closes the conversation for a
        few days. After a phone call the suspension is lifted early."""
        when = self.ago(61)
        if after is not None and when <= after:
            when = after + timedelta(days=14)
        thread = self.thread_for(ATTACK, when)
        target = self.last_reply(thread, rude) if thread is not None else None
        post = self.add_reply(ATTACK, rude, when, parent=target)
        if post is None:
            return
        attacked = target.author if target is not None else None
        reporter = self.someone(attacked if attacked in self.members else None, [rude, self.host])
        found = self.report(post, reporter, R.ONVRIENDELIJK, ATTACK_NOTE)
        moment = self.later(found.created_at if found else post.created_at, 1, 5)
        post.hidden_at = moment
        post.hidden_reason = SUSPEND_REASON
        entry = moderation.suspend(
            user=rude,
            region=self.region,
            host=self.host,
            days=SUSPENSION_DAYS,
            reason=SUSPEND_REASON,
            post=post,
        )
        self.decided([found], moment)
        self.logged(entry, moment)
        suspension = db.session.scalar(
            select(Suspension)
            .where(Suspension.user_id == rude.id, Suspension.region_id == self.region.id)
            .order_by(Suspension.id.desc())
        )
        if suspension is None or entry is None:
            return
        until = moment + timedelta(days=SUSPENSION_DAYS)
        suspension.created_at = moment
        suspension.until = until
        # The entry says until when, counted from the moment the service ran.
        entry.after = json.dumps(
            {"geschorst_tot": until.isoformat()}, ensure_ascii=False, sort_keys=True
        )
        thread = post.thread
        closed = self.later(moment, 0.2, 1)
        self.logged(
            moderation.set_locked(thread=thread, host=self.host, locked=True, reason=LOCK_REASON),
            closed,
        )
        self.logged(
            moderation.set_locked(
                thread=thread, host=self.host, locked=False, reason=UNLOCK_REASON
            ),
            self.later(closed, 60, 80),
        )
        lifted = self.later(moment, 6 * 24, 6 * 24 + 8)
        self.logged(
            moderation.lift_suspension(suspension=suspension, host=self.host, reason=LIFT_REASON),
            lifted,
        )
        suspension.lifted_at = lifted

    def hide(self, angry: User) -> None:
        post = self.add_reply(NAMED_WORKER, angry, self.ago(25))
        if post is None:
            return
        reporters = [
            self.someone(self.participant("Zorgboerderij De Hooiberg (demo)"), [angry]),
            self.someone(self.participant("Persoonlijk begeleider Rik (demo)"), [angry]),
        ]
        found = [
            self.report(post, reporter, reason, note)
            for reporter, (reason, note) in zip(
                dict.fromkeys(reporters), NAMED_WORKER_NOTES, strict=False
            )
        ]
        latest = max((r.created_at for r in found if r is not None), default=post.created_at)
        moment = self.later(latest, 2, 10)
        entry = moderation.hide_post(post=post, host=self.host, reason=HIDE_REASON)
        post.hidden_at = moment
        self.decided(found, moment)
        self.logged(entry, moment)

    def queue(self, people: dict[str, User]) -> None:
        """Four reports wait for the host, each by someone else."""
        waiting = [
            (
                ADVERT,
                self.participant("Zorgboerderij De Hooiberg (demo)"),
                9,
                "ouder",
                R.RECLAME,
                ADVERT_NOTE,
            ),
            (WRONG, people["mistaken"], 6, "zorgprofessional", R.ONJUIST, WRONG_NOTE),
            (UNKIND, people["unkind"], 4, "zorgaanbieder", R.ONVRIENDELIJK, UNKIND_NOTE),
            (NAMED_SON, people["bram"], 1, None, R.PRIVACY, NAMED_SON_NOTE),
        ]
        reporters: list[User] = []
        for reply, author, days, reporter_role, reason, note in waiting:
            writer = self.someone(author)
            post = self.add_reply(reply, writer, self.ago(days))
            if post is None:
                continue
            preferred = (
                self.role(reporter_role)
                if reporter_role
                else self.participant("Persoonlijk begeleider Rik (demo)")
            )
            reporter = self.someone(preferred, [writer, *reporters])
            if self.report(post, reporter, reason, note) is not None:
                reporters.append(reporter)
