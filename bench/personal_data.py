"""The audit log, "My data" and the retention run on a network with years of history (SQLite, in-process).

Run by `make bench` (never by pytest). 10,000 people in 200 organisations, 200,000 audit events over two years (one in
ten a sign-in, each with its organisation), 100,000 mails sent over a year, and one busy person with 2,000 events and
500 mails of their own. Measured with the test client, each figure a median of repeated requests and set against the
same run's baseline, the account page (a plain page for a logged-in person):
- the coordinator's audit log: the first page as it opens (sign-ins left out), filtered by organisation, by person
  and by a month;
- the CSV export of the whole log (200,000 rows streamed), its seconds and the process's peak memory before and after;
- the busy person's "My data" zip;
- `flask retention run` over the lot, then again (it must find nothing the second time).

Written to bench/results/personal_data.json; a short summary is printed. About two minutes on 2 cores.
"""

import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import INSTANCE, ROOT, logged_in_client, migrate, portal_app, seed_members  # noqa: E402

RESULTS = os.path.join(ROOT, "bench", "results", "personal_data.json")
EVENTS = int(os.environ.get("BENCH_EVENTS", 200_000))
MAILS = int(os.environ.get("BENCH_MAILS", 100_000))
PASSWORD = "bench-password-2569"
COORDINATOR = "coordinator@bench.example"
BUSY = "member00000@bench.example"
ACTIONS = ["organisation.updated", "membership.role_changed", "event.answered", "share.answered", "agreement.signed",
           "application.submitted", "invitation.sent", "alert.acknowledged", "account.profile_updated"]


def seed(app):
    """People, two years of audit log and a year of sent mail; the busy person's own share of both."""
    import sqlalchemy as sa

    from portal.audit.models import AuditEvent
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.extensions import db
    from portal.mail.models import OutboxMessage, OutboxStatus

    _, organisation_ids, people, _ = seed_members(app, 200, 50, COORDINATOR, password=PASSWORD)
    started = time.perf_counter()
    now = utcnow()
    with app.app_context():
        busy_id = people[0][0]
        db.session.execute(sa.update(User).where(User.id == busy_id).values(password_hash=hash_password(PASSWORD)))
        rows = []
        for n in range(EVENTS):
            actor = busy_id if n % (EVENTS // 2000) == 0 else people[n % len(people)][0]
            rows.append({"actor_id": actor, "action": "auth.login" if n % 10 == 0 else ACTIONS[n % len(ACTIONS)],
                         "target_type": "user", "target_id": actor, "details": {}, "actor_name": "",
                         "organisation_id": organisation_ids[n % len(organisation_ids)],
                         "ip": f"203.0.{n % 250}.{n % 200}",
                         "created_at": now - timedelta(minutes=(EVENTS - n) * 5)})
            if len(rows) == 20_000:
                db.session.execute(sa.insert(AuditEvent.__table__), rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(AuditEvent.__table__), rows)
        body = "เรียน คุณสมชาย\n\nลิงก์ของคุณ: https://portal.example/x?language=th\n" * 20
        emails = dict(db.session.execute(sa.select(User.id, User.email)).all())
        rows = []
        for n in range(MAILS):
            address = BUSY if n % (MAILS // 500) == 0 else emails[people[n % len(people)][0]]
            rows.append({"recipient": address, "subject": "ประกาศจากเครือข่าย", "body_text": body,
                         "body_html": f"<p>{body}</p>", "language": "th", "status": OutboxStatus.SENT,
                         "attempts": 1, "next_attempt_at": now, "created_at": now - timedelta(minutes=(MAILS - n) * 5),
                         "sent_at": now, "idempotency_key": f"bench-{n}", "priority": 0, "kind": "announcements"})
            if len(rows) == 10_000:
                db.session.execute(sa.insert(OutboxMessage.__table__), rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(OutboxMessage.__table__), rows)
        db.session.commit()
        db.session.remove()
    return round(time.perf_counter() - started, 1), organisation_ids


def median_ms(client, path, times=15):
    """The median time of `times` GETs of `path` (each must answer 200), after one to warm up."""
    assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return round(statistics.median(samples) * 1000, 1)


def _maxrss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(app, organisation_ids):
    coordinator = logged_in_client(app, COORDINATOR, PASSWORD)
    busy = logged_in_client(app, BUSY, PASSWORD)
    baseline = median_ms(coordinator, "/account")
    pages = {
        "audit log, first page": "/admin/audit",
        "audit log, one organisation": f"/admin/audit?organisation={organisation_ids[7]}",
        "audit log, one person": "/admin/audit?person=member00042",
        "audit log, one month": "/admin/audit?since=2026-01-01&until=2026-01-31&kind=all",
    }
    report = {"baseline_account_page_ms": baseline, "pages": {}}
    for name, path in pages.items():
        ms = median_ms(coordinator, path)
        report["pages"][name] = {"ms": ms, "x_baseline": round(ms / baseline, 2)}

    before = _maxrss_mb()
    started = time.perf_counter()
    response = coordinator.get("/admin/audit.csv?kind=all")
    size = sum(len(piece) for piece in response.response)
    seconds = time.perf_counter() - started
    report["csv_export"] = {"rows": EVENTS, "seconds": round(seconds, 2), "mb": round(size / 2**20, 1),
                            "rows_per_second": round(EVENTS / seconds), "maxrss_mb_before": before,
                            "maxrss_mb_after": _maxrss_mb()}

    ms = median_ms(busy, "/account/my-data", times=5)
    zip_size = len(busy.get("/account/my-data").get_data())
    report["my_data"] = {"ms": ms, "x_baseline": round(ms / baseline, 2), "zip_kb": round(zip_size / 1024)}
    return report


def retention(app):
    from portal.extensions import db
    from portal.privacy import retention as runner

    runs = []
    with app.app_context():
        for _ in range(2):
            started = time.perf_counter()
            totals = runner.run()
            db.session.commit()
            runs.append({"seconds": round(time.perf_counter() - started, 2), "mail_bodies": totals.mail_bodies,
                         "audit_ips": totals.audit_ips, "applications": totals.applications})
        db.session.remove()
    return runs


def main():
    began = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-personal-data-")
    INSTANCE["path"] = os.path.join(workdir, "instance")
    os.makedirs(INSTANCE["path"], exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}, "events": EVENTS, "mails": MAILS}
    try:
        url = f"sqlite:///{workdir}/personal.db"
        migrate(url)
        app = portal_app(url)
        report["seed_seconds"], organisation_ids = seed(app)
        report.update(measure(app, organisation_ids))
        report["retention"] = retention(app)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report["seconds"] = round(time.perf_counter() - began, 1)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    print(f"baseline (the account page): {report['baseline_account_page_ms']} ms")
    for name, figures in report["pages"].items():
        print(f"{name} ({EVENTS:,} events): {figures['ms']} ms, x{figures['x_baseline']} the baseline")
    export = report["csv_export"]
    print(f"CSV of the whole log: {export['seconds']} s for {export['rows']:,} rows ({export['rows_per_second']:,} a "
          f"second, {export['mb']} MB); peak RSS {export['maxrss_mb_before']} -> {export['maxrss_mb_after']} MB")
    mine = report["my_data"]
    print(f"My data zip of the busy person: {mine['ms']} ms, x{mine['x_baseline']} the baseline, {mine['zip_kb']} KB")
    first, second = report["retention"]
    print(f"retention run: {first['seconds']} s (mail bodies {first['mail_bodies']:,}, audit IPs "
          f"{first['audit_ips']:,}); again: {second['seconds']} s, changed {second['mail_bodies'] + second['audit_ips']}")
    print(f"({report['seconds']} s; written to {os.path.relpath(RESULTS, ROOT)})")
    if second["mail_bodies"] or second["audit_ips"]:
        sys.exit("the second retention run changed rows: it is not idempotent")


if __name__ == "__main__":
    main()
