"""Events and the people invited to them: one row per invitee (a member or a guest by email) with their answer.

Seats are counted on the event (`confirmed`), and the database keeps the count within the capacity: a "yes" takes a
seat with one conditional UPDATE, and a CHECK refuses any count above the capacity, so no interleaving of requests,
on SQLite or PostgreSQL, can oversell (portal.events.rsvp).
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import UTCDateTime, enum_column, utcnow
from portal.enums import LabelledEnum
from portal.extensions import db
from portal.organisations.models import Organisation


class EventState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")


class Visibility(LabelledEnum):
    MEMBERS = "members", _l("Members of the network")
    PUBLIC = "public", _l("Everyone (public)")


class Reply(LabelledEnum):
    """What an invitee answers."""

    YES = "yes", _l("Yes, I will come")
    MAYBE = "maybe", _l("Maybe")
    NO = "no", _l("No, I can't come")


class Status(LabelledEnum):
    """Where an invitee stands: a "yes" is confirmed (a seat) or waiting (none left)."""

    INVITED = "invited", _l("Not answered")
    CONFIRMED = "confirmed", _l("Coming")
    WAITING = "waiting", _l("On the waiting list")
    MAYBE = "maybe", _l("Maybe")
    DECLINED = "declined", _l("Not coming")


class Event(db.Model):
    """An event of the network (no host organisation) or of a member organisation."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    title_th: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    description_th: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(sa.String(500), default="")
    map_url: Mapped[str] = mapped_column(sa.String(500), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")  # shown only to people coming
    capacity: Mapped[int | None] = mapped_column()  # None: no limit
    seats_per_organisation: Mapped[int | None] = mapped_column()  # None: no limit per member organisation
    rsvp_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility), default=Visibility.MEMBERS)
    state: Mapped[EventState] = mapped_column(enum_column(EventState), default=EventState.DRAFT, index=True)
    sequence: Mapped[int] = mapped_column(default=0)  # the .ics SEQUENCE: raised on every change mailed
    confirmed: Mapped[int] = mapped_column(default=0)  # seats taken
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    host_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR (capacity > 0 AND confirmed <= capacity)", name="seats_within_capacity"),
        sa.CheckConstraint("confirmed >= 0", name="seats_not_negative"),
        sa.CheckConstraint("seats_per_organisation IS NULL OR seats_per_organisation > 0",
                           name="seats_per_organisation_positive"),
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_it_starts"),
    )

    def title_in(self, language):
        """The title in a language, falling back to the Thai one."""
        return self.title_en if language == "en" and self.title_en else self.title_th

    def description_in(self, language):
        return self.description_en if language == "en" and self.description_en else self.description_th

    @property
    def seats_left(self):
        """Free seats (None without a capacity)."""
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


class Invitation(db.Model):
    """One person invited to an event (a member, or a guest known by address only), and their answer."""

    __tablename__ = "event_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(sa.String(254))  # as the portal stores addresses (normalised)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(5), default="th")
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.INVITED)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the waiting list's order
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the invitation mail was queued: a large invitation is mailed by the worker after the request answered.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),  # nobody is invited twice to one event
        sa.Index("ix_event_invitation_waiting", "event_id", "status", "waiting_since"),
        sa.Index("ix_event_invitation_unmailed", "mailed_at", "id"),
    )

    @property
    def display_name(self):
        return self.name or (self.user.name if self.user else "") or self.email


class RequestState(LabelledEnum):
    PENDING = "pending", _l("Waiting for a coordinator")
    APPROVED = "approved", _l("Approved: invitations sent")
    DECLINED = "declined", _l("Not approved")


class AudienceRequest(db.Model):
    """A member organisation's wish to invite the whole network, or regions or sectors of it, to its event: it waits
    for a coordinator's approval (the network's inboxes are shared; hand-picked people need none)."""

    __tablename__ = "event_audience_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)  # empty with no sectors: everyone
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState), default=RequestState.PENDING, index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")  # the coordinator's reason when declined
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
