"""Turn an outbox row into the bytes sent over SMTP, with the standard library's email package."""

import hashlib
from email.charset import BASE64, Charset
from email.header import Header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, Compat32
from email.utils import format_datetime, formataddr, parseaddr

_SMTP_MAX_LINE = 998
# Both policies end lines in CRLF (smtplib sends the bytes as given). cte_type="7bit": nothing needs 8BITMIME.
# refold_source="none" only concerns headers set raw: the From header and the List-Unsubscribe link.
_POLICY = SMTP.clone(cte_type="7bit", refold_source="none")


class _Compat32(Compat32):
    """compat32, except that the List-Unsubscribe headers stay on one line: a link is not folded (it is ASCII,
    far shorter than 998 characters)."""

    def _fold(self, name, value, sanitize):
        if name.lower().startswith("list-unsubscribe"):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_COMPAT32 = _Compat32(linesep="\r\n")

# Base64 bodies and headers on a Charset of our own: Flask-Mail registers utf-8 globally as 8bit, and Thai in 8bit
# needs 8BITMIME and can run past 998 bytes a line. (A Thai character is three bytes; quoted-printable makes it nine.)
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = _UTF8.body_encoding = BASE64
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


def build_message(message, sender, domain):
    """Return the RFC 5322 bytes of an outbox message: text and HTML alternatives, then any attachments."""
    # The From display name goes as one encoded word: folded into several, Python's own parser (policy.default,
    # until CPython gh-128110) shows the whitespace between them as a space inside a Thai name.
    encoded_sender = encode_address(sender)
    if message.attachments or len("From: ") + len(encoded_sender) > _SMTP_MAX_LINE:
        return _build_email_message(message, sender, encoded_sender, domain)
    return _build_alternative(message, encoded_sender, domain)


def _plain_headers(message, domain):
    headers = [("To", message.recipient), ("Date", format_datetime(message.created_at)),
               ("Message-ID", message_id(message.idempotency_key, domain)), ("Auto-Submitted", "auto-generated"),
               ("Content-Language", message.language)]
    if message.unsubscribe_url:  # non-essential mail only: a one-click unsubscribe (RFC 8058)
        headers += [("List-Unsubscribe", f"<{message.unsubscribe_url}>"),
                    ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
    return headers


# Most mail has no attachment. For it, the email package's compat32 API (email.mime, what Flask-Mail builds with)
# takes about 1.5 ms a message; EmailMessage about 5 ms, which brought the worker under twice the naive peer
# (bench/outbox.py). EmailMessage takes the rest: compat32 cannot split a long RFC 2231 filename into lines.
def _build_alternative(message, encoded_sender, domain):
    """Build text and HTML alternatives with email.mime under the compat32 policy."""
    root = MIMEMultipart("alternative")
    root.attach(MIMEText(_crlf(message.body_text), "plain", _UTF8))
    root.attach(MIMEText(_crlf(message.body_html), "html", _UTF8))
    root["Subject"] = Header(message.subject, _UTF8, header_name="Subject")
    root["From"] = encoded_sender
    for name, value in _plain_headers(message, domain):
        root[name] = value
    return root.as_bytes(policy=_COMPAT32)


def _crlf(text):
    # Text is base64-encoded in canonical form, CRLF line ends (RFC 2045 6.8), as EmailMessage does.
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _build_email_message(message, sender, encoded_sender, domain):
    """Build the message with EmailMessage: alternatives, then attachments, their names in RFC 2231 lines."""
    mail = EmailMessage(policy=_POLICY)
    mail["Subject"] = message.subject
    if len("From: ") + len(encoded_sender) <= _SMTP_MAX_LINE:
        mail.set_raw("From", encoded_sender)
    else:
        mail["From"] = sender  # a name too long for one line: the policy folds it
    mail.set_content(message.body_text, cte="base64")
    mail.add_alternative(message.body_html, subtype="html", cte="base64")
    for attachment in message.attachments:
        content_type = _parse_header("Content-Type", attachment.content_type)
        mail.add_attachment(attachment.data, content_type.maintype, content_type.subtype,
                            params=dict(content_type.params), filename=attachment.filename)
    # After the content: set_content drops, and add_alternative and add_attachment move into a part, every
    # Content-* header (Content-Language included).
    for name, value in _plain_headers(message, domain):
        if name.startswith("List-Unsubscribe"):
            mail.set_raw(name, value)  # as written: the policy would fold a long link into encoded words
        else:
            mail[name] = value
    return mail.as_bytes()
