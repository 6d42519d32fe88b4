"""The aanbod directory: places for logeren, dagbesteding and (deeltijd)wonen."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime, enum_values
from leerplatform.extensions import db
from leerplatform.regions.models import Municipality, Region

if TYPE_CHECKING:
    from leerplatform.accounts.models import User


class PlaceKind(StrEnum):
    LOGEREN = "logeren"
    DAGBESTEDING = "dagbesteding"
    WONEN = "wonen"
    DEELTIJDWONEN = "deeltijdwonen"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    PlaceKind.LOGEREN: _l("Short stay (logeren)"),
    PlaceKind.DAGBESTEDING: _l("Day activities"),
    PlaceKind.WONEN: _l("Living"),
    PlaceKind.DEELTIJDWONEN: _l("Part-time living"),
}


class AgeGroup(StrEnum):
    KINDEREN = "kinderen"
    VOLWASSENEN = "volwassenen"
    ALLE_LEEFTIJDEN = "alle_leeftijden"

    @property
    def label(self) -> str:
        return str(AGE_GROUP_LABELS[self])


AGE_GROUP_LABELS = {
    AgeGroup.KINDEREN: _l("Children"),
    AgeGroup.VOLWASSENEN: _l("Adults"),
    AgeGroup.ALLE_LEEFTIJDEN: _l("All ages"),
}


class Offer(StrEnum):
    NACHTZORG = "nachtzorg"
    WAKKERE_NACHT = "wakkere_nacht"
    SONDEVOEDING = "sondevoeding"
    TILLIFT = "tillift"
    VERPLEEGKUNDIGE_ZORG = "verpleegkundige_zorg"
    SNOEZELRUIMTE = "snoezelruimte"

    @property
    def label(self) -> str:
        return str(OFFER_LABELS[self])


OFFER_LABELS = {
    Offer.NACHTZORG: _l("Night care"),
    Offer.WAKKERE_NACHT: _l("Someone awake at night"),
    Offer.SONDEVOEDING: _l("Tube feeding"),
    Offer.TILLIFT: _l("Hoist"),
    Offer.VERPLEEGKUNDIGE_ZORG: _l("Nursing care"),
    Offer.SNOEZELRUIMTE: _l("Sensory room"),
}


class PlaceStatus(StrEnum):
    VOORGESTELD = "voorgesteld"
    GOEDGEKEURD = "goedgekeurd"

    @property
    def label(self) -> str:
        return str(PLACE_STATUS_LABELS[self])


PLACE_STATUS_LABELS = {
    PlaceStatus.VOORGESTELD: _l("Proposed, waiting for approval"),
    PlaceStatus.GOEDGEKEURD: _l("Approved"),
}


class Place(db.Model):
    """A place in the directory; only approved places are shown to everyone."""

    __tablename__ = "places"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(PlaceKind)})", name="kind"),
        CheckConstraint(f"age_group IN ({enum_values(AgeGroup)})", name="age_group"),
        CheckConstraint(f"status IN ({enum_values(PlaceStatus)})", name="status"),
        UniqueConstraint("name", "provider", "region_id", name="uq_places_name_provider_region"),
        Index("ix_places_status_region_kind", "status", "region_id", "kind"),
        Index("ix_places_status_name", "status", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(150))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    age_group: Mapped[str] = mapped_column(String(20))
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    """Plain text: shown escaped, never as HTML."""
    status: Mapped[str] = mapped_column(String(20), default=PlaceStatus.VOORGESTELD.value)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    offer_links: Mapped[list[PlaceOffer]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PlaceOffer.offer"
    )

    @property
    def kind_enum(self) -> PlaceKind:
        return PlaceKind(self.kind)

    @property
    def age_group_enum(self) -> AgeGroup:
        return AgeGroup(self.age_group)

    @property
    def status_enum(self) -> PlaceStatus:
        return PlaceStatus(self.status)

    @property
    def is_approved(self) -> bool:
        return self.status == PlaceStatus.GOEDGEKEURD

    @property
    def offers(self) -> list[Offer]:
        return [Offer(link.offer) for link in self.offer_links]

    def __repr__(self) -> str:
        return f"<Place {self.id} {self.name}>"


class PlaceOffer(db.Model):
    """What a place offers: one row per tag."""

    __tablename__ = "place_offers"
    __table_args__ = (
        CheckConstraint(f"offer IN ({enum_values(Offer)})", name="offer"),
        Index("ix_place_offers_offer", "offer"),
    )

    place_id: Mapped[int] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True
    )
    offer: Mapped[str] = mapped_column(String(30), primary_key=True)

    place: Mapped[Place] = relationship(back_populates="offer_links")
