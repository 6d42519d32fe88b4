"""Places in the directory: listing, proposing, changing, approving and importing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from leerplatform.extensions import db
from leerplatform.forum.models import Thread
from leerplatform.places.models import (
    AgeGroup,
    Offer,
    Place,
    PlaceKind,
    PlaceOffer,
    PlaceStatus,
)
from leerplatform.regions.models import Municipality, Region

if TYPE_CHECKING:
    from leerplatform.accounts.models import User

PER_PAGE = 25
CSV_COLUMNS = (
    "name",
    "kind",
    "provider",
    "region_code",
    "municipality",
    "age_group",
    "offers",
    "website",
    "description",
)


def is_web_address(url: str) -> bool:
    """An absolute http or https address with a host; anything else (javascript:, ftp:) is not."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url.strip()


@dataclass(frozen=True)
class PlaceFilter:
    region: Region | None = None
    kind: PlaceKind | None = None
    age_group: AgeGroup | None = None


def approved_places(
    place_filter: PlaceFilter, page: int = 1, per_page: int = PER_PAGE
) -> Pagination:
    """One page of approved places, by name; region, municipality and offers loaded."""
    query = select(Place).where(Place.status == PlaceStatus.GOEDGEKEURD.value)
    if place_filter.region is not None:
        query = query.where(Place.region_id == place_filter.region.id)
    if place_filter.kind is not None:
        query = query.where(Place.kind == place_filter.kind.value)
    if place_filter.age_group is not None:
        # A place for all ages fits children and adults alike.
        query = query.where(
            Place.age_group.in_([place_filter.age_group.value, AgeGroup.ALLE_LEEFTIJDEN.value])
        )
    query = query.order_by(Place.name, Place.id).options(
        joinedload(Place.region),
        joinedload(Place.municipality),
        selectinload(Place.offer_links),
    )
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def places_to_link(region: Region) -> list[tuple[int, str]]:
    """The approved places of a region a thread can be about, by name: the form's choices."""
    rows = db.session.execute(
        select(Place.id, Place.name)
        .where(Place.status == PlaceStatus.GOEDGEKEURD.value, Place.region_id == region.id)
        .order_by(Place.name, Place.id)
    )
    return [(place_id, name) for place_id, name in rows]


def threads_about(place: Place, *, region_ids: Iterable[int], limit: int = 30) -> list[Thread]:
    """The conversations about a place that the reader may read, the liveliest first."""
    query = (
        select(Thread)
        .where(Thread.place_id == place.id, Thread.region_id.in_(list(region_ids)))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit)
        .options(
            joinedload(Thread.author),
            joinedload(Thread.region),
            selectinload(Thread.theme_links),
        )
    )
    return list(db.session.scalars(query))


def place_by_id(place_id: int) -> Place | None:
    query = (
        select(Place)
        .where(Place.id == place_id)
        .options(
            joinedload(Place.region),
            joinedload(Place.municipality),
            joinedload(Place.proposed_by),
            selectinload(Place.offer_links),
        )
    )
    return db.session.scalars(query).unique().one_or_none()


def proposed_places(regions: Iterable[int] | None) -> list[Place]:
    """Places waiting for approval, oldest first; ``regions`` None means every region."""
    query = select(Place).where(Place.status == PlaceStatus.VOORGESTELD.value)
    if regions is not None:
        query = query.where(Place.region_id.in_(list(regions)))
    query = query.order_by(Place.created_at, Place.id).options(
        joinedload(Place.region),
        joinedload(Place.municipality),
        joinedload(Place.proposed_by),
        selectinload(Place.offer_links),
    )
    return list(db.session.scalars(query).unique())


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


@dataclass
class PlaceDetails:
    """What describes a place, as a form or a CSV line gives it."""

    name: str
    kind: PlaceKind
    provider: str
    region: Region
    municipality: Municipality | None
    age_group: AgeGroup
    offers: Sequence[Offer] = ()
    website: str = ""
    description: str = ""


def fill_place(place: Place, details: PlaceDetails) -> None:
    """Set what a place says, its offers included (the caller adds and flushes)."""
    place.name = details.name.strip()
    place.kind = details.kind.value
    place.provider = details.provider.strip()
    place.region = details.region
    place.municipality = details.municipality
    place.age_group = details.age_group.value
    place.website = details.website.strip()
    place.description = details.description.strip()
    wanted = {offer.value for offer in details.offers}
    place.offer_links = [link for link in place.offer_links if link.offer in wanted]
    have = {link.offer for link in place.offer_links}
    for offer in sorted(wanted - have):
        place.offer_links.append(PlaceOffer(offer=offer))


def propose_place(*, details: PlaceDetails, proposed_by: User) -> Place:
    """A new place, waiting for a host or admin. Caller commits."""
    place = Place(status=PlaceStatus.VOORGESTELD.value, proposed_by=proposed_by)
    fill_place(place, details)
    db.session.add(place)
    db.session.flush()
    return place


def change_place(*, place: Place, details: PlaceDetails, changed_by: User, approved: bool) -> Place:
    """Change what a place says. When the change is not ``approved`` (someone other than a host
    or admin made it), the place goes back to proposed, with ``changed_by`` as its proposer, and
    leaves the directory until a host or admin approves it again. Caller commits."""
    fill_place(place, details)
    if not approved:
        place.status = PlaceStatus.VOORGESTELD.value
        place.proposed_by = changed_by
        place.approved_by = None
    db.session.flush()
    return place


def approve_place(*, place: Place, approved_by: User) -> None:
    """Caller commits."""
    place.status = PlaceStatus.GOEDGEKEURD.value
    place.approved_by = approved_by
    db.session.flush()


def decline_place(*, place: Place) -> None:
    """A proposal that is not taken: the place is removed. Caller commits."""
    db.session.delete(place)
    db.session.flush()


@dataclass
class ImportReport:
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _choice(enum: type[Any], raw: str) -> Any:
    value = raw.strip().lower().replace(" ", "_")
    try:
        return enum(value)
    except ValueError:
        return None


def _check_row(
    row: dict[str, str],
    regions: dict[str, Region],
    towns: dict[str, Municipality],
) -> tuple[PlaceDetails | None, list[str]]:
    problems: list[str] = []
    value = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
    if not value["name"]:
        problems.append("naam ontbreekt")
    elif len(value["name"]) > 150:
        problems.append("naam is langer dan 150 tekens")
    if not value["provider"]:
        problems.append("aanbieder ontbreekt")
    elif len(value["provider"]) > 150:
        problems.append("aanbieder is langer dan 150 tekens")
    kind = _choice(PlaceKind, value["kind"])
    if kind is None:
        problems.append(f"soort '{value['kind']}' bestaat niet (kies uit {', '.join(PlaceKind)})")
    region = regions.get(value["region_code"])
    if region is None:
        problems.append(f"regiocode '{value['region_code']}' bestaat niet")
    municipality = None
    if value["municipality"]:
        municipality = towns.get(value["municipality"].lower())
        if municipality is None:
            problems.append(f"gemeente '{value['municipality']}' bestaat niet")
        elif region is not None and municipality.region_id != region.id:
            problems.append(f"gemeente '{value['municipality']}' hoort niet bij deze regio")
    age_group = _choice(AgeGroup, value["age_group"])
    if age_group is None:
        problems.append(
            f"leeftijdsgroep '{value['age_group']}' bestaat niet (kies uit {', '.join(AgeGroup)})"
        )
    offers: list[Offer] = []
    for raw in filter(None, (part.strip() for part in value["offers"].split(","))):
        offer = _choice(Offer, raw)
        if offer is None:
            problems.append(f"aanbod '{raw}' bestaat niet")
        elif offer not in offers:
            offers.append(offer)
    if value["website"] and not is_web_address(value["website"]):
        problems.append(f"website '{value['website']}' begint niet met http:// of https://")
    if len(value["website"]) > 300:
        problems.append("website is langer dan 300 tekens")
    if problems or region is None or kind is None or age_group is None:
        return None, problems
    details = PlaceDetails(
        name=value["name"],
        kind=kind,
        provider=value["provider"],
        region=region,
        municipality=municipality,
        age_group=age_group,
        offers=offers,
        website=value["website"],
        description=value["description"],
    )
    return details, problems


def import_places(text: str, *, approved_by: User | None = None) -> ImportReport:
    """Check every line of a CSV file (``;`` separated, with a header); if every line is good,
    create or update the places (matched on name, provider and region), approved. A file with
    any bad line changes nothing. Caller commits."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        report.errors.append((1, f"kolommen ontbreken: {', '.join(missing)}"))
        return report
    regions = {region.code: region for region in db.session.scalars(select(Region))}
    towns = {town.name.lower(): town for town in db.session.scalars(select(Municipality))}
    good: list[PlaceDetails] = []
    seen: dict[tuple[str, str, int], int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            report.errors.append((line, "te veel kolommen"))
            continue
        details, problems = _check_row(row, regions, towns)
        if details is not None:
            key = (details.name, details.provider, details.region.id)
            if key in seen:
                problems.append(f"dezelfde plek staat al op regel {seen[key]}")
            seen[key] = line
        if problems:
            report.errors.append((line, "; ".join(problems)))
        elif details is not None:
            good.append(details)
    if report.errors:
        return report
    existing = {
        (place.name, place.provider, place.region_id): place
        for place in db.session.scalars(select(Place).options(selectinload(Place.offer_links)))
    }
    for details in good:
        place = existing.get((details.name, details.provider, details.region.id))
        if place is None:
            place = Place(proposed_by=approved_by)
            db.session.add(place)
            report.created += 1
        else:
            report.updated += 1
        fill_place(place, details)
        place.status = PlaceStatus.GOEDGEKEURD.value
        place.approved_by = approved_by
    db.session.flush()
    return report
