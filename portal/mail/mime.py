"""Turn an outbox row into the bytes sent over SMTP."""

import base64
import hashlib
import random
import sys
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache

_SMTP_POLICY = compat32.clone(linesep="\r\n")  # smtplib sends bytes as given: lines must end in CRLF
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = BASE64


def message_id(idempotency_key, domain):
    """Return the Message-ID of a message: the same on every attempt, so a receiver can drop a repeat."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def sender_domain(sender):
    """Return the domain of the sender's address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def encode_address(address):
    """Encode a 'Name <addr>' address so that a Thai display name survives any mail client."""
    name, addr = parseaddr(address)
    return formataddr((name, addr), charset="utf-8") if name else addr


def _text_part(body, subtype):
    # Base64 by hand: Flask-Mail re-registers the global utf-8 charset as 8bit, and Thai in 8bit makes lines too
    # long for SMTP (998 bytes) and fragile in old relays.
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(body.encode("utf-8")).decode("ascii"))
    return part


def build_message(message, sender, domain):
    """Return the RFC 5322 bytes of an outbox message: text and HTML alternatives, then any attachments."""
    if message.attachments:
        return _build_with_email_package(message, sender, domain)
    return _build_alternative(message, sender, domain)


# Most mail has no attachment: two base64 parts in a multipart/alternative. For those the bytes are written here
# directly, exactly as `_build_with_email_package` would write them (same headers in the same order, each folded as
# compat32 folds it, the same layout around the boundary), without building and walking a tree of Message objects,
# which cost about 1 ms a message, most of the worker's time. Headers that repeat from one message to the next (sender,
# subject, part headers) are folded once.
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))  # boundaries as email.generator makes them
_BOUNDARY_FORMAT = "%%0%dd" % _BOUNDARY_DIGITS
_MAX_LINE = _SMTP_POLICY.max_line_length


def _fold(name, value):
    """Return a header line as the policy folds it; a short plain ASCII value is left as it is, so skip the work."""
    if (len(name) + 2 + len(value) <= _MAX_LINE and value.isascii() and value.isprintable()
            and value.strip() == value):
        return f"{name}: {value}\r\n".encode("ascii")
    return _SMTP_POLICY.fold_binary(name, value)


_folded = lru_cache(maxsize=1024)(_fold)


@lru_cache(maxsize=256)
def _folded_subject(subject):
    return _SMTP_POLICY.fold_binary("Subject", Header(subject, _UTF8, header_name="Subject"))


@lru_cache(maxsize=64)
def _folded_sender(sender):
    return _SMTP_POLICY.fold_binary("From", encode_address(sender))


@lru_cache(maxsize=1)
def _folded_content_type():
    """The folded multipart Content-Type around its boundary: every boundary has the same length and characters."""
    placeholder = "=" * 15 + "0" * _BOUNDARY_DIGITS + "=="
    folded = _SMTP_POLICY.fold_binary("Content-Type", f'multipart/alternative; boundary="{placeholder}"')
    before, _, after = folded.partition(placeholder.encode("ascii"))
    return before, after


def _part_bytes(body, subtype):
    headers = (_folded("Content-Type", f'text/{subtype}; charset="utf-8"') + _folded("MIME-Version", "1.0")
               + _folded("Content-Transfer-Encoding", "base64"))
    return headers + b"\r\n" + base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")


def _build_alternative(message, sender, domain):
    text = _part_bytes(message.body_text, "plain")
    html = _part_bytes(message.body_html, "html")
    boundary = ("=" * 15 + _BOUNDARY_FORMAT % random.randrange(sys.maxsize) + "==").encode("ascii")
    delimiter = b"--" + boundary
    if delimiter in text or delimiter in html:  # cannot happen with base64 bodies; let the email package choose
        return _build_with_email_package(message, sender, domain)
    content_type_before, content_type_after = _folded_content_type()
    return b"".join((
        content_type_before, boundary, content_type_after,
        _folded("MIME-Version", "1.0"),
        _folded_subject(message.subject),
        _folded_sender(sender),
        _fold("To", message.recipient),
        _fold("Date", format_datetime(message.created_at)),
        _fold("Message-ID", message_id(message.idempotency_key, domain)),
        _folded("Content-Language", message.language),
        _folded("Auto-Submitted", "auto-generated"),
        b"\r\n",
        delimiter, b"\r\n", text,
        b"\r\n", delimiter, b"\r\n", html,
        b"\r\n", delimiter, b"--\r\n",
    ))


def _build_with_email_package(message, sender, domain):
    """Build the message as a tree of email.mime parts and let the email package write it."""
    alternative = MIMEMultipart("alternative")
    alternative.attach(_text_part(message.body_text, "plain"))
    alternative.attach(_text_part(message.body_html, "html"))
    if message.attachments:
        root = MIMEMultipart("mixed")
        root.attach(alternative)
        for attachment in message.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            part = MIMEApplication(attachment.data, _subtype=subtype or "octet-stream")
            part.replace_header("Content-Type", attachment.content_type)
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", attachment.filename))
            root.attach(part)
    else:
        root = alternative
    root["Subject"] = Header(message.subject, _UTF8, header_name="Subject")
    root["From"] = encode_address(sender)
    root["To"] = message.recipient
    root["Date"] = format_datetime(message.created_at)
    root["Message-ID"] = message_id(message.idempotency_key, domain)
    root["Content-Language"] = message.language
    root["Auto-Submitted"] = "auto-generated"
    return root.as_bytes(policy=_SMTP_POLICY)
