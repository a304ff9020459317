"""Turn an outbox row into the bytes sent over SMTP."""

import base64
import hashlib
from email.charset import BASE64, Charset
from email.header import Header
from email.policy import compat32
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, parseaddr

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
