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

SENDER = "เครือข่ายประชาสัมพันธ์ <no-reply@prnetwork.example>"
SUBJECT = "ขอเชิญร่วมประชุมเครือข่ายประชาสัมพันธ์ภาคตะวันออกเฉียงเหนือ ครั้งที่ 1/2569 ณ จังหวัดขอนแก่น"
# One line of 1,500 Thai characters: 4,500 bytes in UTF-8, far past SMTP's 998 if sent as 8bit.
LONG_LINE = "ขอเชิญผู้แทนองค์กรสมาชิกเข้าร่วมประชุม" * 40
FILENAME = "กำหนดการประชุม ภาคตะวันออกเฉียงเหนือ 2569.ics"
CALENDAR = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
ATTACHMENT = (FILENAME, "text/calendar; method=REQUEST", CALENDAR)
# Mail with an attachment and mail without are built by different builders of the email package (see mime.py).
WITH_AND_WITHOUT = pytest.mark.parametrize("attachments", [[ATTACHMENT], []], ids=["attachment", "no-attachment"])


def queue_thai_mail(attachments, message=LONG_LINE, key="event-7-invite-somchai"):
    return queue_mail("somchai@member.example", "main/announcement", SUBJECT, language="th", idempotency_key=key,
                      name="สมชาย ใจดี", message=message, attachments=attachments, kind="announcements")


def check_wire_format(raw):
    """Assert what SMTP asks of the bytes: 7-bit, CRLF line ends, lines within 998 bytes."""
    assert raw.isascii(), "headers are RFC 2047 encoded and bodies base64: nothing needs 8BITMIME or SMTPUTF8"
    lines = raw.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines), "every line ends in CRLF"
    assert max(len(line) for line in lines) <= 998


@WITH_AND_WITHOUT
@pytest.mark.parametrize("body", [LONG_LINE, "ขอเชิญประชุม"], ids=["one-long-thai-line", "short-thai-lines"])
def test_thai_mail_reaches_the_server_as_7bit_lines_ending_in_crlf_within_998_bytes(smtp_app, smtp, body,
                                                                                    attachments):
    with smtp_app.app_context():
        queue_thai_mail(attachments, message=body)
        db.session.commit()
        assert worker.deliver_batch().sent == 1
    [raw] = smtp.raw
    check_wire_format(raw)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == ("multipart/mixed" if attachments else "multipart/alternative")
    kinds = [part.get_content_type() for part in message.walk() if not part.is_multipart()]
    assert kinds == ["text/plain", "text/html"] + (["text/calendar"] if attachments else [])
    for kind in ("plain", "html"):
        part = message.get_body((kind,))
        assert (part["Content-Transfer-Encoding"], part.get_content_charset()) == ("base64", "utf-8")
        assert body in part.get_content()


@WITH_AND_WITHOUT
def test_thai_headers_and_attachment_names_survive(smtp_app, smtp, attachments):
    with smtp_app.app_context():
        queue_thai_mail(attachments)
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
    assert [(a.get_filename(), a.get_param("method"), a.get_content()) for a in message.iter_attachments()] == (
        [(FILENAME, "REQUEST", CALENDAR.decode())] if attachments else [])


@WITH_AND_WITHOUT
def test_a_message_keeps_its_message_id_from_one_attempt_to_the_next(smtp_app, smtp, attachments):
    """A receiver drops a repeat by its Message-ID: derived from the idempotency key, it is the same on each try."""
    refused = []

    def refuse_the_first_try(envelope):
        if not refused:
            refused.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
            return "451 4.3.0 Try again later"
        return None

    smtp.before_accept = refuse_the_first_try
    with smtp_app.app_context():
        queue_thai_mail(attachments)
        db.session.commit()
        assert worker.deliver_batch().retried == 1
        assert worker.deliver_batch().sent == 1, "due again at once (OUTBOX_BACKOFF_SECONDS is 0 in tests)"
    [first], [second] = refused, smtp.messages
    digest = hashlib.sha256(b"event-7-invite-somchai").hexdigest()[:32]
    assert first["Message-ID"] == second["Message-ID"] == f"<{digest}@prnetwork.example>"
    assert first["Date"] == second["Date"], "the Date is when the message was queued, not when it was tried"


def outbox_row(attachments, **values):
    row = dict(subject=SUBJECT, recipient="somchai@member.example", language="th", idempotency_key="k",
               created_at=datetime(2026, 11, 23, 7, 30, tzinfo=UTC), body_text="เรียน คุณสมชาย\n\nขอเชิญประชุม",
               body_html="<p>ขอเชิญประชุม</p>", unsubscribe_url="http://portal.test/mail/unsubscribe/" + "t" * 150,
               attachments=[SimpleNamespace(filename=f, content_type=t, data=d) for f, t, d in attachments])
    return SimpleNamespace(**{**row, **values})


def seen_by_the_receiver(data):
    message = email.message_from_bytes(data, policy=email.policy.default)
    headers = {name: str(message[name]) for name in
               ("Subject", "From", "To", "Date", "Message-ID", "Content-Language", "Auto-Submitted", "MIME-Version",
                "List-Unsubscribe", "List-Unsubscribe-Post")}
    bodies = [(part.get_content_type(), part["Content-Transfer-Encoding"], part.get_content().rstrip("\r\n"))
              for part in (message.get_body((kind,)) for kind in ("plain", "html"))]
    return headers, bodies


@pytest.mark.parametrize("sender", [SENDER, "no-reply@prnetwork.example", '"Smith, J. (PR)" <pr@prnetwork.example>',
                                    "ผู้ส่ง " * 60 + "<no-reply@prnetwork.example>"],
                         ids=["thai-name", "no-name", "quoted-name", "name-too-long-for-one-line"])
@pytest.mark.parametrize("subject", [SUBJECT, "Short", "x" * 200, "ประกาศ: " + "ยาวมาก " * 40],
                         ids=["thai", "short", "long-word", "long-thai"])
def test_mail_with_or_without_attachments_reads_the_same(sender, subject):
    """Both builders give the receiver the same headers and the same base64 bodies, in canonical CRLF form."""
    alone = build_message(outbox_row([], subject=subject), sender, "prnetwork.example")
    attached = build_message(outbox_row([ATTACHMENT], subject=subject), sender, "prnetwork.example")
    for data in (alone, attached):
        check_wire_format(data)
    assert seen_by_the_receiver(alone) == seen_by_the_receiver(attached)
    headers, bodies = seen_by_the_receiver(alone)
    assert headers["Subject"] == subject
    assert bodies == [("text/plain", "base64", "เรียน คุณสมชาย\r\n\r\nขอเชิญประชุม"),
                      ("text/html", "base64", "<p>ขอเชิญประชุม</p>")]


def test_a_long_thai_file_name_is_split_over_lines_and_read_back_whole():
    """9 bytes a Thai character once encoded: 164 of them made a 1,462-byte line, which servers refuse."""
    filename = "ไฟล์" * 40 + ".pdf"
    data = build_message(outbox_row([(filename, "application/pdf", b"%PDF-1.7")]), SENDER, "prnetwork.example")
    check_wire_format(data)
    [attachment] = email.message_from_bytes(data, policy=email.policy.default).iter_attachments()
    assert (attachment.get_filename(), attachment.get_content()) == (filename, b"%PDF-1.7")
