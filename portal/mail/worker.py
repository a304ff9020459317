"""Deliver the outbox: claim a batch under a lease, send it over one connection, record each outcome.

Each message is marked sent in its own small commit right after the server accepts it, so a worker killed
mid-batch leaves at most the one message in flight to be sent again, and that one keeps its Message-ID. A database
that fails under the worker does not stop it: see `Worker`.
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

from portal import jobs
from portal.db import UTCDateTime, utcnow
from portal.extensions import db, mail
from portal.mail.mime import build_message, sender_domain
from portal.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
ABANDONED = "every attempt's worker stopped before finishing"
# A database that stops answering (a restart, a failover, its connections cut) does not stop the worker: it waits,
# 1 s at first and doubling up to 30 s, and tries again on fresh connections.
DATABASE_RETRY_FIRST = 1
DATABASE_RETRY_MAX = 30


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


def claim_batch(size, token=None):
    """Claim up to `size` due messages under a lease, marked with `token`, and return them detached: the most urgent
    first, then the oldest.

    One UPDATE claims them: on PostgreSQL its subquery locks rows with SKIP LOCKED, so workers on several hosts
    take disjoint batches; SQLite runs the statement under its database lock.
    """
    token = token or uuid.uuid4().hex
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    # A message whose every attempt ended with its worker gone (killed, or crashed on it) is dead, not claimed again:
    # one such message must not hold up the ones behind it for ever.
    abandoned = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_expires_at < utcnow(),
               OutboxMessage.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"])
        .values(status=OutboxStatus.DEAD, claimed_by=None, lease_expires_at=None, last_error=ABANDONED)
        .returning(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    due = _due()
    candidates = (
        sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.priority.desc(), OutboxMessage.id).limit(size)
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
    for message_id, recipient, attempts in abandoned:
        _warn_dead(message_id, recipient, attempts, ABANDONED)
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.status == OutboxStatus.SENDING)
        .options(selectinload(OutboxMessage.attachments))
        .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
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
# The same, late: the server accepted these messages while the database could not be written. Whatever happened to
# the row meanwhile (its lease ran out and another worker holds it, or it was given up), it has been delivered.
_MARK_SENT_LATE = (
    sa.update(_outbox)
    .where(_outbox.c.id == sa.bindparam("message"), _outbox.c.status != OutboxStatus.SENT)
    .values(status=OutboxStatus.SENT, sent_at=sa.bindparam("accepted_at", type_=UTCDateTime()), last_error=None,
            claimed_by=None, lease_expires_at=None)
)


def _mark_sent(connection, message, accepted_at=None):
    """Record at once, in its own commit, that the server accepted a message."""
    connection.execute(_MARK_SENT, {"message": message.id, "token": message.claimed_by,
                                    "accepted_at": accepted_at or utcnow()})
    connection.commit()


def _mark_failed(message, error):
    _record(message, status=OutboxStatus.FAILED, last_error=str(error)[:2000])


def _mark_retry(message, error, result):
    """Put a message back with exponential backoff, or mark it dead after the last attempt; tell whether it died."""
    config = current_app.config
    if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        _record(message, status=OutboxStatus.DEAD, last_error=str(error)[:2000])
        result.dead += 1
        return True
    delay = min(timedelta(seconds=config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (message.attempts - 1)), MAX_BACKOFF)
    _record(message, status=OutboxStatus.QUEUED, next_attempt_at=utcnow() + delay, last_error=str(error)[:2000])
    result.retried += 1
    return False


def _warn_dead(message_id, recipient, attempts, reason):
    """Log, once it is committed, that a message was given up: the line operators are alerted by."""
    # The domain only: enough to see an outage at one provider, without a person's address in the log.
    reason = " ".join(str(reason).split())[:200]
    log.warning("outbox: message %s to @%s given up after %s attempts: %s", message_id, recipient.rpartition("@")[2],
                attempts, reason)


class Worker:
    """Deliver the outbox batch after batch, and ride out a database that stops answering.

    A database error ends the batch in hand. Until the database answers again the worker keeps in memory what it
    could not write: the messages the mail server accepted (to be marked sent, never sent again) and its claims
    (whose unsent messages go back to the queue at once, instead of waiting for their lease to run out).
    """

    def __init__(self, transport=None):
        self.transport = transport
        self.accepted = {}  # message id -> when the mail server accepted it
        self.claims = set()  # tokens of claims that may still hold messages in `sending`

    def settle(self):
        """Write what the database missed, in one transaction: accepted messages are sent, the rest is queued again."""
        if not (self.accepted or self.claims):
            return
        connection = db.session.connection()
        if self.accepted:  # first: the release below would queue them again
            connection.execute(_MARK_SENT_LATE, [{"message": message_id, "accepted_at": accepted_at}
                                                 for message_id, accepted_at in self.accepted.items()])
        if self.claims:
            # The claim counted an attempt that never reached the mail server: it is given back.
            connection.execute(
                sa.update(_outbox)
                .where(_outbox.c.status == OutboxStatus.SENDING, _outbox.c.claimed_by.in_(sorted(self.claims)))
                .values(status=OutboxStatus.QUEUED, claimed_by=None, lease_expires_at=None, next_attempt_at=utcnow(),
                        attempts=_outbox.c.attempts - 1)
            )
        db.session.commit()
        self.accepted.clear()
        self.claims.clear()

    def deliver_batch(self, size=None, result=None):
        """Claim one batch and deliver it over one connection; return what happened to each message.

        A database error is raised, with `result` counting what happened before it and the worker remembering
        what is still to be written (see `settle`).
        """
        result = result if result is not None else BatchResult()
        token = uuid.uuid4().hex
        self.claims.add(token)  # before the claim: its commit may succeed and its answer be lost
        messages = claim_batch(size or current_app.config["OUTBOX_BATCH_SIZE"], token)
        if messages:
            self._deliver(messages, result)
        self.claims.discard(token)
        return result

    def _deliver(self, messages, result):
        config = current_app.config
        transport = self.transport or current_transport()
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
                        died = _mark_retry(message, error, result)
                        db.session.commit()
                        if died:
                            _warn_dead(message.id, message.recipient, message.attempts, error)
                    except (OSError, smtplib.SMTPException):
                        raise
                    except Exception as error:  # noqa: BLE001  (one message that cannot be built must not stop the rest)
                        log.exception("outbox: message %s cannot be sent", message.id)
                        _mark_failed(message, f"{type(error).__name__}: {error}")
                        result.failed += 1
                        db.session.commit()
                    else:
                        result.sent += 1
                        self.accepted[message.id] = accepted_at = utcnow()
                        _mark_sent(recorder, message, accepted_at)
                        del self.accepted[message.id]
                    pending.pop(0)
        except (OSError, smtplib.SMTPException) as error:
            # The connection failed or broke: nothing left in the batch can go now.
            log.warning("outbox: mail server unavailable: %s", error)
            result.errors.append(str(error))
            db.session.rollback()
            died = [message for message in pending if _mark_retry(message, error, result)]
            db.session.commit()
            for message in died:
                _warn_dead(message.id, message.recipient, message.attempts, error)

    def run(self, until_empty=False, max_batches=None, poll_seconds=None, stop=lambda: False):
        """Deliver batches until told to stop; with `until_empty`, stop when nothing is due."""
        poll = poll_seconds if poll_seconds is not None else current_app.config["OUTBOX_POLL_SECONDS"]
        batches = 0
        totals = BatchResult()
        pause = 0
        while not stop():
            result = BatchResult()
            done = 0
            try:
                self.settle()
                done = jobs.run_due()  # the domains' waiting work first: it may queue mail for this round
                self.deliver_batch(result=result)
            except sa.exc.DBAPIError as error:
                _discard_session()
                pause = min(pause * 2 or DATABASE_RETRY_FIRST, DATABASE_RETRY_MAX)
                log.warning("outbox: database unavailable, trying again in %s s: %s", pause, _one_line(error))
            else:
                pause = 0
                batches += 1
            _add(totals, result)
            if pause:
                _sleep(pause, stop)
                continue
            if max_batches is not None and batches >= max_batches:
                break
            if (result.claimed == 0 and not done) or result.errors:
                if until_empty and result.claimed == 0 and not done:
                    break
                _sleep(poll, stop)
        self._settle_before_stopping()
        return totals

    def _settle_before_stopping(self):
        try:
            self.settle()
        except sa.exc.DBAPIError as error:
            _discard_session()
            log.error("outbox: stopping while the database is unavailable (%s); the mail server accepted messages %s "
                      "but they are not marked sent", _one_line(error), sorted(self.accepted) or "none")


def _discard_session():
    """Drop the session and every pooled connection after a database error: the next try starts on fresh ones."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass  # the connection is gone already
    db.session.remove()
    # A restarted server has closed every connection in the pool, not only the one that failed, and SQLAlchemy
    # does not recognise every way a driver reports that: without this, the next try could take a dead one again.
    db.engine.dispose()


def _one_line(error):
    """The database's own message, first line only: a log line per failure, not a traceback."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return f"{type(original).__name__}: {text[0] if text else ''}"[:300]


def _add(totals, result):
    for name in ("sent", "retried", "failed", "dead"):
        setattr(totals, name, getattr(totals, name) + getattr(result, name))


def _sleep(seconds, stop):
    """Wait, but not past a request to stop."""
    deadline = time.monotonic() + seconds
    while not stop() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.2))


def deliver_batch(transport=None, size=None):
    """Claim one batch and deliver it over one connection; return what happened to each message."""
    return Worker(transport).deliver_batch(size)


def work(until_empty=False, max_batches=None, poll_seconds=None, stop=lambda: False):
    """Deliver batches until told to stop, riding out database outages; with `until_empty`, stop when nothing is due."""
    return Worker().run(until_empty=until_empty, max_batches=max_batches, poll_seconds=poll_seconds, stop=stop)
