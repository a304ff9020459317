"""Certificates of completed versions: the data they certify, their sealed PDF (made once per language), and the
answers of the public verify page."""

import fcntl
import hashlib
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.agreements import record
from portal.agreements.certificate import (
    CertificateData,
    CertificateSignature,
    TextData,
    read_back,
    render_pdf,
    render_text_pdf,
    seal,
)
from portal.agreements.models import AgreementEvent, Answer, Certificate, CertificatePdf, PartyAnswer
from portal.agreements.text import to_html
from portal.db import serialise
from portal.extensions import db
from portal.i18n import in_language
from portal.mail.services import mail_url

log = logging.getLogger(__name__)

MAX_PDF_BYTES = 8 * 1024 * 1024  # a certificate of 500 signatures is far smaller


def for_number(number):
    """The certificate with this number, or None."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == (number or "").strip().upper()))


def of_version(version):
    """The certificate of a version (None until every party has signed)."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.version_id == version.id))


def signatures(version):
    """The version's signatures, in the order they were given, with their people and organisations."""
    return db.session.scalars(
        sa.select(PartyAnswer).where(PartyAnswer.version_id == version.id, PartyAnswer.answer == Answer.SIGNED)
        .order_by(PartyAnswer.answered_at, PartyAnswer.id)
        .options(selectinload(PartyAnswer.organisation), selectinload(PartyAnswer.user))).all()


def timeline(certificate):
    """The signing record of the agreement up to the certificate's chain head, oldest first."""
    head = db.session.scalar(sa.select(AgreementEvent.id).where(AgreementEvent.hash == certificate.chain_head))
    return db.session.scalars(
        sa.select(AgreementEvent).where(AgreementEvent.agreement_id == certificate.version.agreement_id,
                                        AgreementEvent.id <= (head or 0))
        .order_by(AgreementEvent.id).options(selectinload(AgreementEvent.actor),
                                             selectinload(AgreementEvent.organisation))).all()


def _describe(event, language):
    who = event.actor.name if event.actor else _l("the portal")
    text = f"{event.kind.label}"
    if event.organisation is not None:
        text += f" · {event.organisation.name_in(language)}"
    return f"{text} · {who}"


def data(certificate, language):
    """What the certificate certifies, in a language, for its page and its PDF."""
    version = certificate.version
    with in_language(language):
        return CertificateData(
            number=certificate.number, language=language, title_th=version.title_th, title_en=version.title_en,
            kind_label=str(version.agreement.kind.label), version=version.number, published_at=version.published_at,
            completed_at=certificate.issued_at, valid_from=version.valid_from, valid_until=version.valid_until,
            body_html=str(to_html(version.body_in(language))), text_sha256=version.text_sha256,
            chain_head=certificate.chain_head,
            signatures=[CertificateSignature(
                organisation_th=a.organisation.name_th, organisation_en=a.organisation.name_en or a.organisation.name_th,
                signer_name=a.typed_name, signer_position=a.typed_position, signed_at=a.answered_at, ip=a.ip,
                consent_text=a.consent_text) for a in signatures(version)],
            timeline=[(event.created_at, str(_describe(event, language))) for event in timeline(certificate)],
            verify_url=mail_url("verify.verify", number=certificate.number))


def text_pdf(version, parties, language):
    """A version's text as a PDF to read before signing (quick to make, never stored: the text is in the database)."""
    with in_language(language):
        return render_text_pdf(TextData(
            language=language, title_th=version.title_th, title_en=version.title_en,
            kind_label=str(version.agreement.kind.label), version=version.number, published_at=version.published_at,
            signing_deadline=version.signing_deadline, valid_from=version.valid_from, valid_until=version.valid_until,
            body_html=str(to_html(version.body_in(language))), text_sha256=version.text_sha256,
            parties=[organisation.name_in(language) for organisation in parties]))


def _stored(certificate_id, language):
    return db.session.scalar(sa.select(CertificatePdf.pdf).where(CertificatePdf.certificate_id == certificate_id,
                                                                 CertificatePdf.language == language))


@contextmanager
def _one_maker(certificate_id):
    """One process at a time makes a certificate's PDF (seconds for hundreds of signatures): the others wait, then
    serve the one it kept. PostgreSQL: an advisory lock, held until the maker commits. SQLite (one host): a lock
    file; not its write lock, which would stop every write in the portal for as long as the making takes."""
    if db.session.connection().dialect.name == "postgresql":
        serialise(db.session, f"certificate-pdf:{certificate_id}")
        yield
        return
    os.makedirs(current_app.instance_path, exist_ok=True)
    with open(os.path.join(current_app.instance_path, "certificate-pdf.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pdf(certificate, language):
    """The certificate's sealed PDF in a language: made on its first download and kept (never made again, nor made
    twice by two first downloads at once). Commits."""
    made = _stored(certificate.id, language)
    if made is not None:
        return made
    certificate_id = certificate.id
    db.session.commit()  # end this transaction: after waiting for another maker, read afresh what it kept
    with _one_maker(certificate_id):
        made = _stored(certificate_id, language)
        if made is None:
            certificate = db.session.get(Certificate, certificate_id)
            started = time.perf_counter()
            made = seal(render_pdf(data(certificate, language)))
            db.session.add(CertificatePdf(certificate_id=certificate_id, language=language, pdf=made,
                                          pdf_sha256=hashlib.sha256(made).hexdigest()))
            log.info("Certificate %s: %s PDF made in %.1f s (%d bytes)", certificate.number, language,
                     time.perf_counter() - started, len(made))
        db.session.commit()  # kept before the next maker looks
    return made


@dataclass
class Verdict:
    """The verify page's answer: "valid" (with the certificate), "modified" or "unknown", and why."""

    outcome: str
    certificate: Certificate | None = None
    reason: str = ""


def verify_number(number):
    """Check a certificate number: known, and its agreement's record unbroken up to the head it certifies."""
    certificate = for_number(number)
    if certificate is None:
        return Verdict("unknown", reason=str(_l("No certificate has this number.")))
    return _check_record(certificate)


def _check_record(certificate):
    broken = record.verify_chain(certificate.version.agreement_id)
    head = db.session.scalar(sa.select(AgreementEvent.id).where(AgreementEvent.hash == certificate.chain_head))
    if head is None or (broken is not None and broken.event_id <= head):
        return Verdict("modified", certificate, str(_l("The signing record no longer matches what this certificate "
                                                       "certifies.")))
    return Verdict("valid", certificate)


def verify_pdf(content):
    """Check an uploaded PDF: our seal intact over the whole file, and what it claims matches the signing record."""
    if len(content) > MAX_PDF_BYTES:
        return Verdict("unknown", reason=str(_l("This file is larger than any certificate.")))
    reading = read_back(content)
    if reading.status == "unknown":
        return Verdict("unknown", reason=reading.reason)
    certificate = for_number(reading.number)
    if reading.status == "modified" or certificate is None:
        return Verdict("modified", certificate, reading.reason or str(_l("The seal does not match the file.")))
    if (reading.text_sha256, reading.chain_head) != (certificate.version.text_sha256, certificate.chain_head):
        return Verdict("modified", certificate, str(_l("The file's hashes are not those of this certificate.")))
    return _check_record(certificate)

