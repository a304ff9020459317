"""Organisations and memberships (first cut; the profile grows in its own issue)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


class Sector(enum.StrEnum):
    GOVERNMENT = "government"
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE = "private"
    ACADEMIC = "academic"
    NGO = "ngo"
    MEDIA = "media"
    OTHER = "other"


class Region(enum.StrEnum):
    BANGKOK_CENTRAL = "bangkok_central"
    NORTH = "north"
    NORTHEAST = "northeast"
    EAST = "east"
    WEST = "west"
    SOUTH = "south"


class OrgStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class Role(enum.StrEnum):
    ORG_ADMIN = "org_admin"
    MEMBER = "member"


def _enum(cls):
    return sa.Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True, name=cls.__name__.lower())


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[Sector] = mapped_column(_enum(Sector))
    region: Mapped[Region] = mapped_column(_enum(Region))
    province: Mapped[str] = mapped_column(sa.String(80), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[OrgStatus] = mapped_column(_enum(OrgStatus), default=OrgStatus.ACTIVE)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation")

    def name_in(self, language):
        """The organisation's name in a language, falling back to the Thai name."""
        return self.name_en if language == "en" and self.name_en else self.name_th

    def __repr__(self):
        return f"<Organisation {self.slug}>"


class Membership(db.Model):
    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    is_signatory: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)
