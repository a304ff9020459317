"""Deliver the outbox: claim a batch under a lease, send it over one connection, record each outcome.

Each message is marked sent in its own small commit right after the server accepts it, so a worker killed
mid-batch leaves at most the one message in flight to be sent again, and that one keeps its Message-ID.
"""

import logging
import smtplib
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from portal.db import UTCDateTime, utcnow
from portal.extensions import db, mail
from portal.mail.mime import build_message, sender_domain
from portal.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


class PermanentFailure(Exception):
    """The server refused this message for good (a 5xx answer)."""


class TemporaryFailure(Exception):
    """The server could not take this message now (a 4xx answer); the connection still works."""


@dataclass
class BatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self):
        return self.sent + self.retried + self.failed + self.dead


@contextmanager
def _default_socket_timeout(seconds):
    # Flask-Mail opens smtplib connections without a timeout; a hung server must not hang the worker.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


class SmtpTransport:
    """Send through Flask-Mail's SMTP connection, one connection for a whole batch."""

    @contextmanager
    def session(self):
        with _default_socket_timeout(current_app.config["MAIL_TIMEOUT"]):
            host = mail.connect().configure_host()
            try:
                yield lambda sender, recipient, data: self._send(host, sender, recipient, data)
            finally:
                _quit(host)

    @staticmethod
    def _send(host, sender, recipient, data):
        try:
            host.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _classify(code, reply) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise _classify(error.smtp_code, error.smtp_error) from error
        except (OSError, smtplib.SMTPException):
            raise
        except Exception:
            # Failed before the server could answer (e.g. a value smtplib cannot encode): end the transaction it
            # may have begun, so that the next message starts clean.
            host.rset()
            raise


def _quit(host):
    """Say goodbye to the server, or just close a connection that is already broken."""
    # Flask-Mail's own context manager sends QUIT whatever happened: on a connection a timeout has closed that fails
    # with "please run connect() first", and that error replaced the one saying what went wrong.
    try:
        host.quit()
    except (OSError, smtplib.SMTPException):
        host.close()


class MailboxTransport:
    """Keep mail in the outbox for the development mailbox page: delivery is marking it sent."""

    @contextmanager
    def session(self):
        yield lambda sender, recipient, data: None


def _classify(code, reply):
    text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return PermanentFailure(text) if code >= 500 else TemporaryFailure(text)


def current_transport():
    """Return the SMTP transport when MAIL_SERVER is set, else the development mailbox."""
    return SmtpTransport() if current_app.config.get("MAIL_SERVER") else MailboxTransport()


def _due():
    now = utcnow()
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < now),
    )


def claim_batch(size):
    """Claim up to `size` due messages under a lease and return them detached, oldest first.

    One UPDATE claims them: on PostgreSQL its subquery locks rows with SKIP LOCKED, so workers on several hosts
    take disjoint batches; SQLite runs the statement under its database lock.
    """
    token = uuid.uuid4().hex
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    # A message whose every attempt ended with its worker gone (killed, or crashed on it) is dead, not claimed again:
    # one such message must not hold up the ones behind it for ever.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < utcnow(),
               OutboxMessage.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"])
        .values(status=OutboxStatus.DEAD, claimed_by=None, lease_expires_at=None,
                last_error="every attempt's worker stopped before finishing")
        .execution_options(synchronize_session=False)
    )
    due = _due()
    candidates = (
        sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(size)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), due)
        .values(status=OutboxStatus.SENDING, claimed_by=token, lease_expires_at=utcnow() + lease,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.status == OutboxStatus.SENDING)
        .options(selectinload(OutboxMessage.attachments))
        .order_by(OutboxMessage.id)
    ).all()
    for message in messages:
        db.session.expunge(message)  # detached: later commits do not expire them and reload each one
    db.session.commit()
    return messages


def _record(message, **values):
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by)
        .values(claimed_by=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    )


# Marking a message sent is the one write per message. The statement is built once and runs, with its commit, on a
# connection held for the whole batch: an ORM UPDATE built per message through the session cost three times the
# database's own work.
_outbox = OutboxMessage.__table__
_MARK_SENT = (
    sa.update(_outbox)
    .where(_outbox.c.id == sa.bindparam("message"), _outbox.c.claimed_by == sa.bindparam("token"))
    .values(status=OutboxStatus.SENT, sent_at=sa.bindparam("accepted_at", type_=UTCDateTime()), last_error=None,
            claimed_by=None, lease_expires_at=None)
)


def _mark_sent(connection, message):
    """Record at once, in its own commit, that the server accepted a message."""
    connection.execute(_MARK_SENT, {"message": message.id, "token": message.claimed_by, "accepted_at": utcnow()})
    connection.commit()


def _mark_failed(message, error):
    _record(message, status=OutboxStatus.FAILED, last_error=str(error)[:2000])


def _mark_retry(message, error, result):
    """Put a message back with exponential backoff, or mark it dead after the last attempt."""
    config = current_app.config
    if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        _record(message, status=OutboxStatus.DEAD, last_error=str(error)[:2000])
        result.dead += 1
        return
    delay = min(timedelta(seconds=config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (message.attempts - 1)), MAX_BACKOFF)
    _record(message, status=OutboxStatus.QUEUED, next_attempt_at=utcnow() + delay, last_error=str(error)[:2000])
    result.retried += 1


def deliver_batch(transport=None, size=None):
    """Claim one batch and deliver it over one connection; return what happened to each message."""
    config = current_app.config
    messages = claim_batch(size or config["OUTBOX_BATCH_SIZE"])
    result = BatchResult()
    if not messages:
        return result
    transport = transport or current_transport()
    sender = config["MAIL_DEFAULT_SENDER"]
    envelope_from = parseaddr(sender)[1]
    domain = sender_domain(sender)
    pending = list(messages)
    try:
        with transport.session() as send, db.session.get_bind(OutboxMessage).connect() as recorder:
            while pending:
                message = pending[0]
                try:
                    if not message.recipient.isascii():  # smtplib would fail half-way through the transaction
                        raise PermanentFailure("the address is not ASCII: it would need SMTPUTF8")
                    send(envelope_from, message.recipient, build_message(message, sender, domain))
                except PermanentFailure as error:
                    _mark_failed(message, error)
                    result.failed += 1
                    db.session.commit()
                except TemporaryFailure as error:
                    _mark_retry(message, error, result)
                    db.session.commit()
                except (OSError, smtplib.SMTPException):
                    raise
                except Exception as error:  # noqa: BLE001  (one message that cannot be built must not stop the rest)
                    log.exception("outbox: message %s cannot be sent", message.id)
                    _mark_failed(message, f"{type(error).__name__}: {error}")
                    result.failed += 1
                    db.session.commit()
                else:
                    _mark_sent(recorder, message)
                    result.sent += 1
                pending.pop(0)
    except (OSError, smtplib.SMTPException) as error:
        # The connection failed or broke: nothing left in the batch can go now.
        log.warning("outbox: mail server unavailable: %s", error)
        result.errors.append(str(error))
        db.session.rollback()
        for message in pending:
            _mark_retry(message, error, result)
        db.session.commit()
    return result


def work(until_empty=False, max_batches=None, poll_seconds=None, stop=lambda: False):
    """Deliver batches until told to stop; with `until_empty`, stop when nothing is due."""
    poll = poll_seconds if poll_seconds is not None else current_app.config["OUTBOX_POLL_SECONDS"]
    batches = 0
    totals = BatchResult()
    while not stop():
        result = deliver_batch()
        for name in ("sent", "retried", "failed", "dead"):
            setattr(totals, name, getattr(totals, name) + getattr(result, name))
        batches += 1
        if max_batches is not None and batches >= max_batches:
            break
        if result.claimed == 0 or result.errors:
            if until_empty and result.claimed == 0:
                break
            time.sleep(poll)
    return totals
