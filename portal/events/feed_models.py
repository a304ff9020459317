"""A member's personal calendar feed: one secret key per person, in the address their calendar app polls.

The key alone opens the feed (calendar apps cannot log in), so it is long and random, and replaced rather than
reused: renewing gives a new key and the old address stops working at once.
"""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import UTCDateTime, utcnow
from portal.extensions import db


def new_key():
    """Return a fresh feed key: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class CalendarFeed(db.Model):
    """The address of one person's feed of the events they are coming to."""

    __tablename__ = "event_calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    key: Mapped[str] = mapped_column(sa.String(43), unique=True, default=new_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # when this key was made
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last read by a calendar (to the hour)

    user: Mapped[User] = relationship()
