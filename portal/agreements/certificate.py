"""A certificate of signing as a PDF: rendered and sealed by the portal's PDF pipeline (portal.pdf: WeasyPrint,
Thai shaped by Pango; pyHanko, PAdES, with the portal's key), and read back from an uploaded file to verify it.

The number, the text's SHA-256 and the chain head travel in the PDF's document information dictionary
(/PortalCertificate, /PortalTextSHA256, /PortalChainHead), written by WeasyPrint into the base document: the seal
covers every byte of it, and verifying never depends on extracting text (which drops Thai marks).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal import pdf

# The pipeline's names, from here as before: the agreements' views, CLI and tests import them from this module.
from portal.pdf import (  # noqa: F401
    CERT_FILE,
    CHANGED,
    DEVELOPMENT_NAME,
    ENCRYPTED,
    FOREIGN,
    KEY_FILE,
    NO_SEAL,
    SEAL_FIELD,
    UNREADABLE,
    development_directory,
    make_development_key,
    outside_event_loops,
    signing_files,
    signing_key_command,
)

INFO_KEYS = {"number": "/PortalCertificate", "text_sha256": "/PortalTextSHA256", "chain_head": "/PortalChainHead"}
STYLESHEET = "css/certificate.css"

NOT_A_CERTIFICATE = _l("This sealed file is not a certificate.")

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class CertificateSignature:
    """One party's signature as the certificate shows it."""

    organisation_th: str
    organisation_en: str
    signer_name: str
    signer_position: str
    signed_at: datetime  # aware, UTC
    ip: str | None
    consent_text: str


@dataclass(frozen=True, kw_only=True)
class CertificateData:
    """Everything a certificate shows, in one language; body_html is already sanitised."""

    number: str
    language: str
    title_th: str
    title_en: str
    kind_label: str
    version: int
    published_at: datetime
    completed_at: datetime
    valid_from: date | None
    valid_until: date | None
    body_html: str
    text_sha256: str
    chain_head: str
    signatures: list[CertificateSignature]
    timeline: list[tuple[datetime, str]]
    verify_url: str


@dataclass(frozen=True, kw_only=True)
class TextData:
    """A published version's text, in one language, as its PDF shows it before anyone signs."""

    language: str
    title_th: str
    title_en: str
    kind_label: str
    version: int
    published_at: datetime
    signing_deadline: date
    valid_from: date | None
    valid_until: date | None
    body_html: str
    text_sha256: str
    parties: list[str]


@dataclass(frozen=True)
class Reading:
    """What an uploaded file's seal says: "valid", "modified" or "unknown" (with why), and what it certifies."""

    status: str
    reason: str = ""
    number: str = ""
    text_sha256: str = ""
    chain_head: str = ""
    sealed_at: datetime | None = None


# Rendering and sealing

def render_pdf(data):
    """Render the certificate as an unsealed PDF in data.language, carrying its number and hashes as metadata."""
    return pdf.render("agreements/certificate_pdf.html", data.language, STYLESHEET, _carry(data), data=data,
                      body=Markup(data.body_html))


def render_text_pdf(data):
    """Render a version's text alone (what a signatory reads before signing) as a PDF in data.language."""
    return pdf.render("agreements/text_pdf.html", data.language, STYLESHEET, data=data, body=Markup(data.body_html))


def _carry(data):
    """WeasyPrint's finisher that writes the number and hashes into the PDF's document information."""

    def finisher(document, written):
        import pydyf

        for field, key in INFO_KEYS.items():
            written.info[key.lstrip("/")] = pydyf.String(getattr(data, field))

    return finisher


def seal(pdf_bytes):
    """Seal a certificate's PDF with the portal's key (portal.pdf.seal); a development key is announced here."""
    return pdf.seal(pdf_bytes, log=log)


# Reading back

def read_back(content):
    """Check an uploaded file's seal: ours, intact, over the whole file; and read what it certifies."""
    checked = pdf.check_seal(content)
    if checked.status != "valid":
        return Reading(checked.status, checked.reason)
    values = _carried(checked.reader, checked.revision)
    if not values["number"]:
        return Reading("unknown", str(NOT_A_CERTIFICATE))
    return Reading("valid", sealed_at=checked.sealed_at, **values)


def _carried(reader, revision):
    """The certificate's values from the document information as it was in the signed revision."""
    info = reader.get_historical_resolver(revision).trailer_view.get("/Info")
    info = info.get_object() if info is not None else {}
    return {field: str(info.get(key, "")) for field, key in INFO_KEYS.items()}
