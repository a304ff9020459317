"""Undeliverable mail: `flask outbox retry`, the coordinators' page and the notice on every page they see."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.db import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.services import queue_mail


def undeliverable(to, status=OutboxStatus.DEAD, attempts=8, age=timedelta(minutes=5),
                  error="451 4.3.0 Try again later"):
    """Queue a message and leave it as the worker would have: given up (dead) or refused (failed)."""
    message = queue_mail(to, "main/announcement", "ประกาศ", name="สมชาย", message="ขอเชิญประชุม")
    db.session.flush()
    message.status, message.attempts, message.last_error = status, attempts, error
    message.created_at = message.next_attempt_at = utcnow() - age
    return message


def states():
    return {m.recipient: (m.status, m.attempts) for m in db.session.scalars(sa.select(OutboxMessage))}


def retry(app, *args):
    result = app.test_cli_runner().invoke(args=["outbox", "retry", *args])
    return result.exit_code, result.output


def test_retry_command_queues_dead_messages_again_once(app):
    with app.app_context():
        for to in ("a@member.example", "b@member.example"):
            undeliverable(to)
        undeliverable("refused@member.example", OutboxStatus.FAILED, attempts=1, error="550 5.1.1 No such user")
        sent = undeliverable("sent@member.example", OutboxStatus.SENT, attempts=1, error=None).id
        db.session.commit()
        before = utcnow()

    assert retry(app) == (0, "queued again: 2\n")
    with app.app_context():
        assert states() == {"a@member.example": (OutboxStatus.QUEUED, 0), "b@member.example": (OutboxStatus.QUEUED, 0),
                            "refused@member.example": (OutboxStatus.FAILED, 1),
                            "sent@member.example": (OutboxStatus.SENT, 1)}
        due = db.session.scalars(sa.select(OutboxMessage.next_attempt_at)
                                 .where(OutboxMessage.status == OutboxStatus.QUEUED)).all()
        assert all(before <= when <= utcnow() for when in due), "due now: the next batch takes them"
        [event] = db.session.scalars(sa.select(AuditEvent)).all()
        assert (event.action, event.actor_id, event.details) == ("outbox.retried", None, {"count": 2, "status": "dead"})

    assert retry(app) == (0, "queued again: 0\n"), "a second run changes nothing"
    assert retry(app, "--id", str(sent)) == (0, "queued again: 0\n"), "nor does naming a sent message"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_retry_command_chooses_by_id_status_and_age(app):
    with app.app_context():
        old = undeliverable("old@member.example", age=timedelta(days=3)).id
        recent = undeliverable("recent@member.example", age=timedelta(hours=1)).id
        other = undeliverable("other@member.example", age=timedelta(hours=1)).id
        refused = undeliverable("refused@member.example", OutboxStatus.FAILED, attempts=1).id
        db.session.commit()

    assert retry(app, "--id", str(refused)) == (0, "queued again: 0\n"), "dead ones only, unless told"
    assert retry(app, "--status", "failed", "--id", str(refused)) == (0, "queued again: 1\n")
    assert retry(app, "--since", "2h", "--id", str(recent)) == (0, "queued again: 1\n")
    assert retry(app, "--older-than", "1d") == (0, "queued again: 1\n")
    assert retry(app, "--since", "1d", "--older-than", "2h") == (0, "queued again: 0\n")
    assert retry(app, "--status", "dead", "--status", "failed") == (0, "queued again: 1\n")
    with app.app_context():
        assert {id_: status for id_, status in db.session.execute(
            sa.select(OutboxMessage.id, OutboxMessage.status))} == dict.fromkeys(
            [old, recent, other, refused], OutboxStatus.QUEUED)
        details = [e.details for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
        assert details[0] == {"count": 1, "status": "failed", "messages": [refused]}
        assert set(details[2]) == {"count", "status", "queued_before"}


@pytest.mark.parametrize("args, complaint", [
    (["--since", "soon"], "is not an age"),
    (["--older-than", "9999999w"], "longer ago than any message"),
    (["--status", "queued"], "'queued' is not one of"),
    (["--id", "0"], "is not in the range"),
    (["--id", str(10**20)], "is not in the range"),
])
def test_retry_command_refuses_what_it_cannot_mean(app, args, complaint):
    code, output = retry(app, *args)
    assert code == 2 and complaint in output, output
