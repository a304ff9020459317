"""Alerts benchmark (issue 14, "Measure and report"): an urgent alert to 2,000 people while 10,000 invitations are
queued, against the same alert with nothing queued.

Run by hand or by `make bench` (never by pytest). One run, one SQLite database, one outbox worker and one sink:

1. Set-up. A temporary SQLite database migrated to head (`flask db upgrade`), the portal in this process (as
   bench.outbox.make_app makes it), 200 active organisations of 10 active people each (2,000 people, four in five
   Thai, one in five English; Core INSERTs, as bench/events.py seeds members) and one coordinator. An aiosmtpd sink
   in its own process accepts everything and counts alert mail and bulk mail apart (bulk recipients are
   `bulk…@invite.example`): it records when the first, the middle and the last alert arrived, and how many bulk
   messages it had accepted at those moments. The real worker, `flask outbox work` (bench.outbox.portal_env), runs
   in a subprocess for the whole bench, as it runs beside the web servers; its poll when idle is 0.1 s (--poll), so
   that the baseline is not mostly a wait for the next poll (with the default OUTBOX_POLL_SECONDS of 2 s an idle
   worker notices new mail up to 2 s late; a busy one at the end of the batch in hand).
   Warm-up, outside the timings: one mail through the worker, and one alert to one organisation rolled back (the
   templates and queries a long-running web process has warm).
2. Baseline: nothing queued, the worker idle. `alerts.services.send(coordinator, values)` to every organisation and
   the commit, timed in-process: the seconds the coordinator waits. Then the seconds from just before `send` until
   the sink has accepted all 2,000 alerts.
3. Behind a queue: 10,000 event invitations queued at PRIORITY_BULK (a Core INSERT of pre-rendered rows, each with
   its .ics, as a large invitation leaves them: real invitations of this tree, Thai and English, rendered once in a
   transaction rolled back and copied), the worker delivering them; once the sink has accepted the first 300 (the
   worker is in its stride, half-way through its second batch of 200: where an alert lands on average), the same
   alert is sent again and timed the same way. Reported besides: the bulk messages the sink accepted while `send`
   ran, and between its commit and the last alert (the rest of the batch the worker had in hand: at most one batch,
   OUTBOX_BATCH_SIZE). The invitations still queued are then deleted (the worker finishes its batch in hand and is
   idle again).
   Phases 2 and 3 alternate, --repeats times (default 5): medians are reported, and the ratio behind / baseline is
   of the medians, so that a change in the machine's load during the run does not pass for the queue's cost.
4. Priority ignored, for comparison (once; --no-fifo skips it): the same, with the 10,000 invitations queued at the
   alert's own priority, so that the worker takes the oldest first, as it would without priorities.
5. The report: printed as a table and written to bench/results/alerts.json. Options: --organisations, --people,
   --bulk, --lead, --repeats, --batch-size (passed to the worker; default OUTBOX_BATCH_SIZE), --poll, --no-fifo.
"""

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.outbox import SENDER, make_app, migrate, portal_env  # noqa: E402
from bench.web import free_port, seed_members  # noqa: E402

RESULTS = os.path.join(ROOT, "bench", "results", "alerts.json")
COORDINATOR = "coordinator@bench.example"
BULK_PREFIX, WARM_PREFIX = "bulk", "warm"  # the sink counts recipients starting with these apart from the alert's
ALERT = {
    "title_th": "แจ้งเตือนด่วน: น้ำท่วมฉับพลันในพื้นที่ภาคเหนือ งดการเดินทางเข้าพื้นที่",
    "title_en": "Urgent: flash floods in the North, do not travel to the area",
    "message_th": ("กรมอุตุนิยมวิทยาแจ้งเตือนฝนตกหนักถึงหนักมากและน้ำท่วมฉับพลันในจังหวัดเชียงใหม่ เชียงราย และน่าน "
                   "ระหว่างวันนี้ถึงวันศุกร์ ขอให้องค์กรสมาชิกเลื่อนกิจกรรมในพื้นที่ แจ้งบุคลากรที่อยู่ในพื้นที่ "
                   "และใช้ข้อความประชาสัมพันธ์ที่แนบไว้ในระบบสมาชิกเท่านั้น"),
    "message_en": ("The Meteorological Department warns of very heavy rain and flash floods in Chiang Mai, Chiang Rai "
                   "and Nan from today until Friday. Member organisations should postpone their activities there, "
                   "tell their staff in the area, and use only the public statement posted in the members' area."),
    "remind_after_minutes": 60,
}


# --- the sink: aiosmtpd in its own process, counting alert mail and bulk mail apart -------------------------------

SHARED = {  # name: ctypes code
    "alerts": "q", "bulk": "q", "other": "q", "target": "q", "bulk_at_first_alert": "q", "bulk_at_last_alert": "q",
    "first_alert": "d", "middle_alert": "d", "last_alert": "d", "first_bulk": "d", "last_bulk": "d",
}


def _sink_process(ready, shared, reached, stop):
    """Accept every message with 250 and count it as bulk, warm-up or alert mail by its recipient; wake the bench
    when the alerts' target is reached."""
    from aiosmtpd.controller import Controller

    alerts, bulk = shared["alerts"], shared["bulk"]

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            now = time.monotonic()  # CLOCK_MONOTONIC: comparable with the bench's clock
            recipient = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
            if recipient.startswith(BULK_PREFIX):
                if bulk.value == 0:
                    shared["first_bulk"].value = now
                bulk.value += 1
                shared["last_bulk"].value = now
            elif recipient.startswith(WARM_PREFIX):
                shared["other"].value += 1
            else:
                alerts.value += 1
                if alerts.value == 1:
                    shared["first_alert"].value = now
                    shared["bulk_at_first_alert"].value = bulk.value
                if alerts.value == (shared["target"].value + 1) // 2:
                    shared["middle_alert"].value = now
                shared["last_alert"].value = now
                if alerts.value == shared["target"].value:
                    shared["bulk_at_last_alert"].value = bulk.value
                    reached.set()
            return "250 OK"

    controller = None
    error = None
    for _ in range(10):  # a free port can be taken between the probe and the bind: try another
        try:
            controller = Controller(Counter(), hostname="127.0.0.1", port=free_port(), ready_timeout=10)
            controller.start()
            break
        except Exception as exc:  # noqa: BLE001  (any start failure: next port)
            error = exc
            controller = None
    ready.put(controller.port if controller else f"sink failed to start: {error!r}")
    if controller is None:
        return
    stop.wait()
    controller.stop()


class AlertSink:
    """The sink process and what it shares with the bench (see SHARED)."""

    def __init__(self):
        ctx = multiprocessing.get_context("spawn")
        self.shared = {name: ctx.Value(code, 0, lock=False) for name, code in SHARED.items()}
        self.reached = ctx.Event()
        self._stop = ctx.Event()
        ready = ctx.Queue()
        self.process = ctx.Process(target=_sink_process, args=(ready, self.shared, self.reached, self._stop),
                                   daemon=True)
        self.process.start()
        answer = ready.get(timeout=30)
        if not isinstance(answer, int):
            raise RuntimeError(answer)
        self.port = answer

    def __getitem__(self, name):
        return self.shared[name].value

    def reset(self, target):
        """Start a run whose alert reaches `target` people (only while the worker has nothing in hand)."""
        for name, value in self.shared.items():
            if name != "other":
                value.value = 0
        self.shared["target"].value = target
        self.reached.clear()

    def close(self):
        self._stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()


# --- the worker ---------------------------------------------------------------------------------------------------

class Worker:
    """`flask outbox work` in a subprocess, running until stopped (SIGTERM: it finishes the batch in hand)."""

    def __init__(self, database_url, workdir, port, poll, batch_size):
        argv = [sys.executable, "-m", "flask", "outbox", "work", "--poll", str(poll)]
        if batch_size:
            argv += ["--batch-size", str(batch_size)]
        env = portal_env(database_url, workdir, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER=SENDER)
        self.out = open(os.path.join(workdir, "worker.out"), "w+")  # noqa: SIM115  (closed in stop)
        self.err = open(os.path.join(workdir, "worker.err"), "w+")  # noqa: SIM115
        self.process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.out, stderr=self.err)

    def check(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"the worker stopped (exit {self.process.returncode}):\n{self.errors()}")

    def errors(self):
        self.err.flush()
        with open(self.err.name, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-3000:]

    def stop(self):
        """Stop it; return what it printed (its totals) and its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.out.close()
        self.err.close()
        with open(self.out.name, encoding="utf-8") as out, open(self.err.name, encoding="utf-8") as err:
            return out.read().strip(), err.read().strip()


def wait_until(condition, worker, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        worker.check()
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


# --- the data -----------------------------------------------------------------------------------------------------

def seed(app, organisations, per_organisation):
    """bench.web.seed_members, one person in five English; return the coordinator's id, the organisations' ids, a Thai
    and an English person's ids, and the seconds it took."""
    coordinator_id, organisation_ids, people, seconds = seed_members(
        app, organisations, per_organisation, COORDINATOR, tag="person", english_every=5)
    thai = next(person for person, language in people if language == "th")
    english = next(person for person, language in people if language == "en")
    return coordinator_id, organisation_ids, (thai, english), seconds


def invitation_sample(app, coordinator_id, people):
    """Two real invitations of this tree (a Thai one and an English one, with their .ics), made by
    events.services.invite in a transaction rolled back: {language: (subject, text, html, [(file, type, data)])}."""
    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

    from portal.auth.models import User
    from portal.db import utcnow
    from portal.events import services as events
    from portal.events.models import Visibility
    from portal.extensions import db
    from portal.mail.models import OutboxMessage

    with app.app_context():
        coordinator = db.session.get(User, coordinator_id)
        starts_at = (utcnow() + timedelta(days=14)).replace(second=0, microsecond=0)
        event = events.create({
            "title_th": "ประชุมใหญ่สามัญประจำปีเครือข่ายประชาสัมพันธ์ 2569",
            "title_en": "PR Network annual general meeting 2026",
            "description_th": ("ขอเชิญผู้แทนองค์กรสมาชิกเข้าร่วมประชุมใหญ่สามัญประจำปี รับฟังรายงานผลการดำเนินงาน "
                               "และร่วมพิจารณาแผนการสื่อสารในภาวะวิกฤตของเครือข่ายสำหรับปีหน้า"),
            "description_en": ("Member organisations' representatives are invited to the annual general meeting: "
                               "the year's report, and the network's crisis communication plan for next year."),
            "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=3),
            "rsvp_deadline": starts_at - timedelta(days=2), "place": "ห้องประชุม 1 ศาลากลางจังหวัด",
            "map_url": "https://maps.example/room-1", "online_url": "https://meet.example/pr-agm",
            "capacity": None, "visibility": Visibility.MEMBERS}, by=coordinator)
        events.publish(event, by=coordinator)
        db.session.flush()
        events.invite(event, by=coordinator, user_ids=list(people))
        db.session.flush()
        messages = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"event-{event.id}-invited-%"))
            .options(selectinload(OutboxMessage.attachments))).all()
        sample = {m.language: (m.subject, m.body_text, m.body_html,
                               [(a.filename, a.content_type, a.data) for a in m.attachments]) for m in messages}
        db.session.rollback()
        db.session.remove()
    if set(sample) != {"th", "en"}:
        raise RuntimeError(f"the sample invitation was not queued in both languages: {sorted(sample)}")
    return sample


def queue_bulk(app, sample, n, tag, priority):
    """`n` invitations to bulk…@invite.example, four in five Thai, at `priority`: Core INSERTs of the sample's rows
    and attachments, committed. Return the seconds it took."""
    import sqlalchemy as sa

    from portal.db import utcnow
    from portal.extensions import db
    from portal.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus

    with app.app_context():
        started = time.perf_counter()
        now = utcnow()
        prefix = f"bench-bulk-{tag}-"
        rows = []
        for k in range(n):
            language = "en" if k % 5 == 4 else "th"
            subject, text, html, _ = sample[language]
            rows.append({"recipient": f"{BULK_PREFIX}{k:05d}@invite.example", "subject": subject, "body_text": text,
                         "body_html": html, "language": language, "status": OutboxStatus.QUEUED, "attempts": 0,
                         "next_attempt_at": now, "created_at": now, "idempotency_key": f"{prefix}{k:05d}",
                         "priority": priority})
        connection = db.session.connection()
        connection.execute(sa.insert(OutboxMessage.__table__), rows)
        ids = connection.execute(sa.select(OutboxMessage.id, OutboxMessage.language)
                                 .where(OutboxMessage.idempotency_key.like(f"{prefix}%"))).all()
        attachments = [{"message_id": message_id, "filename": filename, "content_type": content_type, "data": data}
                       for message_id, language in ids for filename, content_type, data in sample[language][3]]
        if attachments:
            connection.execute(sa.insert(OutboxAttachment.__table__), attachments)
        db.session.commit()
        db.session.remove()
        return time.perf_counter() - started


def drop_queued_bulk(app):
    """Delete the invitations still queued (their attachments go with them); return how many."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus

    with app.app_context():
        queued = sa.select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.QUEUED,
                                                   OutboxMessage.recipient.like(f"{BULK_PREFIX}%"))
        db.session.execute(sa.delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(queued)))
        dropped = db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(queued))).rowcount
        db.session.commit()
        db.session.remove()
    return dropped


def in_hand(app):
    """How many messages are queued or being sent."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.QUEUED, OutboxStatus.SENDING])))
        db.session.remove()
    return count


def warm_up(app, sink, worker, coordinator_id, organisation_id):
    """One mail through the worker, and one alert to one organisation rolled back: what a running worker and a
    running web process have warm."""
    from portal.alerts import services
    from portal.auth.models import User
    from portal.extensions import db
    from portal.mail.services import queue_mail

    with app.app_context():
        queue_mail(f"{WARM_PREFIX}-up@bench.example", "notice", "warm-up", paragraphs=["warm-up"], kind="announcements")
        db.session.commit()
        services.send(db.session.get(User, coordinator_id), dict(ALERT), chosen=[organisation_id])
        db.session.rollback()
        db.session.remove()
    wait_until(lambda: sink["other"] >= 1, worker, 60, "the warm-up mail")


# --- the runs -----------------------------------------------------------------------------------------------------

def send_alert(app, sink, worker, coordinator_id, people, timeout):
    """Send the alert to everyone, timed; wait until the sink has accepted all of it. The figures of one run."""
    from portal.alerts import services
    from portal.auth.models import User
    from portal.extensions import db

    with app.app_context():
        coordinator = db.session.get(User, coordinator_id)
        bulk_before = sink["bulk"]
        started = time.monotonic()
        alert = services.send(coordinator, dict(ALERT))
        sent = time.monotonic()
        db.session.commit()
        committed = time.monotonic()
        bulk_at_commit = sink["bulk"]
        alert_id = alert.id
        db.session.remove()
    deadline = started + timeout
    while not sink.reached.wait(0.25):
        worker.check()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sink accepted {sink['alerts']} of {people} alerts in {timeout} s")
    first, middle, last = sink["first_alert"], sink["middle_alert"], sink["last_alert"]
    if sink["alerts"] != people:
        raise RuntimeError(f"the sink accepted {sink['alerts']} alerts for {people} people")
    return {
        "alert_id": alert_id,
        "send_s": sent - started,
        "commit_s": committed - sent,
        "coordinator_waits_s": committed - started,
        "first_alert_s": first - started,
        "median_alert_s": middle - started,
        "all_alerts_s": last - started,
        "commit_to_all_alerts_s": last - committed,
        "alerts_msgs_per_s": (people - 1) / (last - first) if last > first else None,
        "bulk_accepted_during_send": bulk_at_commit - bulk_before,
        "bulk_accepted_after_commit_before_first_alert": sink["bulk_at_first_alert"] - bulk_at_commit,
        "bulk_accepted_after_commit_before_last_alert": sink["bulk_at_last_alert"] - bulk_at_commit,
        "bulk_accepted_from_send_to_last_alert": sink["bulk_at_last_alert"] - bulk_before,
        "_bulk_before": bulk_before,
        "_started": started,
    }


def run_baseline(app, sink, worker, coordinator_id, people):
    wait_until(lambda: in_hand(app) == 0, worker, 120, "an idle worker")
    sink.reset(people)
    result = send_alert(app, sink, worker, coordinator_id, people, timeout=300)
    for key in [k for k in result if k.startswith("_") or k.startswith("bulk_")]:
        del result[key]
    return result


def run_behind(app, sink, worker, coordinator_id, people, sample, bulk, lead, tag, priority, timeout):
    """`bulk` invitations queued at `priority`, the worker delivering them; the alert once `lead` are in."""
    wait_until(lambda: in_hand(app) == 0, worker, 120, "an idle worker")
    sink.reset(people)
    queue_seconds = queue_bulk(app, sample, bulk, tag, priority)
    wait_until(lambda: sink["bulk"] >= lead, worker, 120, f"the first {lead} invitations")
    result = send_alert(app, sink, worker, coordinator_id, people, timeout)
    before, started = result.pop("_bulk_before"), result.pop("_started")
    result.update({
        "bulk_queued": bulk, "bulk_queue_s": queue_seconds,
        "bulk_still_queued_at_send": bulk - before,  # less the batch in hand, which is already claimed
        "bulk_msgs_per_s_before_send": (before - 1) / (started - sink["first_bulk"]) if before > 1 else None,
    })
    result["bulk_dropped_afterwards"] = drop_queued_bulk(app)
    return result


def check_delivered(app, alert_ids, people):
    """Every alert's mail is marked sent, and nothing failed."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus
    from portal.mail.services import outbox_counts

    with app.app_context():
        for alert_id in alert_ids:
            sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
                OutboxMessage.idempotency_key.like(f"alert-{alert_id}-sent:%"),
                OutboxMessage.status == OutboxStatus.SENT))
            if sent != people:
                raise RuntimeError(f"alert {alert_id}: {sent} of {people} messages marked sent")
        counts = outbox_counts()
        db.session.remove()
    if counts["failed"] or counts["dead"]:
        raise RuntimeError(f"outbox after the bench: {counts}")
    return counts


# --- the report ---------------------------------------------------------------------------------------------------

def summary(runs):
    """The median of each figure over the runs."""
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float)) and k != "alert_id"]
    return {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in keys}


def report(results):
    b, q = results["baseline"]["median"], results["behind_queue"]["median"]
    f = results.get("priority_ignored")
    s = results["setup"]
    repeats = len(results["baseline"]["runs"])

    def row(name, key, unit="s", digits=2):
        cells = [b.get(key), q.get(key)] + ([f.get(key)] if f else [])
        text = ["—" if c is None else f"{c:,.{digits}f}" for c in cells]
        return f"   {name:46} " + " ".join(f"{t:>12}" for t in text) + f"  {unit}"

    header = f"   {'':46} {'baseline':>12} {'behind queue':>12}" + (f" {'no priority':>12}" if f else "")
    lines = [
        f"Alerts benchmark  ({results['machine']['cpus']} CPUs, Python {results['machine']['python']}, SQLite; load "
        f"average {results['machine']['load_average_at_start'][0]:.2f} at the start, "
        f"{results['machine']['load_average_at_end'][0]:.2f} at the end)",
        "",
        f"1. {s['organisations']} organisations x {s['people_per_organisation']} people = {s['people']:,} people "
        f"(seeded in {s['seed_s']:.2f} s); worker `flask outbox work --poll {s['poll_s']}`, batch "
        f"{s['batch_size']}; invitations of {s['invitation_bytes']['th']['text']:,} + "
        f"{s['invitation_bytes']['th']['html']:,} bytes (Thai text + HTML) and a {s['invitation_bytes']['th']['ics']:,}"
        f"-byte .ics",
        "",
        f"2.-4. An alert to {s['people']:,} people: medians of {repeats} runs each"
        + (" (no priority: one run)" if f else ""),
        header,
        row("coordinator waits (send + commit)", "coordinator_waits_s"),
        row("  of it send()", "send_s"),
        row("  of it the commit", "commit_s"),
        row("send to first alert accepted", "first_alert_s"),
        row("send to half the alerts accepted", "median_alert_s"),
        row("send to all alerts accepted", "all_alerts_s"),
        row("commit to all alerts accepted", "commit_to_all_alerts_s"),
        row("alerts delivered (first to last accepted)", "alerts_msgs_per_s", "msgs/s", 1),
        row("bulk queued when the alert was sent", "bulk_still_queued_at_send", "msgs", 0),
        row("bulk delivered before the alert (steady)", "bulk_msgs_per_s_before_send", "msgs/s", 1),
        row("bulk accepted while send() ran", "bulk_accepted_during_send", "msgs", 0),
        row("bulk accepted after commit, before 1st alert", "bulk_accepted_after_commit_before_first_alert",
            "msgs", 0),
        row("bulk accepted after commit, before last alert", "bulk_accepted_after_commit_before_last_alert",
            "msgs", 0),
        "",
        "5. Ratios (send to all alerts accepted)",
        f"   behind queue / baseline : {results['ratios']['behind_to_baseline']:.2f}"
        f"   (each pair: {', '.join(f'{x:.2f}' for x in results['ratios']['pairs'])})",
    ]
    if f:
        lines.append(f"   no priority / baseline  : {results['ratios']['no_priority_to_baseline']:.2f}")
    most = max(r["bulk_accepted_after_commit_before_last_alert"] for r in results["behind_queue"]["runs"])
    lines.append(f"   invitations ahead of the last alert, after the commit: at most {most} in a run; one batch is "
                 f"{s['batch_size']}: {'ok' if most <= s['batch_size'] else 'MORE THAN ONE BATCH'}")
    lines += ["", "   Each run, send to all alerts accepted (s):",
              "   baseline     : " + ", ".join(f"{r['all_alerts_s']:.2f}" for r in results["baseline"]["runs"]),
              "   behind queue : " + ", ".join(f"{r['all_alerts_s']:.2f}" for r in results["behind_queue"]["runs"])
              + "   (bulk accepted after the commit, before the last alert: "
              + ", ".join(str(r["bulk_accepted_after_commit_before_last_alert"])
                          for r in results["behind_queue"]["runs"]) + ")"]
    lines += ["", f"   worker says: {results['worker']['output']}"]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--people", type=int, default=10, help="active people in each organisation")
    parser.add_argument("--bulk", type=int, default=10_000, help="invitations queued ahead of the alert")
    parser.add_argument("--lead", type=int, default=300, help="invitations accepted before the alert is sent")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--poll", type=float, default=0.1, help="the idle worker's poll, in seconds")
    parser.add_argument("--no-fifo", action="store_true", help="skip the run with the priority ignored")
    args = parser.parse_args()

    from portal.mail.services import PRIORITY_BULK, PRIORITY_URGENT

    os.chdir(ROOT)
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="alerts-bench-")
    database_url = "sqlite:///" + os.path.join(workdir, "bench.db")
    people = args.organisations * args.people
    sink = AlertSink()
    worker = None
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform(), "load_average_at_start": os.getloadavg()},
               "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        migrate(database_url, workdir)
        os.environ["PORTAL_INSTANCE_PATH"] = workdir
        app = make_app(database_url, sink.port)
        batch_size = args.batch_size or app.config["OUTBOX_BATCH_SIZE"]
        coordinator_id, organisation_ids, sample_people, seed_seconds = seed(app, args.organisations, args.people)
        sample = invitation_sample(app, coordinator_id, sample_people)
        results["setup"] = {
            "organisations": args.organisations, "people_per_organisation": args.people, "people": people,
            "seed_s": seed_seconds, "bulk": args.bulk, "lead": args.lead, "poll_s": args.poll,
            "batch_size": batch_size, "database": "sqlite",
            "invitation_bytes": {language: {"text": len(text.encode()), "html": len(html.encode()),
                                            "ics": sum(len(d) for _, _, d in files)}
                                 for language, (_, text, html, files) in sample.items()}}
        print(f"sink on 127.0.0.1:{sink.port}, database {database_url}; {people:,} people seeded in "
              f"{seed_seconds:.2f} s", flush=True)
        worker = Worker(database_url, workdir, sink.port, args.poll, args.batch_size)
        warm_up(app, sink, worker, coordinator_id, organisation_ids[0])

        baseline, behind = [], []
        for repeat in range(args.repeats):
            baseline.append(run_baseline(app, sink, worker, coordinator_id, people))
            print(f"baseline {repeat + 1}: all {people:,} alerts in {baseline[-1]['all_alerts_s']:.2f} s "
                  f"(the coordinator waited {baseline[-1]['coordinator_waits_s']:.2f} s)", flush=True)
            behind.append(run_behind(app, sink, worker, coordinator_id, people, sample, args.bulk, args.lead,
                                     f"r{repeat}", PRIORITY_BULK, timeout=300))
            print(f"behind {args.bulk:,} invitations {repeat + 1}: all alerts in {behind[-1]['all_alerts_s']:.2f} s "
                  f"(the coordinator waited {behind[-1]['coordinator_waits_s']:.2f} s; "
                  f"{behind[-1]['bulk_accepted_after_commit_before_last_alert']} invitations went after the commit, "
                  "before the last alert)", flush=True)
        results["baseline"] = {"runs": baseline, "median": summary(baseline)}
        results["behind_queue"] = {"runs": behind, "median": summary(behind)}
        if not args.no_fifo:
            fifo = run_behind(app, sink, worker, coordinator_id, people, sample, args.bulk, args.lead, "fifo",
                              PRIORITY_URGENT, timeout=900)
            results["priority_ignored"] = fifo
            print(f"priority ignored: all alerts in {fifo['all_alerts_s']:.2f} s", flush=True)
        wait_until(lambda: in_hand(app) == 0, worker, 120, "an idle worker")
        output, log = worker.stop()
        results["worker"] = {"output": output, "log_tail": log[-2000:]}
        results["outbox"] = check_delivered(app, [r["alert_id"] for r in baseline + behind
                                                  + ([results["priority_ignored"]] if not args.no_fifo else [])],
                                            people)
        base = results["baseline"]["median"]["all_alerts_s"]
        results["ratios"] = {
            "behind_to_baseline": results["behind_queue"]["median"]["all_alerts_s"] / base,
            "pairs": [q["all_alerts_s"] / b["all_alerts_s"] for b, q in zip(baseline, behind, strict=True)]}
        if not args.no_fifo:
            results["ratios"]["no_priority_to_baseline"] = results["priority_ignored"]["all_alerts_s"] / base
        results["machine"]["load_average_at_end"] = os.getloadavg()
        results["bench_seconds"] = time.monotonic() - began
    finally:
        if worker is not None and worker.process.poll() is None:
            worker.stop()
        sink.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(report(results))
    print(f"\n(bench took {results['bench_seconds']:.0f} s; JSON in {os.path.relpath(RESULTS, ROOT)})")
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as out:
        json.dump(results, out, indent=2, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
