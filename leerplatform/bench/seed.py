"""A large data set for the benchmark, written straight into PostgreSQL with COPY.

The rows are the ones the services would write, counters included: a thread's ``reply_count``
is the number of its replies and its ``last_activity_at`` the time of its last post; an action
item's ``update_count`` is the length of its timeline; a reply's ``root_id``, ``depth`` and
``path`` follow ``forum.services.reply_to``. Ids are given here (continuing after what the
tables hold) so that replies can point at their parents without asking the database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from leerplatform.accounts.models import User
from leerplatform.accounts.passwords import hash_password
from leerplatform.actions.models import ActionStatus, LinkRole, UpdateKind
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum.models import Theme, ThreadKind
from leerplatform.places.models import AgeGroup, Offer, PlaceKind, PlaceStatus
from leerplatform.regions.models import Municipality, Region
from leerplatform.regions.services import import_reference_data
from leerplatform.text import render_markdown

BENCH_DOMAIN = "bench.leerplatform.nl"
BENCH_EMAIL = f"bench@{BENCH_DOMAIN}"
BENCH_PASSWORD = "bench-leerplatform"  # noqa: S105 - a benchmark account on a throwaway database
BENCH_REGION = "5515"
BIG_THREAD_TITLE = "Wachtlijst dagbesteding: wie heeft ervaring? (benchmark)"

Progress = Callable[[str, int], None]
"""Called with the name of a step and the number of rows it wrote."""


@dataclass(frozen=True)
class Sizes:
    users: int = 10_000
    threads: int = 50_000
    posts: int = 500_000
    """All posts, the opening posts included."""
    big_thread_replies: int = 500
    action_items: int = 5_000
    places: int = 2_000

    @property
    def replies(self) -> int:
        return max(self.posts - self.threads, self.big_thread_replies)

    @property
    def total_rows(self) -> int:
        return self.users + self.threads + self.posts + self.action_items + self.places


@dataclass(frozen=True)
class SeedResult:
    big_thread_id: int
    region_code: str
    email: str
    password: str


_OPENINGS = [
    "Onze dochter gaat sinds kort naar de **dagbesteding** in de buurt.",
    "Het logeerhuis heeft een wachtlijst van een half jaar.",
    "Het vervoer naar de dagbesteding komt vaak te laat.",
    "We zoeken een plek voor deeltijdwonen met nachtzorg.",
    "De aanvraag voor een aangepaste rolstoel duurt al maanden.",
    "Wie heeft ervaring met een persoonsgebonden budget voor logeren?",
    "Er is te weinig personeel om de zorg in het weekend rond te krijgen.",
    "Bij de dagbesteding werken ze met een vaste begeleider, dat helpt veel.",
]
_MIDDLES = [
    "Wat ons hielp: een vaste contactpersoon bij het zorgkantoor.",
    "We hebben het besproken met de zorgaanbieder en kregen snel antwoord.",
    "Het kost ons als ouders veel energie om alles te regelen.",
    "Een overdrachtsschrift tussen thuis en de groep werkt goed.",
    "De sondevoeding en de tillift moeten geregeld zijn voordat hij kan logeren.",
    "Misschien kan de regiotafel hier iets in betekenen.",
]
_ENDINGS = [
    "Herkent iemand dit?",
    "Tips zijn welkom.",
    "Dank voor het meedenken!",
    "- eerst bellen\n- dan mailen\n- daarna een afspraak",
    "Meer informatie staat op de site van het zorgkantoor.",
]
_TITLES = [
    "Wachtlijst voor logeren",
    "Vervoer naar de dagbesteding",
    "Deeltijdwonen met nachtzorg",
    "Hulpmiddelen aanvragen duurt lang",
    "Goede ervaring met een vaste begeleider",
    "Vraag over bekostiging van logeren",
    "Personeelstekort in het weekend",
    "Regels rond de Wlz-indicatie",
]
_NAMES = ["Sanne", "Mohammed", "Fleur", "Daan", "Noor", "Bram", "Aisha", "Lotte", "Ruben", "Eva"]
_KINDS = ["ouder", "ouder", "ouder", "zorgprofessional", "zorgaanbieder", "metgezel", "overig"]


def _bodies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(Markdown, rendered HTML) pairs, rendered once: the rows reuse them."""
    bodies = []
    for _ in range(count):
        source = "\n\n".join((rng.choice(_OPENINGS), rng.choice(_MIDDLES), rng.choice(_ENDINGS)))
        bodies.append((source, str(render_markdown(source))))
    return bodies


def _next_id(table: str) -> int:
    return int(db.session.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")) or 1)  # noqa: S608 - fixed table names


MAIN_TABLES = frozenset({"users", "threads", "posts", "action_items", "places"})
"""The tables whose rows the progress counts (``Sizes.total_rows``)."""


class _Copier:
    """COPY rows into tables through the session's own psycopg connection (one transaction)."""

    def __init__(self, progress: Progress) -> None:
        self.connection: Any = db.session.connection().connection.driver_connection
        self.progress = progress

    def __call__(
        self, step: str, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        written = 0
        counted = table in MAIN_TABLES
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
                if counted and written % 10_000 == 0:
                    self.progress(step, 10_000)
        if counted:
            self.progress(step, written % 10_000)
        return written


def _spread(rng: random.Random, total: int, buckets: int, skip: int) -> list[int]:
    """``total`` replies over ``buckets`` threads, unevenly (a few busy threads, many quiet)."""
    counts = [0] * buckets
    if buckets <= 1:
        return counts
    weights = [min(rng.paretovariate(1.5), 20.0) for _ in range(buckets)]
    weights[skip] = 0.0
    scale = total / sum(weights)
    for index, weight in enumerate(weights):
        counts[index] = int(weight * scale)
    missing = total - sum(counts)
    for index in rng.choices([i for i in range(buckets) if i != skip], k=max(missing, 0)):
        counts[index] += 1
    return counts


def seed(*, sizes: Sizes, progress: Progress, rng_seed: int = 10) -> SeedResult:
    """Write the regions, then ``sizes`` of everything else. PostgreSQL only. Caller commits."""
    rng = random.Random(rng_seed)  # noqa: S311 - made-up benchmark rows, not secrets
    now = utcnow().replace(microsecond=0)
    import_reference_data()
    db.session.flush()
    regions = list(db.session.scalars(select(Region).order_by(Region.id)))
    regional = [r for r in regions if not r.is_national]
    bench_region = next(r for r in regions if r.code == BENCH_REGION)
    municipalities = _municipalities_by_region(
        db.session.execute(select(Municipality.region_id, Municipality.id)).all()
    )
    copy = _Copier(progress)
    bodies = _bodies(rng, 200)

    # Users: the bench account first, all with one precomputed hash so seeding stays fast.
    password_hash = hash_password(BENCH_PASSWORD)
    first_user = _next_id("users")
    user_ids = list(range(first_user, first_user + sizes.users))
    home: dict[int, int] = {}
    user_rows = []
    for number, user_id in enumerate(user_ids):
        region = bench_region if number == 0 else rng.choice(regional)
        home[user_id] = region.id
        email = BENCH_EMAIL if number == 0 else f"deelnemer-{user_id}@{BENCH_DOMAIN}"
        name = "Bench-ouder" if number == 0 else f"{rng.choice(_NAMES)} {user_id}"
        created = now - timedelta(days=rng.randint(30, 900))
        user_rows.append(
            (
                user_id,
                email,
                name,
                "ouder" if number == 0 else rng.choice(_KINDS),
                password_hash,
                f"bench-{user_id}-{rng.getrandbits(64):x}",
                created,
                False,
                region.id,
                created,
                "nooit",
            )
        )
    copy(
        "users",
        "users",
        (
            "id",
            "email",
            "display_name",
            "participant_kind",
            "password_hash",
            "session_token",
            "email_verified_at",
            "is_admin",
            "home_region_id",
            "created_at",
            "email_frequency",
        ),
        user_rows,
    )
    copy(
        "users",
        "region_memberships",
        ("user_id", "region_id", "joined_at"),
        ((user_id, region_id, now) for user_id, region_id in home.items()),
    )
    members: dict[int, list[int]] = {}
    for user_id, region_id in home.items():
        members.setdefault(region_id, []).append(user_id)

    # Threads and posts.
    first_thread = _next_id("threads")
    first_post = _next_id("posts")
    big_index = 0
    counts = _spread(rng, sizes.replies - sizes.big_thread_replies, sizes.threads, big_index)
    counts[big_index] = sizes.big_thread_replies
    kinds = [k.value for k in ThreadKind]
    themes = [t.value for t in Theme]
    thread_rows: list[tuple[Any, ...]] = []
    theme_rows: list[tuple[int, str]] = []
    follow_rows: list[tuple[int, int, str, datetime]] = []
    recommendation_rows: list[tuple[int, int, datetime]] = []
    good_practices_by_region: dict[int, list[int]] = {}
    bottlenecks_by_region: dict[int, list[int]] = {}
    next_post = first_post

    def posts() -> Iterator[tuple[Any, ...]]:
        nonlocal next_post
        for index in range(sizes.threads):
            thread_id = first_thread + index
            if index == big_index:
                region, kind = bench_region, ThreadKind.KNELPUNT.value
                title = BIG_THREAD_TITLE
                created = now - timedelta(days=30)
            else:
                region = bench_region if index % 31 == 0 else rng.choice(regions)
                kind = rng.choice(kinds)
                title = f"{rng.choice(_TITLES)} ({thread_id})"
                created = now - timedelta(minutes=rng.randint(60, 730 * 24 * 60))
            local = members.get(region.id) or user_ids
            author = user_ids[0] if index == big_index else rng.choice(local)
            source, html = rng.choice(bodies)
            yield (next_post, thread_id, None, None, author, True, 0, "", source, html, created)
            next_post += 1
            # Replies: some answer the thread, others a reply (at most three deep).
            tree: list[tuple[int, int, int, str]] = []  # id, depth, root id, path
            moment = created
            repliers = {author}
            span = max(int((now - created).total_seconds()), 60)
            step = max(span // (counts[index] + 1), 1)
            for _ in range(counts[index]):
                post_id = next_post
                next_post += 1
                moment = moment + timedelta(seconds=rng.randint(1, step))
                replier = rng.choice(local)
                repliers.add(replier)
                parent = rng.choice(tree) if tree and rng.random() < 0.6 else None
                if parent is not None and parent[1] >= 3:
                    parent = None
                if parent is None:
                    depth, root, path, parent_id = 1, post_id, f"{post_id:010d}/", None
                else:
                    depth, root = parent[1] + 1, parent[2]
                    path, parent_id = parent[3] + f"{post_id:010d}/", parent[0]
                tree.append((post_id, depth, root, path))
                source, html = rng.choice(bodies)
                yield (
                    post_id, thread_id, parent_id, root, replier, False, depth, path,
                    source, html, moment,
                )  # fmt: skip
            recommended = 0
            if kind == ThreadKind.GOED_VOORBEELD.value:
                for fan in set(rng.sample(local, min(len(local), rng.randint(0, 4)))):
                    recommendation_rows.append((thread_id, fan, moment))
                    recommended += 1
                good_practices_by_region.setdefault(region.id, []).append(thread_id)
            elif kind == ThreadKind.KNELPUNT.value:
                bottlenecks_by_region.setdefault(region.id, []).append(thread_id)
            thread_rows.append(
                (
                    thread_id, region.id, author, title, kind, index % 400 == 1, False, False,
                    counts[index], recommended, False, created, moment,
                )
            )  # fmt: skip
            for theme in (
                {"dagbesteding"}
                if index == big_index
                else set(rng.sample(themes, rng.randint(1, 2)))
            ):
                theme_rows.append((thread_id, theme))
            follow_ids = repliers if index == big_index else {author}
            for follower in follow_ids:
                follow_rows.append((follower, thread_id, "alles", created))

    # The posts refer to their threads: write the threads first, from the same pass.
    post_rows = list(posts())
    copy(
        "threads",
        "threads",
        (
            "id",
            "region_id",
            "author_id",
            "title",
            "kind",
            "is_pinned",
            "is_locked",
            "is_demo",
            "reply_count",
            "recommendation_count",
            "has_accepted_answer",
            "created_at",
            "last_activity_at",
        ),
        thread_rows,
    )
    copy("threads", "thread_themes", ("thread_id", "theme"), theme_rows)
    copy(
        "posts",
        "posts",
        (
            "id",
            "thread_id",
            "parent_id",
            "root_id",
            "author_id",
            "is_opening",
            "depth",
            "path",
            "body_source",
            "body_html",
            "created_at",
        ),
        post_rows,
    )
    del post_rows
    copy("threads", "recommendations", ("thread_id", "user_id", "created_at"), recommendation_rows)
    first_follow = _next_id("follows")
    copy(
        "threads",
        "follows",
        ("id", "user_id", "thread_id", "level", "created_at"),
        (
            (first_follow + number, *row)
            for number, row in enumerate(sorted(set(follow_rows), key=lambda r: (r[1], r[0])))
        ),
    )

    _seed_action_items(
        copy, rng, sizes, now, regional, bench_region, members, user_ids, bottlenecks_by_region,
        good_practices_by_region, bodies,
    )  # fmt: skip
    _seed_places(copy, rng, sizes, now, regional, municipalities, user_ids)
    _reset_sequences()
    return SeedResult(
        big_thread_id=first_thread + big_index,
        region_code=BENCH_REGION,
        email=BENCH_EMAIL,
        password=BENCH_PASSWORD,
    )


def _municipalities_by_region(rows: Iterable[Any]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for region_id, municipality_id in rows:
        grouped.setdefault(region_id, []).append(municipality_id)
    return grouped


def _seed_action_items(
    copy: _Copier,
    rng: random.Random,
    sizes: Sizes,
    now: datetime,
    regional: list[Region],
    bench_region: Region,
    members: dict[int, list[int]],
    user_ids: list[int],
    bottlenecks: dict[int, list[int]],
    good_practices: dict[int, list[int]],
    bodies: list[tuple[str, str]],
) -> None:
    """Items in every status, each with the timeline its status needs and its linked threads."""
    first_item = _next_id("action_items")
    first_update = _next_id("action_item_updates")
    statuses = [
        ActionStatus.OPEN,
        ActionStatus.OPEN,
        ActionStatus.IN_BEHANDELING,
        ActionStatus.IN_BEHANDELING,
        ActionStatus.OPGELOST,
        ActionStatus.NIET_HAALBAAR,
    ]
    themes = [t.value for t in Theme]
    items, item_themes, links, updates = [], [], [], []
    next_update = first_update
    for index in range(sizes.action_items):
        item_id = first_item + index
        region = bench_region if index % 31 == 0 else rng.choice(regional)
        local = members.get(region.id) or user_ids
        author, owner = rng.choice(local), rng.choice(local)
        status = rng.choice(statuses)
        created = now - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
        target = (created + timedelta(days=rng.randint(30, 240))).date()
        source, html = rng.choice(bodies)
        timeline = [(UpdateKind.AANGEMAAKT, None, ActionStatus.OPEN, "", "", created)]
        moment = created
        if status is not ActionStatus.OPEN:
            moment = min(created + timedelta(days=rng.randint(1, 300)), now)
            note, note_html = rng.choice(bodies)
            timeline.append((UpdateKind.STATUS, ActionStatus.OPEN, status, note, note_html, moment))
        resolved_at = moment if status is ActionStatus.OPGELOST else None
        resolution = timeline[-1][3:5] if status is ActionStatus.OPGELOST else ("", "")
        reason = timeline[-1][3] if status is ActionStatus.NIET_HAALBAAR else ""
        items.append(
            (
                item_id, region.id, f"{rng.choice(_TITLES)} (actiepunt {item_id})", source, html,
                status.value, owner, target, resolution[0], resolution[1], reason, author, False,
                len(timeline), created, moment, resolved_at,
                (moment - created).days if resolved_at else None, 1,
            )
        )  # fmt: skip
        for kind, from_status, to_status, body, body_html, at in timeline:
            updates.append(
                (
                    next_update, item_id, author, kind.value,
                    from_status.value if from_status else None, to_status.value,
                    body, body_html, "", at,
                )
            )  # fmt: skip
            next_update += 1
        for theme in set(rng.sample(themes, rng.randint(1, 2))):
            item_themes.append((item_id, theme))
        linked = set()
        if bottlenecks.get(region.id):
            linked.add((rng.choice(bottlenecks[region.id]), LinkRole.KNELPUNT.value))
        if good_practices.get(region.id) and rng.random() < 0.4:
            linked.add((rng.choice(good_practices[region.id]), LinkRole.OPLOSSING.value))
        for thread_id, role in linked:
            links.append((item_id, thread_id, role, author, created))
    copy(
        "action items",
        "action_items",
        (
            "id",
            "region_id",
            "title",
            "description_source",
            "description_html",
            "status",
            "owner_id",
            "target_date",
            "resolution_source",
            "resolution_html",
            "status_reason",
            "created_by_id",
            "is_demo",
            "update_count",
            "created_at",
            "last_activity_at",
            "resolved_at",
            "resolution_days",
            "version",
        ),
        items,
    )
    copy("action items", "action_item_themes", ("action_item_id", "theme"), item_themes)
    copy(
        "action items",
        "action_item_links",
        ("action_item_id", "thread_id", "role", "linked_by_id", "created_at"),
        links,
    )
    copy(
        "action items",
        "action_item_updates",
        (
            "id",
            "action_item_id",
            "author_id",
            "kind",
            "from_status",
            "to_status",
            "body_source",
            "body_html",
            "detail",
            "created_at",
        ),
        updates,
    )


def _seed_places(
    copy: _Copier,
    rng: random.Random,
    sizes: Sizes,
    now: datetime,
    regional: list[Region],
    municipalities: dict[int, list[int]],
    user_ids: list[int],
) -> None:
    first_place = _next_id("places")
    kinds = [k.value for k in PlaceKind]
    ages = [a.value for a in AgeGroup]
    offers = [o.value for o in Offer]
    places, place_offers = [], []
    for index in range(sizes.places):
        place_id = first_place + index
        region = rng.choice(regional)
        approved = rng.random() < 0.9
        places.append(
            (
                place_id, f"Plek {place_id}", rng.choice(kinds), f"Zorgaanbieder {place_id % 97}",
                region.id, rng.choice(municipalities.get(region.id) or [None]), rng.choice(ages),
                "", "Een plek uit de benchmark.",
                (PlaceStatus.GOEDGEKEURD if approved else PlaceStatus.VOORGESTELD).value,
                rng.choice(user_ids), rng.choice(user_ids) if approved else None, False,
                now - timedelta(days=rng.randint(1, 700)),
            )
        )  # fmt: skip
        for offer in set(rng.sample(offers, rng.randint(0, 3))):
            place_offers.append((place_id, offer))
    copy(
        "places",
        "places",
        (
            "id",
            "name",
            "kind",
            "provider",
            "region_id",
            "municipality_id",
            "age_group",
            "website",
            "description",
            "status",
            "proposed_by_id",
            "approved_by_id",
            "is_demo",
            "created_at",
        ),
        places,
    )
    copy("places", "place_offers", ("place_id", "offer"), place_offers)


def _reset_sequences() -> None:
    """The next row the app writes gets the id after the last one written here."""
    for table in (
        "users",
        "threads",
        "posts",
        "follows",
        "action_items",
        "action_item_updates",
        "places",
    ):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        )


def has_been_seeded(sizes: Sizes) -> bool:
    """The bench account and as many threads as asked for are there (a second run reuses them)."""
    from leerplatform.forum.models import Thread

    user = db.session.scalar(select(User.id).where(User.email == BENCH_EMAIL))
    threads = db.session.scalar(select(func.count()).select_from(Thread))
    return user is not None and threads == sizes.threads


def big_thread_id() -> int | None:
    from leerplatform.forum.models import Thread

    return db.session.scalar(select(Thread.id).where(Thread.title == BIG_THREAD_TITLE))
