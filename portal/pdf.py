"""Documents as PDF for every domain: a template rendered by WeasyPrint (Thai shaped by Pango) with a stylesheet of
the portal's static files, sealed by pyHanko (PAdES) with the portal's key, and a seal checked again on a file that
comes back. The key's files live here too, with `flask signing-key`, which makes a development pair.

A domain says what its document shows and carries (its template, its finisher); this module knows nothing of
agreements or events. WeasyPrint and pyHanko take about a second each to import: they are imported where used, not
by every process that creates the app.
"""

import asyncio
import contextvars
import fcntl
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from io import BytesIO
from typing import Any

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from portal.i18n import in_language

SEAL_FIELD = "Seal"
KEY_FILE, CERT_FILE = "seal-key.pem", "seal-cert.pem"
DEVELOPMENT_NAME = "PR Network Portal (development seal)"

UNREADABLE = _l("This file is not a PDF that can be read.")
ENCRYPTED = _l("This PDF is encrypted.")
NO_SEAL = _l("This file carries no portal seal.")
CHANGED = _l("The file was changed after it was sealed.")
FOREIGN = _l("The seal was not made by the portal.")

log = logging.getLogger(__name__)
_announced = set()


# Rendering

def render(template, language, stylesheet, finisher=None, /, **context):
    """Render a template as an unsealed PDF in a language, styled by `stylesheet` (a path under static/, such as
    "css/certificate.css"); `finisher(document, pdf)` may change the PDF before it is written (its metadata)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    with in_language(language):
        html = render_template(template, **context)
    fetcher = _static_fetcher(current_app.static_folder)
    # @font-face in a stylesheet is only honoured when CSS() and write_pdf() share one FontConfiguration.
    fonts = FontConfiguration()
    css = CSS(filename=os.path.join(current_app.static_folder, *stylesheet.split("/")), font_config=fonts,
              url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fonts, finisher=finisher)


def _static_fetcher(static_folder):
    """A URL fetcher that reads only the portal's static files: nothing in a document is fetched from elsewhere."""
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


# Sealing

def seal(pdf_bytes, log=log):
    """Seal a PDF with the portal's key (PAdES, field "Seal"), with a timestamp when SIGNING_TSA_URL is set.

    `log` is the caller's logger, which says (once) that a development key seals its documents."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    key_path, cert_path = signing_files(log)
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


def signing_files(log=log):
    """The seal's key and certificate files: the configured ones, or outside production the development pair in the
    instance folder (made on first use, and announced once in `log`)."""
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
        log.info("Documents are sealed with the development key in %s (set SIGNING_KEY_FILE and "
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
    """Make the development key that seals the portal's PDFs, unless it exists, and print its two files."""
    directory = directory or development_directory()
    key_path, cert_path = _development_paths(directory)
    if not os.path.exists(key_path):
        make_development_key(directory)
        click.echo(f"Made a development signing key in {directory}.", err=True)
    click.echo(key_path)
    click.echo(cert_path)


# Checking a seal

@dataclass(frozen=True)
class SealCheck:
    """What a file's seal says: "valid", "modified" or "unknown" (with why). A valid one gives when it was sealed,
    and pyHanko's reader with the revision the seal covers, to read what that revision carries."""

    status: str
    reason: str = ""
    sealed_at: datetime | None = None
    reader: Any = None
    revision: int | None = None


def check_seal(content):
    """Check a file's seal: ours (the portal's key), intact, and over the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(content))
        if reader.encrypted:
            return SealCheck("unknown", str(ENCRYPTED))
        seals = [signature for signature in reader.embedded_signatures if signature.field_name == SEAL_FIELD]
    except Exception:  # an upload can be anything: whatever pyHanko cannot parse is not a sealed document of ours
        log.debug("Unreadable upload", exc_info=True)
        return SealCheck("unknown", str(UNREADABLE))
    if not seals:
        return SealCheck("unknown", str(NO_SEAL))
    return _validate(reader, seals[-1])


def seal_is_valid(content):
    """Tell whether a file carries the portal's seal, intact over the whole file."""
    return check_seal(content).status == "valid"


def _validate(reader, signature):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    trusted = load_cert_from_pemder(signing_files()[1])
    try:
        status = outside_event_loops(validate_pdf_signature, signature, ValidationContext(trust_roots=[trusted]))
    except Exception:  # a damaged signature cannot be checked at all
        log.debug("Seal not checkable", exc_info=True)
        return SealCheck("modified", str(CHANGED))
    if not (status.intact and status.valid) or signature.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealCheck("modified", str(CHANGED))
    if not status.trusted:
        return SealCheck("modified", str(FOREIGN))
    stamp = status.timestamp_validity  # the TSA's time, when SIGNING_TSA_URL was set; else the portal's own clock
    moment = stamp.timestamp if stamp is not None and stamp.intact and stamp.valid else status.signer_reported_dt
    return SealCheck("valid", sealed_at=moment.astimezone(timezone.utc) if moment else None, reader=reader,
                     revision=signature.signed_revision)
