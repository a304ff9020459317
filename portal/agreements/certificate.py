"""A certificate of signing as a PDF: rendered by WeasyPrint (Thai shaped by Pango), sealed by pyHanko (PAdES) with
the portal's key, and read back from an uploaded file to verify it.

The number, the text's SHA-256 and the chain head travel in the PDF's document information dictionary
(/PortalCertificate, /PortalTextSHA256, /PortalChainHead), written by WeasyPrint into the base document: the seal
covers every byte of it, and verifying never depends on extracting text (which drops Thai marks).

WeasyPrint and pyHanko take about a second each to import: they are imported where used, not by every process that
creates the app.
"""

import asyncio
import contextvars
import fcntl
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal.i18n import in_language

SEAL_FIELD = "Seal"
INFO_KEYS = {"number": "/PortalCertificate", "text_sha256": "/PortalTextSHA256", "chain_head": "/PortalChainHead"}
KEY_FILE, CERT_FILE = "seal-key.pem", "seal-cert.pem"
DEVELOPMENT_NAME = "PR Network Portal (development seal)"
STYLESHEET = ("css", "certificate.css")

UNREADABLE = _l("This file is not a PDF that can be read.")
ENCRYPTED = _l("This PDF is encrypted.")
NO_SEAL = _l("This file carries no portal seal.")
CHANGED = _l("The file was changed after it was sealed.")
FOREIGN = _l("The seal was not made by the portal.")
NOT_A_CERTIFICATE = _l("This sealed file is not a certificate.")

log = logging.getLogger(__name__)
_announced = set()


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


# Rendering

def render_pdf(data):
    """Render the certificate as an unsealed PDF in data.language, carrying its number and hashes as metadata."""
    return _write("agreements/certificate_pdf.html", data.language, _carry(data), data=data,
                  body=Markup(data.body_html))


def render_text_pdf(data):
    """Render a version's text alone (what a signatory reads before signing) as a PDF in data.language."""
    return _write("agreements/text_pdf.html", data.language, None, data=data, body=Markup(data.body_html))


def _write(template, language, finisher, **context):
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    with in_language(language):
        html = render_template(template, **context)
    fetcher = _static_fetcher(current_app.static_folder)
    # @font-face in a stylesheet is only honoured when CSS() and write_pdf() share one FontConfiguration.
    fonts = FontConfiguration()
    css = CSS(filename=os.path.join(current_app.static_folder, *STYLESHEET), font_config=fonts, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fonts, finisher=finisher)


def _carry(data):
    """WeasyPrint's finisher that writes the number and hashes into the PDF's document information."""

    def finisher(document, pdf):
        import pydyf

        for field, key in INFO_KEYS.items():
            pdf.info[key.lstrip("/")] = pydyf.String(getattr(data, field))

    return finisher


def outside_event_loops(function, *args, **kwargs):
    """Call one of pyHanko's functions, which run their own asyncio loop (asyncio.run): where this thread already
    runs a loop (an async server; Playwright's in the tests), that cannot start, so the call goes to a thread of its
    own, with this one's context (the app and the request)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(contextvars.copy_context().run, function, *args, **kwargs).result()


def _static_fetcher(static_folder):
    """A URL fetcher that reads only the portal's static files: nothing in a certificate is fetched from elsewhere."""
    from weasyprint.urls import URLFetcher

    root = os.path.realpath(static_folder) + os.sep

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if not os.path.realpath(response.path or "").startswith(root):
                response.close()
                raise ValueError(f"Not a static file of the portal: {url}")
            return response

    return StaticFetcher(allowed_protocols={"file"})


# Sealing

def seal(pdf_bytes):
    """Seal a PDF with the portal's key (PAdES, field "Seal"), with a timestamp when SIGNING_TSA_URL is set."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    key_path, cert_path = signing_files()
    signer = signers.SimpleSigner.load(key_path, cert_path)
    if signer is None:
        raise RuntimeError(f"The seal's key {key_path} or certificate {cert_path} cannot be read.")
    tsa_url = current_app.config.get("SIGNING_TSA_URL")
    metadata = signers.PdfSignatureMetadata(field_name=SEAL_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256")
    sealed = outside_event_loops(signers.sign_pdf, IncrementalPdfFileWriter(BytesIO(pdf_bytes)), metadata,
                                 signer=signer,
                                 timestamper=timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None)
    return sealed.getvalue()


def signing_files():
    """The seal's key and certificate files: the configured ones, or outside production the development pair in the
    instance folder (made on first use)."""
    config = current_app.config
    key_path, cert_path = config.get("SIGNING_KEY_FILE"), config.get("SIGNING_CERT_FILE")
    if key_path and cert_path and os.path.isfile(key_path) and os.path.isfile(cert_path):
        return key_path, cert_path
    if config["PORTAL_ENV"] == "production":
        raise RuntimeError("SIGNING_KEY_FILE and SIGNING_CERT_FILE must name the seal's key and certificate files.")
    directory = development_directory()
    paths = _development_paths(directory)
    if not all(os.path.isfile(path) for path in paths):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        with open(os.path.join(directory, ".lock"), "w") as lock:  # several processes may want it at once
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.isfile(paths[0]):
                make_development_key(directory)
    if directory not in _announced:
        _announced.add(directory)
        log.info("Certificates are sealed with the development key in %s (set SIGNING_KEY_FILE and "
                 "SIGNING_CERT_FILE to use another).", directory)
    return paths


def development_directory():
    """Where the development key lives: the instance folder's signing/."""
    return os.path.join(current_app.instance_path, "signing")


def _development_paths(directory):
    return os.path.join(directory, KEY_FILE), os.path.join(directory, CERT_FILE)


def make_development_key(directory):
    """Make a self-signed EC P-256 key and certificate (PEM, valid 10 years) in directory; return their paths.

    Never overwrites a key: raises FileExistsError if directory already holds one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key_path, cert_path = _development_paths(directory)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_NAME)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=3652))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    with os.fdopen(os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(key_pem)
    with open(cert_path, "wb") as file:
        file.write(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@click.command("signing-key")
@click.option("--directory", type=click.Path(file_okay=False), default=None,
              help="Where to keep the key (default: the instance folder's signing/).")
@with_appcontext
def signing_key_command(directory):
    """Make the development key that seals certificates, unless it exists, and print its two files."""
    directory = directory or development_directory()
    key_path, cert_path = _development_paths(directory)
    if not os.path.exists(key_path):
        make_development_key(directory)
        click.echo(f"Made a development signing key in {directory}.", err=True)
    click.echo(key_path)
    click.echo(cert_path)


# Reading back

def read_back(content):
    """Check an uploaded file's seal: ours, intact, over the whole file; and read what it certifies."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(content))
        if reader.encrypted:
            return Reading("unknown", str(ENCRYPTED))
        seals = [signature for signature in reader.embedded_signatures if signature.field_name == SEAL_FIELD]
    except Exception:  # an upload can be anything: whatever pyHanko cannot parse is not our certificate
        log.debug("Unreadable upload", exc_info=True)
        return Reading("unknown", str(UNREADABLE))
    if not seals:
        return Reading("unknown", str(NO_SEAL))
    return _check(reader, seals[-1])


def _check(reader, signature):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    trusted = load_cert_from_pemder(signing_files()[1])
    try:
        status = outside_event_loops(validate_pdf_signature, signature, ValidationContext(trust_roots=[trusted]))
    except Exception:  # a damaged signature cannot be checked at all
        log.debug("Seal not checkable", exc_info=True)
        return Reading("modified", str(CHANGED))
    if not (status.intact and status.valid) or signature.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Reading("modified", str(CHANGED))
    if not status.trusted:
        return Reading("modified", str(FOREIGN))
    values = _carried(reader, signature.signed_revision)
    if not values["number"]:
        return Reading("unknown", str(NOT_A_CERTIFICATE))
    stamp = status.timestamp_validity  # the TSA's time, when SIGNING_TSA_URL was set; else the portal's own clock
    moment = stamp.timestamp if stamp is not None and stamp.intact and stamp.valid else status.signer_reported_dt
    return Reading("valid", sealed_at=moment.astimezone(timezone.utc) if moment else None, **values)


def _carried(reader, revision):
    """The certificate's values from the document information as it was in the signed revision."""
    info = reader.get_historical_resolver(revision).trailer_view.get("/Info")
    info = info.get_object() if info is not None else {}
    return {field: str(info.get(key, "")) for field, key in INFO_KEYS.items()}
