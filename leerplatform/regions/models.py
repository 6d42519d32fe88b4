"""Care-office regions, their municipalities, members and hosts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leerplatform.clock import utcnow
from leerplatform.columns import UTCDateTime
from leerplatform.extensions import db

if TYPE_CHECKING:
    from leerplatform.accounts.models import User

NATIONAL_CODE = "landelijk"


class Region(db.Model):
    """A zorgkantoorregio (code = iWlz zorgkantoorcode), or the one national space."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    zorgkantoor: Mapped[str | None] = mapped_column(String(200))
    provinces: Mapped[str] = mapped_column(String(200), default="")
    is_national: Mapped[bool] = mapped_column(Boolean, default=False)
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    host_links: Mapped[list[RegionHost]] = relationship(
        back_populates="region", cascade="all, delete-orphan", order_by="RegionHost.appointed_at"
    )

    @property
    def hosts(self) -> list[User]:
        return [link.user for link in self.host_links]

    @property
    def province_list(self) -> list[str]:
        return [p.strip() for p in self.provinces.split(";") if p.strip()]

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Municipality(db.Model):
    """A gemeente and the region it belongs to; editable, since borders and concessions change."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    cbs_code: Mapped[str] = mapped_column(String(4), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship()

    def __repr__(self) -> str:
        return f"<Municipality {self.cbs_code} {self.name}>"


class RegionMembership(db.Model):
    """A participant's membership of a region ("mijn regio's"); the home region is one too."""

    __tablename__ = "region_memberships"
    __table_args__ = (Index("ix_region_memberships_region_id", "region_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()


class RegionHost(db.Model):
    """A gastheer/gastvrouw of a region, appointed by an admin."""

    __tablename__ = "region_hosts"
    __table_args__ = (UniqueConstraint("region_id", "user_id", name="uq_region_hosts_region_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    region: Mapped[Region] = relationship(back_populates="host_links")
    user: Mapped[User] = relationship(foreign_keys=[user_id], back_populates="host_links")
