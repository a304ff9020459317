"""The person who logs in."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


def new_session_token():
    """Return a fresh per-user token; changing it ends every session of that user."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    language: Mapped[str] = mapped_column(sa.String(5), default="th")
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The version of the privacy notice the person accepted, and when (portal.privacy keeps the current one).
    privacy_version: Mapped[int | None] = mapped_column()
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower"),)

    @property
    def is_active(self):
        return self.active

    # What the loader read with the person in the same query, by name (see portal.auth.loader.load_fact): facts
    # other domains need on every request, such as "belongs to an active organisation".
    facts = {}

    def get_id(self):
        # The session stores id and token together, so a changed token ends the session.
        return f"{self.id}:{self.session_token}"

    def __repr__(self):
        return f"<User {self.email}>"
