"""Turn an outbox row into the bytes sent over SMTP, with the standard library's email package."""

import hashlib
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr

# CRLF line ends (smtplib sends the bytes as given) and nothing but 7-bit data: a relay without 8BITMIME takes it
# as it is. refold_source="none" only concerns headers set raw: the From header below.
_POLICY = SMTP.clone(cte_type="7bit", refold_source="none")
_SMTP_MAX_LINE = 998
_parse_header = HeaderRegistry()


def message_id(idempotency_key, domain):
    """Return the Message-ID of a message: the same on every attempt, so a receiver can drop a repeat."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def sender_domain(sender):
    """Return the domain of the sender's address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def encode_address(address):
    """Encode a 'Name <addr>' address with its display name as one RFC 2047 encoded word."""
    name, addr = parseaddr(address)
    return formataddr((name, addr), charset="utf-8") if name else addr


def _set_from(mail, sender):
    """Set the From header, with the sender's display name as one encoded word when it fits on a line."""
    # Set raw, so written as one encoded word: the policy would fold a long Thai name into two, and Python's own
    # parser (policy.default, until CPython gh-128110) shows the whitespace between them as a space inside the name.
    # A name too long for one line (998 bytes) is left to the policy's folding.
    encoded = encode_address(sender)
    if len("From: ") + len(encoded) <= _SMTP_MAX_LINE:
        mail.set_raw("From", encoded)
    else:
        mail["From"] = sender


def build_message(message, sender, domain):
    """Return the RFC 5322 bytes of an outbox message: text and HTML alternatives, then any attachments."""
    mail = EmailMessage(policy=_POLICY)
    mail["Subject"] = message.subject
    _set_from(mail, sender)
    mail["To"] = message.recipient
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = message_id(message.idempotency_key, domain)
    mail["Auto-Submitted"] = "auto-generated"
    # Base64 for the bodies: a Thai character is three bytes in UTF-8, which quoted-printable writes as nine.
    mail.set_content(message.body_text, cte="base64")
    mail.add_alternative(message.body_html, subtype="html", cte="base64")
    for attachment in message.attachments:
        content_type = _parse_header("Content-Type", attachment.content_type)
        mail.add_attachment(attachment.data, content_type.maintype, content_type.subtype,
                            params=dict(content_type.params), filename=attachment.filename)
    # Last: set_content drops, and add_alternative and add_attachment move into a part, every Content-* header.
    mail["Content-Language"] = message.language
    return mail.as_bytes()
