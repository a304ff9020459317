"""Network agreements: drafts, the versions published from them, each party's answer, the signing record, and the
certificate of a completed version.

What is published never changes: versions, their parties, answers (signatures and declines), the signing record and
certificates are refused UPDATE and DELETE by the database itself (triggers: portal.agreements.immutability). States
that change (open, complete, superseded...) are derived from those rows, never stored on them.
"""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.db import UTCDateTime, enum_column, utcnow
from portal.enums import LabelledEnum
from portal.extensions import db
from portal.organisations.models import Organisation


class AgreementKind(LabelledEnum):
    CHARTER = "charter", _l("Network charter")
    COOPERATION = "cooperation", _l("Cooperation agreement")


class Answer(LabelledEnum):
    SIGNED = "signed", _l("Signed")
    DECLINED = "declined", _l("Declined")


class VersionState(LabelledEnum):
    """Where a published version stands (derived, see services.version_state)."""

    OPEN = "open", _l("Open for signing")
    COMPLETE = "complete", _l("Signed by every party")
    DECLINED = "declined", _l("Declined by a party")
    EXPIRED = "expired", _l("Deadline passed")
    SUPERSEDED = "superseded", _l("Replaced by a newer version")


class EventKind(LabelledEnum):
    PUBLISHED = "published", _l("Published")
    VIEWED = "viewed", _l("Read by a signatory")
    SIGNED = "signed", _l("Signed")
    DECLINED = "declined", _l("Declined")
    REMINDED = "reminded", _l("Reminder sent")
    COMPLETED = "completed", _l("Completed")
    EXPIRED = "expired", _l("Deadline passed unsigned")


class Agreement(db.Model):
    """An agreement and its draft: the text and terms being written for its next version."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind))
    # A cooperation agreement is drafted by (the admins of) one member organisation; a charter by coordinators.
    author_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The draft of the next version: open while being written (before the first version, or for an amendment).
    drafting: Mapped[bool] = mapped_column(default=True)
    title_th: Mapped[str] = mapped_column(sa.String(300), default="")
    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    body_th: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    signing_deadline: Mapped[date | None] = mapped_column(sa.Date)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    sequential: Mapped[bool] = mapped_column(default=False)  # parties sign one after the other, in their order

    author_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    draft_parties: Mapped[list["DraftParty"]] = relationship(
        cascade="all, delete-orphan", order_by="DraftParty.position")
    versions: Mapped[list["AgreementVersion"]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number")

    def title_in(self, language):
        """The title in a language, falling back to the Thai one."""
        return self.title_en if language == "en" and self.title_en else self.title_th


class DraftParty(db.Model):
    """A named party of a cooperation agreement's draft, in signing order (a charter's parties are every active
    member organisation when it is published)."""

    __tablename__ = "agreement_draft_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (sa.UniqueConstraint("agreement_id", "organisation_id"),)


class AgreementVersion(db.Model):
    """Version N of an agreement as published: its text, frozen, with the SHA-256 of its canonical form."""

    __tablename__ = "agreement_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column()
    title_th: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    body_th: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text)
    text_sha256: Mapped[str] = mapped_column(sa.String(64))
    signing_deadline: Mapped[date] = mapped_column(sa.Date)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    sequential: Mapped[bool] = mapped_column()
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"))

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()
    parties: Mapped[list["VersionParty"]] = relationship(order_by="VersionParty.position", viewonly=True)
    answers: Mapped[list["PartyAnswer"]] = relationship(order_by="PartyAnswer.id", viewonly=True)

    __table_args__ = (sa.UniqueConstraint("agreement_id", "number"),)

    def title_in(self, language):
        """The title in a language, falling back to the Thai one."""
        return self.title_en if language == "en" and self.title_en else self.title_th

    def body_in(self, language):
        """The text in a language, falling back to the Thai one."""
        return self.body_en if language == "en" and self.body_en.strip() else self.body_th


class VersionParty(db.Model):
    """A party to a published version, in signing order (as frozen when the version was published)."""

    __tablename__ = "agreement_version_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_version.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column()

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (sa.UniqueConstraint("version_id", "organisation_id"),)


class PartyAnswer(db.Model):
    """A party organisation's one answer to a version: signed (by one of its authorised signatories) or declined.

    The unique (version, organisation) pair is what keeps it to one answer, whoever answers at the same moment."""

    __tablename__ = "agreement_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_version.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    answer: Mapped[Answer] = mapped_column(enum_column(Answer))
    typed_name: Mapped[str] = mapped_column(sa.String(200), default="")
    typed_position: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_text: Mapped[str] = mapped_column(sa.Text, default="")  # the sentence ticked, in the language shown
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why a party declined
    language: Mapped[str] = mapped_column(sa.String(5))
    text_sha256: Mapped[str] = mapped_column(sa.String(64))  # of the text shown when answering
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(400), default="")

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("version_id", "organisation_id"),)


class AgreementEvent(db.Model):
    """One event of an agreement's signing record. Its hash covers its content and the previous event's hash, so that
    a row changed or removed behind the portal's back breaks the chain from there on (services.verify_chain)."""

    __tablename__ = "agreement_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="RESTRICT"), index=True)
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement_version.id", ondelete="RESTRICT"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Certificate(db.Model):
    """The certificate of a completed version, issued when its last party signs: its number (what the public verify
    page takes; not guessable, so that numbers cannot be walked) and the head of the signing record it certifies."""

    __tablename__ = "agreement_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_version.id", ondelete="RESTRICT"), unique=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    chain_head: Mapped[str] = mapped_column(sa.String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version: Mapped[AgreementVersion] = relationship()


class CertificatePdf(db.Model):
    """A certificate's sealed PDF, made once, on its first download (a charter of 500 signatures takes seconds to
    make: never in a signatory's request, never again)."""

    __tablename__ = "agreement_certificate_pdf"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_certificate.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(sa.String(5))  # one PDF per language, each made on its first download
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("certificate_id", "language"),)
