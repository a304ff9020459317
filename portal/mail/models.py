"""The outbox: every message the portal sends, from queued to sent."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.enums import LabelledEnum
from portal.extensions import db


class OutboxStatus(LabelledEnum):
    QUEUED = "queued", _l("Queued")
    SENDING = "sending", _l("Sending")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed")
    DEAD = "dead", _l("Given up")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(5), default="th")
    status: Mapped[OutboxStatus] = mapped_column(
        sa.Enum(OutboxStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e],
                name="outboxstatus"),
        default=OutboxStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(sa.String(40))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Higher goes first: an urgent alert is delivered ahead of a bulk of invitations queued before it.
    priority: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the worker needs for the List-Unsubscribe headers: the kind of mail, and for a kind a person may turn
    # off, the signed link that turns it off (none on essential mail).
    kind: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    unsubscribe_url: Mapped[str | None] = mapped_column(sa.String(1000))

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    __table_args__ = (sa.Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),)

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.status} to {self.recipient}>"


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class MailPreference(db.Model):
    """A person's choice for one kind of mail, keyed by their address (normalised): "off" (later also "digest").
    No row: the kind is on. Essential kinds have none."""

    __tablename__ = "mail_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))
    choice: Mapped[str] = mapped_column(sa.String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.UniqueConstraint("address", "kind"),)

    def __repr__(self):
        return f"<MailPreference {self.address} {self.kind} {self.choice}>"
