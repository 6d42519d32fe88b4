"""Regions: reference data, membership and hosts. Functions flush; the caller commits."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.following.models import Follow, FollowLevel
from leerplatform.following.services import as_follow_level, follow_level_column
from leerplatform.forum.services import Recommended, recommended_column, recommended_from_column
from leerplatform.meetings.services import (
    MeetingSummary,
    space_meetings_column,
    space_meetings_from_column,
)
from leerplatform.permissions import can_read_region, is_logged_in
from leerplatform.regions.models import (
    NATIONAL_CODE,
    Municipality,
    Region,
    RegionHost,
    RegionMembership,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REGIONS_CSV = DATA_DIR / "zorgkantoorregios.csv"
MUNICIPALITIES_CSV = DATA_DIR / "gemeenten-2019.csv"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _set(obj: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def import_regions(rows: list[dict[str, str]], report: ImportReport) -> dict[str, Region]:
    """Create or update the national space and every region in ``rows``. Caller commits."""
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    wanted = [
        {"code": NATIONAL_CODE, "name": "Landelijk", "zorgkantoor": None, "provinces": ""},
        *(
            {
                "code": row["code"],
                "name": row["name"],
                "zorgkantoor": row["zorgkantoor"],
                "provinces": row["provinces"],
            }
            for row in rows
        ),
    ]
    for values in wanted:
        region = existing.get(values["code"])
        if region is None:
            region = Region(is_national=values["code"] == NATIONAL_CODE, **values)
            db.session.add(region)
            existing[region.code] = region
            report.created.append(f"regio {values['code']} {values['name']}")
        elif _set(region, values):
            report.updated.append(f"regio {values['code']} {values['name']}")
    db.session.flush()
    return existing


def import_municipalities(
    rows: list[dict[str, str]],
    regions: dict[str, Region],
    report: ImportReport,
    on_row: Callable[[], None] | None = None,
) -> None:
    """Create or update municipalities by CBS code. Caller commits."""
    existing = {m.cbs_code: m for m in db.session.scalars(select(Municipality))}
    for row in rows:
        region = regions[row["regio_code"]]
        municipality = existing.get(row["cbs_code"])
        if municipality is None:
            db.session.add(
                Municipality(name=row["gemeente"], cbs_code=row["cbs_code"], region_id=region.id)
            )
            report.created.append(f"gemeente {row['cbs_code']} {row['gemeente']}")
        elif _set(municipality, {"name": row["gemeente"], "region_id": region.id}):
            report.updated.append(f"gemeente {row['cbs_code']} {row['gemeente']}")
        if on_row is not None:
            on_row()
    db.session.flush()


def reference_row_count() -> int:
    """How many rows ``import_reference_data`` walks through (for a progress bar)."""
    return len(read_csv(REGIONS_CSV)) + len(read_csv(MUNICIPALITIES_CSV))


def import_reference_data(*, on_row: Callable[[], None] | None = None) -> ImportReport:
    """Create or update the national space, the 31 regions and their municipalities.

    Idempotent: a second run changes nothing; a changed name or zorgkantoor is updated.
    Caller commits.
    """
    report = ImportReport()
    region_rows = read_csv(REGIONS_CSV)
    regions = import_regions(region_rows, report)
    if on_row is not None:
        for _row in region_rows:
            on_row()
    import_municipalities(read_csv(MUNICIPALITIES_CSV), regions, report, on_row)
    return report


def all_regions() -> list[Region]:
    """Every regional space by name, hosts loaded, the national space left out."""
    query = (
        select(Region)
        .where(Region.is_national.is_(False))
        .options(selectinload(Region.host_links).joinedload(RegionHost.user))
        .order_by(Region.name)
    )
    return list(db.session.scalars(query))


def readable_region_ids(user: Any) -> list[int]:
    """The spaces (regions and the national one) whose conversations this person may read."""
    return [
        region.id for region in db.session.scalars(select(Region)) if can_read_region(user, region)
    ]


@cache
def _region_by_code() -> Select[tuple[Region]]:
    # Built once, on first use (every region page asks it; putting it together took longer
    # than running it).
    return (
        select(Region)
        .where(Region.code == bindparam("code"))
        .options(joinedload(Region.host_links).joinedload(RegionHost.user))
    )


def region_by_code(code: str) -> Region | None:
    """A region with its hosts (the page shows them; the permissions read them)."""
    return db.session.execute(_region_by_code(), {"code": code}).unique().scalar_one_or_none()


NAME_SEPARATOR = "\x1f"
"""Between the names of a region's municipalities when they are read as one value (the unit
separator: no name has it)."""


@dataclass(frozen=True, slots=True)
class RegionPage:
    """What a space's page shows of the region itself: the region with its hosts, the names of
    its municipalities (in order) and how the reader follows it; for a regional space (and a
    reader who is logged in) also its most recommended good practices, its next meeting and
    its latest past ones."""

    region: Region
    municipalities: tuple[str, ...]
    follow: FollowLevel | None
    recommended: tuple[Recommended, ...] = ()
    next_meeting: MeetingSummary | None = None
    past_meetings: tuple[MeetingSummary, ...] = ()


@cache
def _region_page(*, with_space: bool) -> Select[Any]:
    names = (
        select(func.aggregate_strings(Municipality.name, NAME_SEPARATOR))
        .where(Municipality.region_id == Region.id)
        .scalar_subquery()
    )
    follow = follow_level_column(Follow.region_id, Region.id).scalar_subquery()
    # Of the hosts the page shows their names (and remembers it under their kind too): their
    # other columns are not read.
    hosts = joinedload(Region.host_links).joinedload(RegionHost.user)
    # A regional space's page also lists its good practices and meetings: in this query as
    # well, one JSON column each, rather than two queries more.
    space = (recommended_column(), space_meetings_column()) if with_space else ()
    return (
        select(Region, names, follow, *space)
        .where(Region.code == bindparam("code"))
        .options(hosts.load_only(User.id, User.display_name, User.participant_kind))
    )


def region_page(code: str, reader: Any, now: datetime) -> RegionPage | None:
    """The region for its page, with its municipalities, the reader's follow level and (for a
    regional space and a reader who is logged in) its good practices and meetings as columns
    of the same row: one query where there were three. Whether the reader may see them is for
    the caller to decide (a members-only region)."""
    logged_in = is_logged_in(reader)
    with_space = logged_in and code != NATIONAL_CODE
    values = {"code": code, "reader_id": reader.id if logged_in else None}
    if with_space:
        values["now"] = now
    row = db.session.execute(_region_page(with_space=with_space), values).unique().one_or_none()
    if row is None:
        return None
    region, names, follow, *space = row
    recommended: tuple[Recommended, ...] = ()
    next_meeting, past_meetings = None, []
    if space:
        recommended = tuple(recommended_from_column(space[0], region))
        next_meeting, past_meetings = space_meetings_from_column(space[1], now)
    return RegionPage(
        region=region,
        # The order of the names, as ``ORDER BY name`` gave it (code points: our databases
        # sort text that way); an aggregate keeps no order on SQLite.
        municipalities=tuple(sorted(names.split(NAME_SEPARATOR))) if names else (),
        follow=as_follow_level(follow),
        recommended=recommended,
        next_meeting=next_meeting,
        past_meetings=tuple(past_meetings),
    )


def national_region() -> Region | None:
    return region_by_code(NATIONAL_CODE)


def all_municipalities() -> list[Municipality]:
    query = select(Municipality).options(joinedload(Municipality.region))
    return list(db.session.scalars(query.order_by(Municipality.name)))


def region_choices() -> list[tuple[str, str]]:
    """(code, name) of every regional space, for a select list."""
    rows = db.session.execute(
        select(Region.code, Region.name).where(Region.is_national.is_(False)).order_by(Region.name)
    )
    return [(code, name) for code, name in rows]


def municipality_choices() -> list[tuple[str, str]]:
    """(cbs_code, "name (region)") of every municipality, for a select list."""
    rows = db.session.execute(
        select(Municipality.cbs_code, Municipality.name, Region.name)
        .join(Region, Municipality.region_id == Region.id)
        .order_by(Municipality.name)
    )
    return [(code, name) for code, name, _region in rows]


def region_for_municipality(cbs_code: str) -> Region | None:
    query = select(Region).join(Municipality, Municipality.region_id == Region.id)
    return db.session.scalar(query.where(Municipality.cbs_code == cbs_code))


def is_member(user: User, region: Region) -> bool:
    return region.id in user.member_region_ids


def join_region(*, user: User, region: Region) -> bool:
    """Make ``user`` a member of ``region``; False if they already were. Caller commits."""
    if db.session.get(RegionMembership, (user.id, region.id)) is not None:
        return False
    membership = RegionMembership(user_id=user.id, region_id=region.id, region=region)
    user.memberships.append(membership)
    db.session.flush()
    return True


def leave_region(*, user: User, region: Region) -> bool:
    """End a membership; False if there was none. Caller commits."""
    membership = db.session.get(RegionMembership, (user.id, region.id))
    if membership is None:
        return False
    user.memberships.remove(membership)
    db.session.flush()
    return True


def set_home_region(*, user: User, region: Region) -> None:
    """Move the home region, which is always a membership too. Caller commits."""
    user.home_region = region
    join_region(user=user, region=region)


def appoint_host(*, region: Region, user: User, appointed_by: User | None) -> RegionHost | None:
    """Make ``user`` a host (and member) of ``region``; None if already so. Caller commits."""
    if region.id in user.hosted_region_ids:
        return None
    link = RegionHost(region=region, user=user, appointed_by_id=appointed_by and appointed_by.id)
    db.session.add(link)
    join_region(user=user, region=region)
    db.session.flush()
    return link


def remove_host(*, region: Region, user: User) -> bool:
    """End a host appointment; False if there was none. Caller commits."""
    for link in list(region.host_links):
        if link.user_id == user.id:
            region.host_links.remove(link)
            db.session.flush()
            return True
    return False


def update_region(
    *, region: Region, name: str, zorgkantoor: str | None, provinces: str, members_only: bool
) -> None:
    """Change a region's details (a concession moved, a name changed). Caller commits."""
    region.name = name.strip()
    region.zorgkantoor = (zorgkantoor or "").strip() or None
    region.provinces = "; ".join(p.strip() for p in provinces.split(";") if p.strip())
    region.members_only = members_only
    db.session.flush()


def municipality_by_id(municipality_id: int) -> Municipality | None:
    return db.session.get(Municipality, municipality_id)


def municipality_conflicts(
    *, name: str, cbs_code: str, ignore: Municipality | None = None
) -> set[str]:
    """Which of "name" and "cbs_code" another municipality already uses."""
    query = select(Municipality).where(
        (Municipality.name == name.strip()) | (Municipality.cbs_code == cbs_code.strip())
    )
    conflicts = set()
    for other in db.session.scalars(query):
        if ignore is not None and other.id == ignore.id:
            continue
        if other.name == name.strip():
            conflicts.add("name")
        if other.cbs_code == cbs_code.strip():
            conflicts.add("cbs_code")
    return conflicts


def save_municipality(
    *, municipality: Municipality | None, name: str, cbs_code: str, region: Region
) -> Municipality:
    """Add a municipality or change one (a merger, a move to another region). Caller commits."""
    if municipality is None:
        municipality = Municipality(name=name.strip(), cbs_code=cbs_code.strip(), region=region)
        db.session.add(municipality)
    else:
        municipality.name = name.strip()
        municipality.cbs_code = cbs_code.strip()
        municipality.region = region
    db.session.flush()
    return municipality
