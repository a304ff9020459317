"""Organisations, the people in them (memberships) and the invitations that bring people in."""

from collections import namedtuple
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.auth.models import User, new_session_token
from portal.db import UTCDateTime, enum_column, utcnow
from portal.enums import LabelledEnum
from portal.extensions import db
from portal.provinces import province_names


class Sector(LabelledEnum):
    GOVERNMENT = "government", _l("Government agency")
    STATE_ENTERPRISE = "state_enterprise", _l("State enterprise")
    PRIVATE = "private", _l("Private company")
    ACADEMIC = "academic", _l("Academic institution")
    NGO = "ngo", _l("Non-profit organisation")
    MEDIA = "media", _l("Media")
    OTHER = "other", _l("Other")


class Region(LabelledEnum):
    BANGKOK_CENTRAL = "bangkok_central", _l("Bangkok and the Central region")
    NORTH = "north", _l("North")
    NORTHEAST = "northeast", _l("Northeast")
    EAST = "east", _l("East")
    WEST = "west", _l("West")
    SOUTH = "south", _l("South")


class OrgStatus(LabelledEnum):
    ACTIVE = "active", _l("Active")
    SUSPENDED = "suspended", _l("Suspended")
    LEFT = "left", _l("Left the network")


class Role(LabelledEnum):
    ORG_ADMIN = "org_admin", _l("Organisation admin")
    MEMBER = "member", _l("Member")


class Visibility(LabelledEnum):
    """Who sees a group of a profile's fields."""

    PUBLIC = "public", _l("Everyone")
    MEMBERS = "members", _l("Network members")
    HIDDEN = "hidden", _l("Only our organisation")


class Channel(LabelledEnum):
    """The kinds of PR channel a profile lists."""

    WEBSITE = "website", _l("Website")
    FACEBOOK = "facebook", _l("Facebook page")
    LINE = "line", _l("LINE official account")
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    BROADCAST = "broadcast", _l("Radio or TV programme")
    OTHER = "other", _l("Other")


class Section(LabelledEnum):
    """The parts of a profile, edited one at a time."""

    ABOUT = "about", _l("About the organisation")
    CONTACT = "contact", _l("Contact details")
    CHANNELS = "channels", _l("PR channels")
    EXPERTISE = "expertise", _l("Areas of expertise")
    VISIBILITY = "visibility", _l("Who sees what")
    LOGO = "logo", _l("Logo")
    PEOPLE = "people", _l("People")


class InvitationState(LabelledEnum):
    PENDING = "pending", _l("Pending")
    ACCEPTED = "accepted", _l("Accepted")
    REVOKED = "revoked", _l("Revoked")
    EXPIRED = "expired", _l("Expired")


EXPERTISE_SUGGESTIONS = [_l("Crisis communication"), _l("Media relations"), _l("CSR"), _l("Digital communication"),
                         _l("Events"), _l("Internal communication"), _l("Community relations")]

# Field groups of a profile and who sees them unless the organisation chooses otherwise.
DEFAULT_VISIBILITY = {"about": "public", "contact": "members", "channels": "public", "expertise": "public",
                      "people": "members"}


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
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    region: Mapped[Region] = mapped_column(enum_column(Region))
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
    status: Mapped[OrgStatus] = mapped_column(enum_column(OrgStatus), default=OrgStatus.ACTIVE)
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
    may (the expertise in each only if they see it at `expertise_level`). A province is found by either name."""
    return tuple(" ".join([name_th or "", name_en or "", province_names(province),
                           *((expertise or []) if can_see(relation, expertise_level) else [])]).lower()
                 for relation in ("member", "public"))


class Membership(db.Model):
    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MEMBER)
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    is_signatory: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # User.memberships is declared here, not on User: accounts know nothing of organisations.
    user: Mapped[User] = relationship(backref=backref("memberships", order_by="Membership.id"))
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)


# Whether a person belongs to an active organisation: read with the person on every request (portal.auth.loader's
# facts), so that a member page or fragment needs no query of its own for it.
IN_ACTIVE_ORGANISATION = sa.exists().where(
    Membership.user_id == User.id, Membership.organisation_id == Organisation.id,
    Organisation.status == OrgStatus.ACTIVE)


class MembershipInvitation(db.Model):
    """An invitation for a person to join an organisation with a role, accepted once through a mailed link."""

    __tablename__ = "membership_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    language: Mapped[str] = mapped_column(sa.String(5), default="th")
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    nonce: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Sent by the approval of the organisation's application: it stands on the network's decision, not on the
    # approving coordinator's own rights (an invitation by hand is revoked when its inviter loses the right to invite).
    from_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()

    @property
    def state(self):
        """Where the invitation stands: accepted, revoked, expired or pending."""
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        return InvitationState.PENDING if self.expires_at > utcnow() else InvitationState.EXPIRED
