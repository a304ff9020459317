"""Urgent alerts and the people they reach: one row per recipient, acknowledged (or not), reminded (or not)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.organisations.models import Organisation


class Alert(db.Model):
    """An urgent message from the network's coordinators, or from an organisation's admins to its own people."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(  # None: the network's (a coordinator sent it)
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    title_th: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    message_th: Mapped[str] = mapped_column(sa.Text, default="")
    message_en: Mapped[str] = mapped_column(sa.Text, default="")
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)  # the audience, as organisations.audiences takes it
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    chosen: Mapped[list] = mapped_column(sa.JSON, default=list)
    remind_after_minutes: Mapped[int | None] = mapped_column()  # None: no reminder
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when its reminders went out
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    organisation: Mapped[Organisation | None] = relationship()
    sent_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("remind_after_minutes IS NULL OR remind_after_minutes > 0", name="reminder_in_future"),
    )

    def title_in(self, language):
        """The title in a language, falling back to the other one."""
        return (self.title_en or self.title_th) if language == "en" else (self.title_th or self.title_en)

    def message_in(self, language):
        return (self.message_en or self.message_th) if language == "en" else (self.message_th or self.message_en)


class Recipient(db.Model):
    """One person an alert reached, and whether (and when) they acknowledged it."""

    __tablename__ = "alert_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(5), default="th")
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    alert: Mapped[Alert] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("alert_id", "user_id"),  # one row (one mail, one acknowledgement) per person
        sa.Index("ix_alert_recipient_open", "alert_id", "acknowledged_at"),
    )
