"""Organisations and memberships (first cut; the profile grows in its own issue)."""

import enum
from collections import namedtuple
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from portal.auth.models import User
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


# Field groups of a profile and who sees them unless the organisation chooses otherwise.
DEFAULT_VISIBILITY = {"about": "public", "contact": "members", "channels": "public", "expertise": "public",
                      "people": "members"}
VISIBILITY_LEVELS = ("public", "members", "hidden")


def can_see(relation, level):
    """Tell whether a viewer sees fields shown at this level. `relation`: "own" (the organisation's people and
    coordinators), "member" (people of another active organisation) or "public"."""
    return relation == "own" or level == "public" or (level == "members" and relation == "member")


class OrganisationLook:
    """How an organisation shows itself, loaded whole (Organisation) or as a list's card (OrganisationCard)."""

    __slots__ = ()

    def name_in(self, language):
        """The organisation's name in a language, falling back to the Thai name."""
        return self.name_en if language == "en" and self.name_en else self.name_th

    @property
    def monogram(self):
        """The first consonant of the Thai name (not a leading vowel), for a logo's placeholder."""
        return thai_sort_key(self.name_th)[:1]

    def visibility_of(self, group):
        """Who may see a group of fields: public, members or hidden (hidden: its own people and coordinators)."""
        return (self.visibility or {}).get(group) or DEFAULT_VISIBILITY[group]

    def shows(self, group, relation):
        """Tell whether a viewer with this relation (see can_see) sees a group of fields."""
        return can_see(relation, self.visibility_of(group))


class Organisation(OrganisationLook, db.Model):
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
    public_email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    logo: Mapped[str] = mapped_column(sa.String(80), default="")  # a generated file name under LOGO_FOLDER
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"kind": "facebook", "url": "..."}]
    expertise: Mapped[list] = mapped_column(sa.JSON, default=list)  # tags, e.g. ["crisis communication"]
    visibility: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # field group -> public | members | hidden
    listed_publicly: Mapped[bool] = mapped_column(default=False)
    # What the directory searches, lower-case: the names, the province and the expertise members may see (not hidden
    # expertise); indexed (FTS5 on SQLite, pg_trgm on PostgreSQL). The public list checks every word against
    # public_search_text too, which holds the expertise only when it is public: nobody finds an organisation by what
    # they may not see.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    public_search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # The Thai name with a leading vowel moved after its consonant, so that เ, แ, โ, ใ, ไ sort as Thai readers expect.
    sort_key: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[OrgStatus] = mapped_column(_enum(OrgStatus), default=OrgStatus.ACTIVE)
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation")

    # The directory's pages walk (status, sort_key); its region and sector filters count and page through the other two
    # (a region's count read every row: ~2 ms at 10,000 organisations; a region and sector page ~4 ms).
    __table_args__ = (sa.Index("ix_organisation_directory", "status", "sort_key"),
                      sa.Index("ix_organisation_region", "region", "sector", "status", "sort_key"),
                      sa.Index("ix_organisation_sector", "sector", "status"))

    def __repr__(self):
        return f"<Organisation {self.slug}>"


# What a card in a list of organisations prints.
CARD_COLUMNS = ("slug", "name_th", "name_en", "logo", "sector", "region", "province", "expertise", "visibility")


class OrganisationCard(OrganisationLook, namedtuple("OrganisationCardRow", CARD_COLUMNS)):
    """An organisation as a list shows it: the columns its card prints, read without the ORM's bookkeeping (a live
    search builds a page of these on every pause in typing). Read-only; the profile loads the Organisation."""

    __slots__ = ()

    @classmethod
    def select(cls):
        """A SELECT of the card's columns, to complete with the list's filters, order and limit."""
        return sa.select(*(getattr(Organisation, column) for column in CARD_COLUMNS))


THAI_LEADING_VOWELS = "เแโใไ"


def thai_sort_key(name):
    """Order Thai names as a Thai reader does: a leading vowel (เ แ โ ใ ไ) sorts after its consonant."""
    words = []
    for word in (name or "").split():
        if len(word) > 1 and word[0] in THAI_LEADING_VOWELS:
            word = word[1] + word[0] + word[2:]
        words.append(word)
    return " ".join(words)[:200]


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _refresh_search_fields(mapper, connection, organisation):
    """Keep the search texts and the sort key in step with the fields they come from, whoever changes them."""
    organisation.search_text, organisation.public_search_text = search_texts(
        organisation.name_th, organisation.name_en, organisation.province, organisation.expertise,
        organisation.visibility_of("expertise"))
    organisation.sort_key = thai_sort_key(organisation.name_th)


def search_texts(name_th, name_en, province, expertise, expertise_level):
    """The directory's two lower-case search texts: what members may find an organisation by, and what visitors
    may (the expertise in each only if they see it at `expertise_level`)."""
    return tuple(" ".join([name_th or "", name_en or "", province or "",
                           *((expertise or []) if can_see(relation, expertise_level) else [])]).lower()
                 for relation in ("member", "public"))


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


# Whether a person belongs to an active organisation, loaded with the person (an EXISTS in the same query): every
# member page and fragment checks it, and a fragment need not load the memberships for it (portal.auth.loader).
User.in_active_organisation = column_property(sa.exists().where(
    Membership.user_id == User.id, Membership.organisation_id == Organisation.id,
    Organisation.status == OrgStatus.ACTIVE))


class ApplicationStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # the applicant has not yet followed the confirmation link
    PENDING = "pending"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_APPLICATION_STATES = (ApplicationStatus.PENDING, ApplicationStatus.NEEDS_INFO)


class Application(db.Model):
    """An organisation's application to join, from the public form to the coordinators' decision."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ApplicationStatus] = mapped_column(_enum(ApplicationStatus), default=ApplicationStatus.UNCONFIRMED,
                                                      index=True)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[Sector] = mapped_column(_enum(Sector))
    region: Mapped[Region] = mapped_column(_enum(Region))
    province: Mapped[str] = mapped_column(sa.String(80))
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    channels: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    applicant_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    applicant_position: Mapped[str] = mapped_column(sa.String(200))
    motivation: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(5), default="th")
    nonce: Mapped[str] = mapped_column(sa.String(64))
    possible_duplicates: Mapped[list] = mapped_column(sa.JSON, default=list)
    info_request: Mapped[str] = mapped_column(sa.Text, default="")
    applicant_reply: Mapped[str] = mapped_column(sa.Text, default="")
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # confirmed: entered the queue
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    reviewer: Mapped["User | None"] = relationship()  # noqa: F821
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (sa.Index("ix_application_queue", "status", "submitted_at"),)

    def name_in(self, language):
        """The organisation's name in a language, falling back to the Thai name."""
        return self.name_en if language == "en" and self.name_en else self.name_th
