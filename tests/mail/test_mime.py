"""What reaches the mail server: standard MIME, Thai intact, within SMTP's limits, the same Message-ID every try."""

import email
import email.policy
import hashlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.mail import worker
from portal.mail.mime import build_message
from portal.mail.models import OutboxMessage
from portal.mail.services import queue_mail

SUBJECT = "ขอเชิญร่วมประชุมเครือข่ายประชาสัมพันธ์ภาคตะวันออกเฉียงเหนือ ครั้งที่ 1/2569 ณ จังหวัดขอนแก่น"
# One line of 1,500 Thai characters: 4,500 bytes in UTF-8, far past SMTP's 998 if sent as 8bit.
LONG_LINE = "ขอเชิญผู้แทนองค์กรสมาชิกเข้าร่วมประชุม" * 40
FILENAME = "กำหนดการประชุม ภาคตะวันออกเฉียงเหนือ 2569.ics"


def queue_thai_mail(to="somchai@member.example", key="event-7-invite-somchai", message=LONG_LINE):
    return queue_mail(to, "main/announcement", SUBJECT, language="th", idempotency_key=key, name="สมชาย ใจดี",
                      message=message,
                      attachments=[(FILENAME, "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])


@pytest.mark.parametrize("body", [LONG_LINE, "ขอเชิญประชุม"], ids=["one-long-thai-line", "short-thai-lines"])
def test_thai_mail_reaches_the_server_as_7bit_lines_ending_in_crlf_within_998_bytes(smtp_app, smtp, body):
    with smtp_app.app_context():
        queue_thai_mail(message=body)
        db.session.commit()
        assert worker.deliver_batch().sent == 1
    [raw] = smtp.raw
    assert raw.isascii(), "headers are RFC 2047 encoded and bodies base64: nothing needs 8BITMIME or SMTPUTF8"
    lines = raw.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines), "every line ends in CRLF"
    assert max(len(line) for line in lines) <= 998
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    for kind in ("plain", "html"):
        part = message.get_body((kind,))
        assert (part["Content-Transfer-Encoding"], part.get_content_charset()) == ("base64", "utf-8")
        assert body in part.get_content()


def test_thai_headers_and_attachment_names_survive(smtp_app, smtp):
    with smtp_app.app_context():
        queue_thai_mail()
        db.session.commit()
        worker.deliver_batch()
        created_at = db.session.scalar(sa.select(OutboxMessage.created_at))
    [message] = smtp.messages
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].display_name == "เครือข่ายประชาสัมพันธ์"
    assert message["From"].addresses[0].addr_spec == "no-reply@prnetwork.example"
    assert message["Content-Language"] == "th"
    assert message["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(message["Date"]) == created_at.replace(microsecond=0)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == FILENAME
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_content() == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_a_message_keeps_its_message_id_from_one_attempt_to_the_next(smtp_app, smtp):
    """A receiver drops a repeat by its Message-ID: derived from the idempotency key, it is the same on each try."""
    refused = []

    def refuse_the_first_try(envelope):
        if not refused:
            refused.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
            return "451 4.3.0 Try again later"
        return None

    smtp.before_accept = refuse_the_first_try
    with smtp_app.app_context():
        queue_thai_mail()
        db.session.commit()
        assert worker.deliver_batch().retried == 1
        assert worker.deliver_batch().sent == 1, "due again at once (OUTBOX_BACKOFF_SECONDS is 0 in tests)"
    [first], [second] = refused, smtp.messages
    digest = hashlib.sha256(b"event-7-invite-somchai").hexdigest()[:32]
    assert first["Message-ID"] == second["Message-ID"] == f"<{digest}@prnetwork.example>"
    assert first["Date"] == second["Date"], "the Date is when the message was queued, not when it was tried"


def test_short_thai_lines_are_base64_too():
    """Left to choose, the email package sends short UTF-8 lines as 8bit, which a server without 8BITMIME may mangle."""
    message = SimpleNamespace(subject="ประชุม", recipient="somchai@member.example", language="th", idempotency_key="k",
                              created_at=datetime(2026, 11, 23, 7, 30, tzinfo=UTC), attachments=[],
                              body_text="ขอเชิญประชุม", body_html="<p>ขอเชิญประชุม</p>")
    data = build_message(message, "เครือข่ายประชาสัมพันธ์ <no-reply@prnetwork.example>", "prnetwork.example")
    assert data.isascii()
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert [part["Content-Transfer-Encoding"] for part in parsed.iter_parts()] == ["base64", "base64"]
    assert parsed.get_body(("plain",)).get_content().rstrip("\r\n") == "ขอเชิญประชุม"
