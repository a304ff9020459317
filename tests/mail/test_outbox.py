"""The transactional outbox against a real SMTP server: delivered once, never lost, Thai intact."""

import logging
import os
import signal
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from portal.db import utcnow
from portal.extensions import db
from portal.mail import worker
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.services import queue_mail, queue_many
from tests.support.databases import ROOT, count, flask_command
from tests.support.smtp import SilentSmtpServer, SmtpSink
from tests.support.waiting import wait_until

SINK_DELAY = 0.005  # seconds the sink takes per message in the connection-cutting test: time to cut in mid-batch
THAI_SUBJECT = "ขอเชิญร่วมประชุมเครือข่ายประชาสัมพันธ์ ครั้งที่ 1/2569"
THAI_BODY = "ขอเชิญผู้แทนองค์กรสมาชิกเข้าร่วมประชุม ณ ห้องประชุมชั้น 5 เวลา 13:30 น."


def queue_announcement(to, language="th", key=None, **extra):
    return queue_mail(to, "main/announcement", THAI_SUBJECT if language == "th" else "Network meeting",
                      kind="announcements", language=language, idempotency_key=key, name="สมชาย ใจดี",
                      message=THAI_BODY, **extra)


def statuses():
    return dict(db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.status)).all())


def test_delivers_thai_mail_with_both_parts_and_attachment(smtp_app, smtp):
    with smtp_app.app_context():
        queue_announcement("somchai@member.example", attachments=[("กำหนดการ.ics", "text/calendar", b"BEGIN:VCALENDAR")])
        db.session.commit()
        result = worker.deliver_batch()
        assert (result.sent, result.retried, result.failed) == (1, 0, 0), db.session.scalar(
            sa.select(OutboxMessage.last_error))
        assert statuses() == {"somchai@member.example": OutboxStatus.SENT}

    [message] = smtp.messages
    assert message["Subject"] == THAI_SUBJECT
    assert message["To"] == "somchai@member.example"
    assert message["From"].addresses[0].display_name == "เครือข่ายประชาสัมพันธ์"
    assert message["Message-ID"].endswith("@prnetwork.example>")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "เรียน คุณสมชาย ใจดี" in text and THAI_BODY in text
    assert THAI_BODY in html and "<html" in html
    assert "http://portal.test/" in text, "links are absolute, built from SERVER_NAME"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "กำหนดการ.ics"
    assert attachment.get_content() == "BEGIN:VCALENDAR"


def test_english_recipient_gets_english_mail(smtp_app, smtp):
    with smtp_app.app_context():
        queue_announcement("jane@member.example", language="en")
        db.session.commit()
        worker.deliver_batch()
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "Dear สมชาย ใจดี," in text and "Open the portal" in text
    assert smtp.messages[0]["Content-Language"] == "en"


def test_links_come_from_configuration_not_the_request_host(smtp_app, smtp):
    with smtp_app.test_request_context("/", headers={"Host": "evil.example"}):
        queue_announcement("somchai@member.example")
        db.session.commit()
    with smtp_app.app_context():
        worker.deliver_batch()
    body = smtp.messages[0].get_body(("plain",)).get_content()
    assert "evil.example" not in body
    assert "http://portal.test/" in body


def test_rollback_leaves_no_mail(smtp_app, smtp):
    with smtp_app.app_context():
        queue_announcement("somchai@member.example")
        db.session.flush()
        db.session.rollback()
        assert count(OutboxMessage) == 0
        assert worker.deliver_batch().claimed == 0
    assert smtp.messages == []


def test_same_idempotency_key_queues_one_message(app_ctx):
    first = queue_announcement("somchai@member.example", key="event-7-invite-somchai")
    db.session.commit()
    second = queue_announcement("somchai@member.example", key="event-7-invite-somchai")
    db.session.commit()
    assert first.id == second.id
    assert count(OutboxMessage) == 1


def test_server_down_then_up_delivers_every_message_once(make_app):
    sink = SmtpSink()  # its port is chosen, but nothing listens yet
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_TIMEOUT=2)
    with app.app_context():
        for n in range(5):
            queue_announcement(f"member{n}@member.example")
        db.session.commit()
        down = worker.deliver_batch()
        assert (down.sent, down.retried) == (0, 5) and down.errors
        assert set(statuses().values()) == {OutboxStatus.QUEUED}
        sink.start()
        try:
            up = worker.work(until_empty=True, poll_seconds=0)
        finally:
            sink.stop()
        assert up.sent == 5
        assert set(statuses().values()) == {OutboxStatus.SENT}
    ids = sink.message_ids()
    assert len(ids) == 5 and len(set(ids)) == 5


@pytest.mark.parametrize("greet", [True, False], ids=["silent-after-greeting", "silent-from-the-start"])
def test_a_server_that_stops_answering_is_recorded_as_a_timeout(make_app, greet):
    """The error kept is the one that happened (a timeout), not the failed QUIT on the closed connection after it."""
    server = SilentSmtpServer(greet=greet).start()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=1)
    try:
        with app.app_context():
            message = queue_announcement("somchai@member.example")
            db.session.commit()
            result = worker.deliver_batch()
            message = db.session.get(OutboxMessage, message.id)
    finally:
        server.stop()
    assert (result.sent, result.retried) == (0, 1)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert "timed out" in message.last_error and "connect()" not in message.last_error, message.last_error
    assert result.errors == [message.last_error]


def test_permanent_refusal_fails_at_once_and_others_still_go(smtp_app, smtp):
    smtp.refusals["nobody@member.example"] = "550 5.1.1 No such user"
    with smtp_app.app_context():
        queue_announcement("nobody@member.example")
        queue_announcement("somchai@member.example")
        db.session.commit()
        result = worker.deliver_batch()
        assert (result.sent, result.failed, result.retried) == (1, 1, 0)
        failed = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == "nobody@member.example"))
        assert failed.status == OutboxStatus.FAILED and "550" in failed.last_error
        assert failed.attempts == 1
        assert worker.deliver_batch().claimed == 0, "a failed message is not tried again"
    assert [m["To"] for m in smtp.messages] == ["somchai@member.example"]


def test_temporary_refusal_backs_off_exponentially_then_gives_up(make_app, smtp):
    smtp.refusals["busy@member.example"] = "451 4.3.0 Try again later"
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, OUTBOX_BACKOFF_SECONDS=60, OUTBOX_MAX_ATTEMPTS=3)
    with app.app_context():
        message = queue_announcement("busy@member.example")
        db.session.commit()
        message_id = message.id
        delays = []
        for _ in range(3):
            before = utcnow()
            assert worker.deliver_batch().claimed == 1
            message = db.session.get(OutboxMessage, message_id)
            if message.status == OutboxStatus.QUEUED:
                delays.append(message.next_attempt_at - before)
                assert worker.deliver_batch().claimed == 0, "not due before its backoff"
                message.next_attempt_at = utcnow() - timedelta(seconds=1)  # let time pass
                db.session.commit()
        assert [round(d.total_seconds() / 60) for d in delays] == [1, 2]
        assert message.status == OutboxStatus.DEAD and message.attempts == 3
        assert "451" in message.last_error
    assert smtp.messages == []


def test_a_message_given_up_is_logged_as_a_warning_naming_only_the_domain(make_app, smtp, caplog):
    """Operators are alerted by one WARNING line per dead message: its id, the recipient's domain (not the person's
    address), the attempts and the reason."""
    smtp.refusals["busy@member.example"] = "451 4.3.0 Try again later"
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, OUTBOX_MAX_ATTEMPTS=2)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="portal.mail.worker"):
        message = queue_announcement("busy@member.example")
        queue_announcement("fine@member.example")
        db.session.commit()
        worker.work(until_empty=True, poll_seconds=0)
        assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.DEAD
    [line] = [r for r in caplog.records if "given up" in r.getMessage()]
    assert line.levelno == logging.WARNING
    assert line.getMessage() == (f"outbox: message {message.id} to @member.example given up after 2 attempts: "
                                 "451 4.3.0 Try again later")


def test_status_command_counts_each_state(app):
    with app.app_context():
        queue_announcement("a@member.example")
        queue_announcement("b@member.example")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "status"])
    assert result.exit_code == 0
    assert "queued   2" in result.output and "sent     0" in result.output and "dead     0" in result.output


def _run_worker(database_url, smtp, **env):
    argv, environ = flask_command(database_url, "outbox", "work", "--until-empty", "--poll", "0.2",
                                  MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, **env)
    return subprocess.Popen(argv, env=environ, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(app, smtp, database_url):
    with app.app_context():
        queue_many("main/announcement", "ประกาศ", [(f"m{n}@member.example", "th", {"name": f"คุณ {n}"}) for n in range(30)],
                   message=THAI_BODY, kind="announcements")
        db.session.commit()

    victim = {}

    def kill_at_tenth(envelope):
        if len(smtp.messages) == 9 and "process" in victim:
            os.kill(victim.pop("process").pid, signal.SIGKILL)  # dies before hearing the 250 for message 10
            return "421 4.3.2 Shutting down"
        return None

    smtp.before_accept = kill_at_tenth
    victim["process"] = first = _run_worker(database_url, smtp, OUTBOX_LEASE_SECONDS=1, OUTBOX_BATCH_SIZE=50)
    first.communicate(timeout=60)
    assert first.returncode == -signal.SIGKILL
    with app.app_context():
        assert count(OutboxMessage) == 30
        left = db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.status != OutboxStatus.SENT)).all()
        assert set(left) == {OutboxStatus.SENDING} and len(left) == 21

    with app.app_context():  # the dead worker's lease runs out
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
                           .values(lease_expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    second = _run_worker(database_url, smtp, OUTBOX_LEASE_SECONDS=1, OUTBOX_BATCH_SIZE=50)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    ids = smtp.message_ids()
    assert len(ids) == 30 and len(set(ids)) == 30
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"m{n}@member.example" for n in range(30))
    with app.app_context():
        assert set(statuses().values()) == {OutboxStatus.SENT}


@pytest.mark.slow
def test_two_workers_deliver_a_thousand_messages_without_duplicates(app, smtp, database_url):
    with app.app_context():
        queue_many("main/announcement", "ประกาศ", [(f"m{n}@member.example", "th", {"name": f"คุณ {n}"}) for n in range(1000)],
                   message=THAI_BODY, kind="announcements")
        db.session.commit()
    workers = [_run_worker(database_url, smtp, OUTBOX_BATCH_SIZE=25) for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    sent_by_each = [int(out.split()[1].rstrip(",")) for out, _ in outputs]
    assert sum(sent_by_each) == 1000
    if database_url.startswith("postgresql"):
        assert min(sent_by_each) > 0, "both workers took a share (SKIP LOCKED)"
    ids = smtp.message_ids()
    assert len(ids) == 1000 and len(set(ids)) == 1000
    with app.app_context():
        assert set(statuses().values()) == {OutboxStatus.SENT}


def test_a_message_that_cannot_be_sent_fails_alone_and_the_rest_go(smtp_app, smtp):
    """An address smtplib cannot write (from before the forms refused them) or a header that cannot be built fails
    its own message; the worker goes on, over the same connection."""
    with smtp_app.app_context():
        queue_announcement("first@member.example")
        queue_announcement("ผู้สมัคร@member.example")
        queue_announcement("broken@member.example\r\nBcc: everyone@member.example")
        queue_announcement("last@member.example")
        db.session.commit()
        result = worker.deliver_batch()
        assert (result.sent, result.failed) == (2, 2)
        failed = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)).all()
        assert {m.recipient.split("@")[0] for m in failed} == {"ผู้สมัคร", "broken"}
        assert "SMTPUTF8" in "".join(m.last_error for m in failed)
    assert [m["To"] for m in smtp.messages] == ["first@member.example", "last@member.example"]


def test_a_message_whose_worker_always_dies_is_dead_and_the_rest_go(make_app, smtp, caplog):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, OUTBOX_MAX_ATTEMPTS=3)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="portal.mail.worker"):
        poison = queue_announcement("poison@member.example")
        queue_announcement("next@member.example")
        db.session.flush()
        poison.status, poison.attempts = OutboxStatus.SENDING, 3  # three workers died on it
        poison.lease_expires_at, poison.claimed_by = utcnow() - timedelta(seconds=1), "gone"
        db.session.commit()
        assert worker.deliver_batch().sent == 1
        poison = db.session.get(OutboxMessage, poison.id)
        assert poison.status == OutboxStatus.DEAD and "worker stopped" in poison.last_error
    assert [m["To"] for m in smtp.messages] == ["next@member.example"]
    assert [r.getMessage() for r in caplog.records if "given up" in r.getMessage()] == [
        f"outbox: message {poison.id} to @member.example given up after 3 attempts: every attempt's worker stopped "
        "before finishing"]


class TableOutage:
    """Make the outbox table vanish for a moment, from a connection of its own: every statement of the worker on it
    fails with the database's own error (no such table) until it is back."""

    def __init__(self, database_url, seconds):
        self.engine = sa.create_engine(database_url, poolclass=NullPool)
        self.seconds = seconds
        self.started = self.ended = False
        self._timer = None

    def _rename(self, old, new):
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")

    def start(self):
        self.started = True
        self._rename("outbox_message", "outbox_message_away")
        self._timer = threading.Timer(self.seconds, self.end)
        self._timer.start()

    def end(self):
        self._rename("outbox_message_away", "outbox_message")
        self.ended = True

    def close(self):
        if self._timer is not None:
            self._timer.join()
        self.engine.dispose()


def test_the_worker_rides_out_a_database_error_mid_batch(make_app, smtp, database_url, caplog):
    """The database fails just after the mail server accepted a message: the worker does not stop. It logs one line
    per failed try, records that message as sent when the database is back, puts the rest of its batch back at once
    (not after the 300 s lease) without counting an attempt, and delivers every message exactly once."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, OUTBOX_BATCH_SIZE=4,
                   OUTBOX_LEASE_SECONDS=300)
    with app.app_context():
        for n in range(10):
            queue_announcement(f"member{n}@member.example")
        db.session.commit()
    outage = TableOutage(database_url, seconds=1.5)

    def fail_after_the_sixth(envelope):
        if len(smtp.messages) == 5 and not outage.started:
            outage.start()  # the sixth is accepted (250), then its "sent" cannot be written

    smtp.before_accept = fail_after_the_sixth
    try:
        with app.app_context(), caplog.at_level(logging.WARNING, logger="portal.mail.worker"):
            totals = worker.work(until_empty=True, poll_seconds=0)
            rows = db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()
    finally:
        outage.close()
    assert outage.ended
    ids = smtp.message_ids()
    assert len(ids) == 10 and len(set(ids)) == 10
    assert totals.sent == 10
    assert set(rows) == {(OutboxStatus.SENT, 1)}, "sent once each; no attempt spent on the database's outage"
    failures = [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
    assert failures and all(r.exc_info is None for r in caplog.records), "a line per failure, no traceback"
    assert [m.split("trying again in ")[1].split(" s:")[0] for m in failures] == ["1", "2"][:len(failures)], failures
    assert all("\n" not in m and "outbox_message" in m for m in failures), failures  # the database's own words


@pytest.mark.slow
def test_the_worker_rides_out_its_database_connections_being_cut(app, smtp, database_url):
    """The real worker, its PostgreSQL connections cut twice mid-batch and once while idle (as a server restart
    does): it stays up, logs a line each time, and every message is delivered exactly once and recorded sent."""
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_terminate_backend is PostgreSQL's (SQLite: test_the_worker_rides_out_a_database_error_mid_batch)")
    killer = sa.create_engine(database_url, poolclass=NullPool)

    def cut_connections():
        with killer.connect() as connection:
            return len(connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())

    def rows_sent():
        try:
            with killer.connect() as connection:
                return connection.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == OutboxStatus.SENT))
        except sa.exc.OperationalError:
            return None  # this count's own connection was cut with the worker's (the sink cuts every other one)

    def wait_for(condition, what, seconds=90):
        def met():
            assert process.poll() is None, f"the worker stopped ({what}): {process.communicate()}"
            return condition()

        wait_until(met, what, seconds)

    with app.app_context():
        queue_many("main/announcement", "ประกาศ", [(f"m{n}@member.example", "th", {"name": f"คุณ {n}"})
                                                    for n in range(300)], message=THAI_BODY, kind="announcements")
        db.session.commit()
    cuts = []

    def slow_sink_cutting_twice(envelope):
        time.sleep(SINK_DELAY)
        if len(smtp.messages) in (60, 170):
            cuts.append(cut_connections())  # while the worker waits for this message's 250

    smtp.before_accept = slow_sink_cutting_twice
    argv, environ = flask_command(database_url, "outbox", "work", "--poll", "0.2", MAIL_SERVER="127.0.0.1",
                                  MAIL_PORT=smtp.port, OUTBOX_BATCH_SIZE=20)
    process = subprocess.Popen(argv, env=environ, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: rows_sent() == 300, "300 messages sent")
        assert len(cuts) == 2 and min(cuts) > 0, cuts
        assert cut_connections() > 0, "the idle worker's connections are cut too"
        with app.app_context():
            db.engine.dispose()  # the cuts took the test's own pooled connections too
            queue_many("main/announcement", "ประกาศ", [(f"late{n}@member.example", "th", {"name": f"คุณ {n}"})
                                                        for n in range(20)], message=THAI_BODY, kind="announcements")
            db.session.commit()
        wait_for(lambda: rows_sent() == 320, "the 20 queued after the idle cut sent")
        assert process.poll() is None, "the worker is still running"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        killer.dispose()
        with app.app_context():
            db.engine.dispose()  # whatever happened, the fixture's cleanup gets live connections
    assert process.returncode == 0, err
    assert out.startswith("sent 320,"), out
    ids = smtp.message_ids()
    assert len(ids) == 320 and len(set(ids)) == 320, "every message delivered exactly once"
    with app.app_context():
        assert set(db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)).all()) == {
            (OutboxStatus.SENT, 1)}
    failures = [line for line in err.splitlines() if "database unavailable" in line]
    # One line for each cut in mid-batch; the cut while idle is met by pool_pre_ping, which opens a new connection.
    assert len(failures) >= 2, err
    assert "Traceback" not in err, err
