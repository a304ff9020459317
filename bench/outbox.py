"""Outbox benchmark: queue 10,000 mails, deliver them with `flask outbox work`, compare with two baselines.

Run by `make bench` (never by pytest). Everything happens in one run against one aiosmtpd sink that lives in its own
process and only counts what it accepts:

1. queue 10,000 announcements in one transaction with `queue_many`, each rendered in full (three lots, the median
   reported; and, for comparison, 10,000 `queue_mail` calls in one transaction);
2. build each queued message as the worker does (`portal.mail.mime.build_message`: email.mime under compat32 for
   mail without attachments) and, for comparison, with EmailMessage (the builder of mail with attachments) and as
   Flask-Mail's `Message` does: milliseconds a message;
3. deliver them with the real command `flask outbox work --until-empty` in a subprocess: msgs/s from the start of the
   command until the sink has accepted all of them, and the worker's peak RSS;
4. the limit: raw smtplib sending the same messages, pre-built, over one connection;
5. the naive peer: Flask-Mail with one connection per message;
6. the ratios, a cProfile of one in-process delivery grouped into message building, SMTP, database and the rest, and
   what the commit per message costs on SQLite.

The one goal is the rule of issue 11, on worker / naive: a speed path (as MIME written by hand once was) is worth
keeping only if without it the worker would fall under twice the naive peer. Worker / limit is shown, with no goal.

The two baselines run both before and after the worker and are pooled, so that a change in the machine's load during
the run does not pass for a difference in speed. The report is printed and written to bench/results/outbox.json.
Options: --messages N, --naive N, --profile N, --batch-size N (passed to the worker; default: OUTBOX_BATCH_SIZE)."""

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "outbox.json")

SECRET_KEY = "bench-secret-key-not-for-production"
SENDER = "เครือข่ายประชาสัมพันธ์ <no-reply@prnetwork.example>"
SUBJECT = "ขอเชิญร่วมประชุมเครือข่ายประชาสัมพันธ์ ครั้งที่ 1/2569"
MESSAGE = (
    "ขอเชิญผู้แทนองค์กรสมาชิกเข้าร่วมประชุมใหญ่สามัญประจำปี ณ ห้องประชุมชั้น 5 อาคารสำนักงาน เวลา 13:30 น. "
    "โปรดยืนยันการเข้าร่วมผ่านระบบสมาชิกภายในวันศุกร์ที่ 27 พฤศจิกายน 2569 "
    "และเตรียมรายงานผลการดำเนินงานขององค์กรท่านมาด้วย"
)
THAI_NAMES = ["สมชาย ใจดี", "สมหญิง รักงาน", "ประเสริฐ มั่นคง", "วิไลวรรณ ศรีสุข", "ธนากร พัฒนา", "กมลชนก แสงทอง"]
ENGLISH_NAMES = ["Jane Smith", "John Carter", "Anna Lee", "Peter Brown"]
GOALS = {"ratio_to_naive": 2.0}


# --- the sink: aiosmtpd in its own process, counting accepted messages in shared memory ---------------------------

def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sink_process(ready, counter, first, last, target, reached, stop):
    """Accept every message with 250 and count it; record when the first and last of a phase arrived, and wake the
    bench when the phase's target is reached (so that it need not poll while the worker runs)."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            now = time.monotonic()  # CLOCK_MONOTONIC: comparable with the parent's clock
            if counter.value == 0:
                first.value = now
            last.value = now
            counter.value += 1
            if counter.value >= target.value:
                reached.set()
            return "250 OK"

    controller = None
    error = None
    for _ in range(10):  # a free port can be taken between the probe and the bind: try another
        port = _free_port()
        try:
            controller = Controller(Counter(), hostname="127.0.0.1", port=port, ready_timeout=10)
            controller.start()
            break
        except Exception as exc:  # noqa: BLE001  (any start failure: next port)
            error = exc
            controller = None
    ready.put(port if controller else f"sink failed to start: {error!r}")
    if controller is None:
        return
    stop.wait()
    controller.stop()


class Sink:
    """The sink process, and what it shares with the bench: counter, first and last accept times, phase target."""

    def __init__(self):
        ctx = multiprocessing.get_context("spawn")
        self.counter = ctx.Value("q", 0, lock=False)
        self.first = ctx.Value("d", 0.0, lock=False)
        self.last = ctx.Value("d", 0.0, lock=False)
        self.target = ctx.Value("q", 0, lock=False)
        self.reached = ctx.Event()
        self._stop = ctx.Event()
        ready = ctx.Queue()
        shared = (self.counter, self.first, self.last, self.target, self.reached, self._stop)
        self.process = ctx.Process(target=_sink_process, args=(ready, *shared), daemon=True)
        self.process.start()
        answer = ready.get(timeout=30)
        if not isinstance(answer, int):
            raise RuntimeError(answer)
        self.port = answer

    @property
    def count(self):
        return self.counter.value

    def reset(self, target):
        """Start a phase of `target` messages (only while nothing is being sent)."""
        self.counter.value = 0
        self.first.value = self.last.value = 0.0
        self.target.value = target
        self.reached.clear()

    def wait_for(self, n, timeout):
        if not self.reached.wait(timeout) or self.counter.value < n:
            raise RuntimeError(f"sink accepted {self.counter.value} of {n} messages in {timeout} s")
        return time.monotonic()

    def close(self):
        self._stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()


# --- the portal --------------------------------------------------------------------------------------------------

def portal_env(database_url, instance_path, **extra):
    """The environment the tests give `flask` commands (tests/support/databases.py), plus the sink's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "OUTBOX_"))}
    env.update({"FLASK_APP": "wsgi.py", "PORTAL_ENV": "testing", "SECRET_KEY": SECRET_KEY,
                "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1", "PORTAL_INSTANCE_PATH": instance_path})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def migrate(database_url, instance_path):
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=portal_env(database_url, instance_path),
                   cwd=ROOT, check=True, capture_output=True)


def make_app(database_url, port):
    from portal import create_app

    return create_app({
        "PORTAL_ENV": "testing", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": "portal.example", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_TIMEOUT": 30,
        "MAIL_DEFAULT_SENDER": SENDER, "MAILBOX_ENABLED": False, "MAIL_SUPPRESS_SEND": False,
    })


def recipients(n, tag):
    """n distinct recipients, nine in ten Thai, one in ten English."""
    for i in range(n):
        if i % 10 == 9:
            yield f"{tag}{i:05d}@member.example", "en", {"name": ENGLISH_NAMES[i % len(ENGLISH_NAMES)]}
        else:
            yield f"{tag}{i:05d}@member.example", "th", {"name": f"{THAI_NAMES[i % len(THAI_NAMES)]} ({i})"}


def vm_status(pid):
    """Return (VmRSS, VmHWM) of a live process in kB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


# --- the phases --------------------------------------------------------------------------------------------------

def phase_queue(app, n):
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.mail.models import OutboxMessage
    from portal.mail.services import queue_mail, queue_many, render_mail

    with app.app_context():
        for language in ("th", "en"):  # compile the templates once, outside the timings
            render_mail("main/announcement", SUBJECT, language, name="x", message=MESSAGE)

        # Three times (on a shared machine one figure can be a neighbour's); the first lot is the one delivered.
        many_runs = []
        for run, tag in enumerate(("member", "again", "thrice")):
            started = time.perf_counter()
            queued = queue_many("main/announcement", SUBJECT, recipients(n, tag), idempotency_prefix=f"bench{run}",
                                message=MESSAGE, kind="announcements")
            db.session.commit()
            many_runs.append(time.perf_counter() - started)
            assert queued == n

        started = time.perf_counter()
        for address, language, extra in recipients(n, "single"):
            queue_mail(address, "main/announcement", SUBJECT, language=language, message=MESSAGE, **extra, kind="announcements")
        db.session.commit()
        single_seconds = time.perf_counter() - started

        # Only the first bulk-queued lot is delivered.
        db.session.execute(sa.delete(OutboxMessage).where(~OutboxMessage.recipient.like("member%")))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"messages": n, "queue_many_seconds": sorted(many_runs)[1], "queue_many_runs_seconds": many_runs,
            "queue_mail_seconds": single_seconds}


def phase_worker(sink, database_url, instance_path, n, batch_size, workdir):
    argv = [sys.executable, "-m", "flask", "outbox", "work", "--until-empty"]
    if batch_size:
        argv += ["--batch-size", str(batch_size)]
    env = portal_env(database_url, instance_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port,
                     MAIL_DEFAULT_SENDER=SENDER)
    sink.reset(n)
    samples = []
    with open(os.path.join(workdir, "worker.out"), "w+") as out, open(os.path.join(workdir, "worker.err"), "w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=err)
        deadline = started + 150
        # The sink wakes us when it has accepted all n: no busy polling to take CPU from the worker and the sink.
        while not sink.reached.wait(0.25):
            if process.poll() is not None or time.monotonic() > deadline:
                if process.poll() is None:
                    process.kill()
                err.seek(0)
                raise RuntimeError(f"worker stopped after {sink.count} of {n} messages:\n{err.read()[-3000:]}")
            status = vm_status(process.pid)
            if status:
                samples.append(status)
        accepted_all = sink.last.value  # when the sink accepted the last one (CLOCK_MONOTONIC, as here)
        # Keep sampling until it exits: VmHWM is the high-water mark of the worker's own memory. (The rusage of the
        # child is no good here: on Linux its ru_maxrss includes this process's memory from before the exec.)
        while process.poll() is None:
            status = vm_status(process.pid)
            if status:
                samples.append(status)
            time.sleep(0.01)
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("worker did not exit after delivering everything")
        exited = time.monotonic()
        out.seek(0)
        err.seek(0)
        output, errors = out.read().strip(), err.read().strip()
    if process.returncode != 0:
        raise RuntimeError(f"worker exited with {process.returncode}:\n{errors[-3000:]}")
    wall = accepted_all - started
    steady = (sink.last.value - sink.first.value)
    return {
        "messages": n,
        "accepted": sink.count,
        "batch_size": batch_size or "default",
        "seconds_to_all_accepted": wall,
        "seconds_to_exit": exited - started,
        "msgs_per_second": n / wall,
        "startup_seconds": sink.first.value - started,
        "steady_msgs_per_second": (n - 1) / steady if steady > 0 else None,
        "peak_rss_mb": max((s[1] for s in samples), default=0) / 1024,
        "rss_at_end_mb": samples[-1][0] / 1024 if samples else 0,
        "rss_samples": len(samples),
        "worker_output": output,
    }


def check_delivered(app, n):
    from portal.extensions import db
    from portal.mail.services import outbox_counts

    with app.app_context():
        counts = outbox_counts()
        db.session.remove()
    if counts["sent"] != n or sum(counts.values()) != n:
        raise RuntimeError(f"outbox after delivery: {counts}")
    return counts


def load_messages(app):
    """The queued rows as (recipient, subject, text, html, built bytes), and how long building them took."""
    from email.utils import parseaddr

    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

    from portal.extensions import db
    from portal.mail.mime import build_message, sender_domain
    from portal.mail.models import OutboxMessage

    with app.app_context():
        query = sa.select(OutboxMessage).options(selectinload(OutboxMessage.attachments)).order_by(OutboxMessage.id)
        rows = db.session.scalars(query).all()
        domain = sender_domain(SENDER)
        started = time.perf_counter()
        built = [(m.recipient, m.subject, m.body_text, m.body_html, build_message(m, SENDER, domain)) for m in rows]
        seconds = time.perf_counter() - started
        db.session.remove()
    check_messages(built[::max(1, len(built) // 100)])
    return parseaddr(SENDER)[1], built, {"messages": len(built), "ms_per_message": 1000 * seconds / len(built)}


def phase_other_builders(app, n):
    """Milliseconds a message for the same messages built with EmailMessage and with Flask-Mail's Message."""
    import sqlalchemy as sa
    from flask_mail import Message
    from sqlalchemy.orm import selectinload

    from portal.extensions import db
    from portal.mail.mime import _build_email_message, encode_address, sender_domain
    from portal.mail.models import OutboxMessage

    with app.app_context():
        query = sa.select(OutboxMessage).options(selectinload(OutboxMessage.attachments)).order_by(OutboxMessage.id)
        rows = db.session.scalars(query.limit(n)).all()
        domain, encoded_sender = sender_domain(SENDER), encode_address(SENDER)
        started = time.perf_counter()
        for m in rows:
            _build_email_message(m, SENDER, encoded_sender, domain)
        email_message = time.perf_counter() - started
        started = time.perf_counter()
        for m in rows:
            Message(subject=m.subject, recipients=[m.recipient], body=m.body_text, html=m.body_html,
                    sender=SENDER).as_bytes()
        flask_mail = time.perf_counter() - started
        db.session.remove()
    return {"messages": len(rows), "email_message_ms_per_message": 1000 * email_message / len(rows),
            "flask_mail_ms_per_message": 1000 * flask_mail / len(rows)}


def check_messages(sample):
    """Parse some built messages back: what is sent must be what was queued."""
    import email
    import email.policy

    for recipient, subject, text, html, data in sample:
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        got = (parsed["To"], parsed["Subject"], _lines(parsed.get_body(("plain",)).get_content()),
               _lines(parsed.get_body(("html",)).get_content()))
        too_long = any(len(line) > 998 for line in data.split(b"\r\n"))
        if got != (recipient, subject, _lines(text), _lines(html)) or too_long:
            raise RuntimeError(f"message for {recipient} does not carry what was queued")


def _lines(body):
    # Text parts travel in canonical form: CRLF line ends, and a line end after the last line.
    return body.replace("\r\n", "\n").rstrip("\n")


def phase_limit(sink, envelope_from, built):
    sink.reset(len(built))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as connection:
        for recipient, _, _, _, data in built:
            connection.sendmail(envelope_from, [recipient], data)
        sink.wait_for(len(built), 30)
        seconds = time.perf_counter() - started
    sizes = [len(item[4]) for item in built]
    return {"messages": len(built), "seconds": seconds, "msgs_per_second": len(built) / seconds,
            "mean_message_bytes": sum(sizes) / len(sizes), "accepted": sink.count}


def phase_naive(app, sink, built):
    from flask_mail import Message

    from portal.extensions import mail

    sink.reset(len(built))
    with app.app_context():
        started = time.perf_counter()
        for recipient, subject, text, html, _ in built:
            mail.send(Message(subject=subject, recipients=[recipient], body=text, html=html, sender=SENDER))
        sink.wait_for(len(built), 30)
        seconds = time.perf_counter() - started
    return {"messages": len(built), "seconds": seconds, "msgs_per_second": len(built) / seconds,
            "accepted": sink.count}


def pooled(before, after):
    """One rate from the runs before and after the worker: all messages over all the time."""
    messages, seconds = before["messages"] + after["messages"], before["seconds"] + after["seconds"]
    return {"messages": messages, "seconds": seconds, "msgs_per_second": messages / seconds,
            "before": before, "after": after,
            **({"mean_message_bytes": before["mean_message_bytes"]} if "mean_message_bytes" in before else {})}


def _group_profile(stats, total):
    """Split the profiled time into MIME building, SMTP, database and the rest, from cProfile's call graph."""
    entries = stats.stats  # {(file, line, name): (primitive calls, calls, own time, cumulative, callers)}

    def cumulative(name, path_part):
        return sum(v[3] for (path, _, fn), v in entries.items() if fn == name and path_part in path)

    def cumulative_from(name, path_part, caller_name, caller_part):
        """Cumulative time of `name` when called directly by `caller_name` (one edge of the call graph)."""
        seconds = 0.0
        for (path, _, fn), v in entries.items():
            if fn != name or path_part not in path:
                continue
            for (caller_path, _, caller_fn), edge in v[4].items():
                if caller_fn == caller_name and caller_part in caller_path:
                    seconds += edge[3]
        return seconds

    building = cumulative("build_message", "portal/mail/mime.py")
    smtp_send = cumulative("sendmail", "smtplib.py")
    # Opening and closing the one connection per batch (connect, EHLO, QUIT).
    smtp_connect = cumulative("configure_host", "flask_mail") + cumulative("_quit", "portal/mail/worker.py")
    claim = cumulative("claim_batch", "portal/mail/worker.py")
    record = sum(cumulative(name, "portal/mail/worker.py") for name in ("_mark_sent", "_mark_failed", "_mark_retry"))
    # Session commits made by the batch loop itself (after a refusal; `_mark_sent` commits on its own connection).
    commit = sum(cumulative_from("commit", path, "_deliver", "portal/mail/worker.py")
                 for path in ("sqlalchemy/orm/scoping.py", "sqlalchemy/orm/session.py"))
    groups = {
        "message building (build_message)": building,
        "SMTP send (sendmail)": smtp_send,
        "SMTP connect/quit, once per batch": smtp_connect,
        "DB claim, once per batch (claim_batch)": claim,
        "DB mark sent + commit, per message": record + commit,
    }
    groups["other"] = total - sum(groups.values())
    return groups


def phase_profile(app, sink, n):
    import cProfile
    import io
    import pstats

    from portal.extensions import db
    from portal.mail import worker
    from portal.mail.services import queue_many

    with app.app_context():
        queue_many("main/announcement", SUBJECT, recipients(n, "profiled"), idempotency_prefix="profile",
                   message=MESSAGE, kind="announcements")
        db.session.commit()
        sink.reset(n)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        totals = worker.work(until_empty=True, poll_seconds=0)
        profiler.disable()
        seconds = time.perf_counter() - started
        db.session.remove()
    if totals.sent != n or sink.count != n:
        raise RuntimeError(f"profiled delivery sent {totals.sent}, sink accepted {sink.count} of {n}")
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # all own time: the profiled run
    groups = _group_profile(stats, total)
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("tottime").print_stats(15)
    top = [line for line in listing.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(top) if line.lstrip().startswith("ncalls")), 0)
    return {
        "messages": n,
        "seconds_under_profiler": seconds,
        "profiled_seconds": total,
        "groups_seconds": groups,
        "groups_ms_per_message": {k: 1000 * v / n for k, v in groups.items()},
        "top_own_time": top[start:start + 16],
    }


def phase_commit_cost(app, n):
    """What the guarantee costs on SQLite: one commit per message marked sent, against one commit for them all."""
    from portal.extensions import db
    from portal.mail import worker
    from portal.mail.models import OutboxMessage
    from portal.mail.services import queue_many

    with app.app_context():
        queue_many("main/announcement", SUBJECT, recipients(2 * n, "commit"), idempotency_prefix="commit",
                   message=MESSAGE, kind="announcements")
        db.session.commit()
        messages = worker.claim_batch(2 * n)
        with db.session.get_bind(OutboxMessage).connect() as connection:
            started = time.perf_counter()
            for message in messages[:n]:
                worker._mark_sent(connection, message)  # as deliver_batch does: execute, commit
            each = time.perf_counter() - started
            started = time.perf_counter()
            for message in messages[n:]:
                connection.execute(worker._MARK_SENT, {"message": message.id, "token": message.claimed_by,
                                                       "accepted_at": worker.utcnow()})
            connection.commit()
            once = time.perf_counter() - started
        db.session.remove()
    return {"messages": n, "commit_each_ms_per_message": 1000 * each / n,
            "commit_once_ms_per_message": 1000 * once / n}


# --- the report --------------------------------------------------------------------------------------------------

def report(results):
    q, b, w, lim, nv, pr = (results[k] for k in ("queue", "build", "worker", "limit", "naive", "profile"))
    r = results["ratios"]
    mark = {True: "ok", False: "MISSED"}
    lines = [
        f"Outbox benchmark  ({results['machine']['cpus']} CPUs, Python {results['machine']['python']}, SQLite; load "
        f"average {results['machine']['load_average_at_start'][0]:.2f} at the start, "
        f"{results['machine']['load_average_at_end'][0]:.2f} at the end)",
        "",
        f"1. Queue {q['messages']:,} messages in one transaction",
        f"   queue_many (one INSERT) : {q['queue_many_seconds']:6.3f} s  "
        f"= {1000 * q['queue_many_seconds'] / q['messages']:.3f} ms a message   (median of "
        f"{', '.join(f'{x:.3f}' for x in q['queue_many_runs_seconds'])} s)",
        f"   queue_mail x {q['messages']:,}     : {q['queue_mail_seconds']:6.3f} s",
        "",
        f"2. Build a message (text, HTML, Thai headers), {b['messages']:,} of them",
        f"   build_message (email.mime, compat32): {b['ms_per_message']:6.3f} ms a message",
        f"   EmailMessage (mail with attachments) : {b['others']['email_message_ms_per_message']:6.3f} ms a message"
        f"   ({b['others']['messages']:,} messages)",
        f"   Flask-Mail Message().as_bytes()      : {b['others']['flask_mail_ms_per_message']:6.3f} ms a message",
        "",
        f"3. `flask outbox work --until-empty` (batch size {w['batch_size']}), {w['messages']:,} messages",
        f"   start to last accepted  : {w['seconds_to_all_accepted']:6.2f} s  = {w['msgs_per_second']:7.1f} msgs/s"
        f"   (process exit after {w['seconds_to_exit']:.2f} s)",
        f"   start-up to first accept: {w['startup_seconds']:6.2f} s;  steady state (first to last accept): "
        f"{w['steady_msgs_per_second']:7.1f} msgs/s",
        f"   peak RSS of the worker  : {w['peak_rss_mb']:6.1f} MB  (VmHWM; {w['rss_samples']} samples, "
        f"VmRSS at the end {w['rss_at_end_mb']:.1f} MB)",
        f"   worker says             : {w['worker_output']}",
        "",
        f"4. Limit: smtplib, pre-built messages ({lim['mean_message_bytes']:.0f} bytes on average), one connection",
        f"   {lim['messages']:,} messages in {lim['seconds']:6.2f} s  = {lim['msgs_per_second']:7.1f} msgs/s"
        f"   ({lim['before']['msgs_per_second']:.1f} before the worker, {lim['after']['msgs_per_second']:.1f} after)",
        "",
        "5. Naive peer: Flask-Mail, one connection per message",
        f"   {nv['messages']:,} messages in {nv['seconds']:6.2f} s  = {nv['msgs_per_second']:7.1f} msgs/s"
        f"   ({nv['before']['msgs_per_second']:.1f} before the worker, {nv['after']['msgs_per_second']:.1f} after)",
        "",
        "6. Ratios",
        f"   worker / limit : {r['worker_to_limit']:.2f}   (the limit sends pre-built messages: building is not in it)",
        f"   worker / naive : {r['worker_to_naive']:.2f}   goal >= {GOALS['ratio_to_naive']}: "
        f"{mark[r['worker_to_naive'] >= GOALS['ratio_to_naive']]}",
        "",
        f"   Where the worker's time goes: cProfile of worker.work(until_empty=True), {pr['messages']:,} messages, "
        f"{pr['profiled_seconds']:.2f} s profiled",
    ]
    for name, seconds in pr["groups_seconds"].items():
        share = 100 * seconds / pr["profiled_seconds"]
        lines.append(f"   {name:40} {seconds:6.2f} s  {share:5.1f} %  {1000 * seconds / pr['messages']:6.3f} ms/msg")
    c = results["commit_cost"]
    lines += ["", f"   The per-message commit on SQLite ({c['messages']:,} UPDATEs): "
              f"{c['commit_each_ms_per_message']:.3f} ms a message with a commit each, "
              f"{c['commit_once_ms_per_message']:.3f} ms with one commit for all"]
    lines += ["", "   Top functions by own time:"] + ["   " + line for line in pr["top_own_time"]]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=2_000)
    parser.add_argument("--profile", type=int, default=2_000)
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()

    sys.path.insert(0, ROOT)
    os.chdir(ROOT)
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="outbox-bench-")
    database_url = "sqlite:///" + os.path.join(workdir, "bench.db")
    sink = Sink()
    try:
        migrate(database_url, workdir)
        os.environ["PORTAL_INSTANCE_PATH"] = workdir
        app = make_app(database_url, sink.port)
        results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                               "platform": platform.platform(), "load_average_at_start": os.getloadavg()},
                   "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        print(f"sink on 127.0.0.1:{sink.port}, database {database_url}", flush=True)
        results["queue"] = phase_queue(app, args.messages)
        print(f"queued: {results['queue']}", flush=True)
        # The baselines run on either side of the worker and are pooled: on a shared machine the load drifts, and
        # a ratio of two rates taken minutes apart would measure the drift.
        envelope_from, built, results["build"] = load_messages(app)
        results["build"]["others"] = others = phase_other_builders(app, args.naive)
        print(f"built: {results['build']['ms_per_message']:.3f} ms a message; EmailMessage "
              f"{others['email_message_ms_per_message']:.3f} ms, Flask-Mail's Message "
              f"{others['flask_mail_ms_per_message']:.3f} ms", flush=True)
        half = args.naive // 2
        limit_before = phase_limit(sink, envelope_from, built)
        naive_before = phase_naive(app, sink, built[:half])
        print(f"before: limit {limit_before['msgs_per_second']:.1f} msgs/s, naive {naive_before['msgs_per_second']:.1f}"
              " msgs/s", flush=True)
        results["worker"] = phase_worker(sink, database_url, workdir, args.messages, args.batch_size, workdir)
        results["worker"]["outbox"] = check_delivered(app, args.messages)
        print(f"delivered: {results['worker']['msgs_per_second']:.1f} msgs/s", flush=True)
        limit_after = phase_limit(sink, envelope_from, built)
        naive_after = phase_naive(app, sink, built[half:args.naive])
        results["limit"] = pooled(limit_before, limit_after)
        results["naive"] = pooled(naive_before, naive_after)
        del built
        results["profile"] = phase_profile(app, sink, args.profile)
        results["commit_cost"] = phase_commit_cost(app, 1_000)
        worker_rate = results["worker"]["msgs_per_second"]
        results["ratios"] = {"worker_to_limit": worker_rate / results["limit"]["msgs_per_second"],
                             "worker_to_naive": worker_rate / results["naive"]["msgs_per_second"]}
        results["goals"] = GOALS
        results["machine"]["load_average_at_end"] = os.getloadavg()
        results["bench_seconds"] = time.monotonic() - began
    finally:
        sink.close()
        shutil.rmtree(workdir, ignore_errors=True)
    text = report(results)
    print()
    print(text)
    print(f"\n(bench took {results['bench_seconds']:.0f} s; JSON in {os.path.relpath(RESULTS, ROOT)})")
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as out:
        json.dump(results, out, indent=2, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
