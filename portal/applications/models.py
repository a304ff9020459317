"""Applications to join the network, from the public form to the coordinators' decision."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, enum_column, utcnow
from portal.enums import LabelledEnum
from portal.extensions import db
from portal.organisations.models import Organisation, Region, Sector


class ApplicationStatus(LabelledEnum):
    UNCONFIRMED = "unconfirmed", _l("Email not confirmed")  # the confirmation link not yet followed
    PENDING = "pending", _l("Waiting for review")
    NEEDS_INFO = "needs_info", _l("More information requested")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Not approved")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


OPEN_APPLICATION_STATES = (ApplicationStatus.PENDING, ApplicationStatus.NEEDS_INFO)
# Not decided yet: the applicant may still take it back (and the same form sent again is the same application).
UNDECIDED_APPLICATION_STATES = (ApplicationStatus.UNCONFIRMED, *OPEN_APPLICATION_STATES)


class Application(db.Model):
    """An organisation's application to join, from the public form to the coordinators' decision."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus), default=ApplicationStatus.UNCONFIRMED,
                                                      index=True)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    region: Mapped[Region] = mapped_column(enum_column(Region))
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
    # The privacy notice the applicant read (its version) and when; carried over to their account.
    privacy_version: Mapped[int | None] = mapped_column()
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # confirmed: entered the queue
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    reviewer: Mapped["User | None"] = relationship()  # noqa: F821
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (sa.Index("ix_application_queue", "status", "submitted_at"),)

    def name_in(self, language):
        """The organisation's name in a language, falling back to the Thai name."""
        return self.name_en if language == "en" and self.name_en else self.name_th
