"""Share requests: a member organisation asks others to spread its news; the organisations asked (fixed when it is
posted), each one's answer (one per organisation, kept so by a unique constraint) and where each shared it.

Attachments are kept in the database (`share_attachment.data`, loaded only when a file is served): they are small
(images re-encoded at most 1600 px a side, PDFs capped at 5 MB), they go wherever the database goes (backups,
several web hosts) and they leave with their request.
"""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.auth.models import User
from portal.db import UTCDateTime, enum_column, utcnow
from portal.enums import LabelledEnum
from portal.extensions import db
from portal.organisations.models import Channel, Organisation


class ShareReply(LabelledEnum):
    """What an organisation asked answers."""

    WILL_SHARE = "will_share", _l("We will share")
    CANNOT = "cannot", _l("We can't share")


class ShareRequest(db.Model):
    """A member organisation's request to the network to spread its news, until a date."""

    __tablename__ = "share_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    headline_th: Mapped[str] = mapped_column(sa.String(300), default="")
    headline_en: Mapped[str] = mapped_column(sa.String(300), default="")
    message_th: Mapped[str] = mapped_column(sa.Text, default="")
    message_en: Mapped[str] = mapped_column(sa.Text, default="")
    links: Mapped[list] = mapped_column(sa.JSON, default=list)  # web addresses of the news
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)  # Channel values asked for
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)  # the audience, as organisations.audiences takes it
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    chosen: Mapped[list] = mapped_column(sa.JSON, default=list)
    relevant_until: Mapped[date] = mapped_column(sa.Date)  # the last day (Bangkok) it matters
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    organisation: Mapped[Organisation] = relationship()
    posted_by: Mapped[User | None] = relationship(foreign_keys=[posted_by_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    attachments: Mapped[list["ShareAttachment"]] = relationship(
        back_populates="request", order_by="ShareAttachment.id", cascade="all, delete-orphan")

    def headline_in(self, language):
        """The headline in a language, falling back to the other one."""
        return (self.headline_en or self.headline_th) if language == "en" else (self.headline_th or self.headline_en)

    def message_in(self, language):
        """The message in a language, falling back to the other one."""
        return (self.message_en or self.message_th) if language == "en" else (self.message_th or self.message_en)

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class ShareAttachment(db.Model):
    """An image (re-encoded as PNG) or a PDF press release of a request, its bytes in the database."""

    __tablename__ = "share_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_request.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))  # as shown and downloaded (the upload's name, cleaned)
    content_type: Mapped[str] = mapped_column(sa.String(50))  # image/png or application/pdf
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))

    request: Mapped[ShareRequest] = relationship(back_populates="attachments")

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class ShareTarget(db.Model):
    """An organisation a request asks, fixed when it is posted: a later member does not change the tally."""

    __tablename__ = "share_target"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_request.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True, index=True)


class ShareAnswer(db.Model):
    """An organisation's answer to a request: one per organisation (the database refuses a second), by any of its
    people, changed in place."""

    __tablename__ = "share_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_request.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    reply: Mapped[ShareReply] = mapped_column(enum_column(ShareReply))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    answered_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("request_id", "organisation_id"),)


class ShareReport(db.Model):
    """Where an organisation shared a request: a web address on a channel, or a note (radio, TV, print)."""

    __tablename__ = "share_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("share_request.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    reported_by: Mapped[User | None] = relationship()


class SharePolicy(db.Model):
    """Whether an organisation's members (not only its admins) may post share requests in its name; its admins
    decide. No row: admins only."""

    __tablename__ = "share_policy"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    members_may_post: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
