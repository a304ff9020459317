"""Weekly digest benchmark: `send_week` for 10,000 people on SQLite, its seconds and peak memory.

Run by `make bench` (never by pytest). 10,000 people in 200 organisations (one in ten English), their addresses
confirmed; 5 organisations joined this week (news for everyone), one published event with half of them invited (a
deadline coming, an invitation waiting), and one person in twenty has turned the digest off. Measured: the first run
(queues the digests), then a second run of the same week (queues nothing: idempotent), each timed, with the process's
peak resident memory (ru_maxrss) before and after, and the Python heap's peak (tracemalloc) of a first run over
BENCH_TRACED people in a fresh week (tracemalloc slows Python down, so it does not run during the timed runs).

Written to bench/results/digest.json; a short summary is printed. BENCH_PEOPLE sets the number of people (default
10,000). About two minutes on 2 cores.
"""

import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import INSTANCE, ROOT, migrate, portal_app, seed_members  # noqa: E402

RESULTS = os.path.join(ROOT, "bench", "results", "digest.json")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", 10_000))
TRACED = int(os.environ.get("BENCH_TRACED", 1_000))
ORGANISATIONS = 200


def seed(app):
    """The people, the week's news, an event half of them are invited to, and the digest turned off by some."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.db import utcnow
    from portal.events.models import Event, EventState, Invitation
    from portal.extensions import db
    from portal.mail.models import MailPreference
    from portal.organisations.models import Organisation

    _, organisation_ids, people, seconds = seed_members(app, ORGANISATIONS, PEOPLE // ORGANISATIONS,
                                                        "coordinator@bench.example")
    now = utcnow()
    with app.app_context():
        db.session.execute(sa.update(User).values(email_confirmed_at=now))
        db.session.execute(sa.update(Organisation).values(joined_at=now - timedelta(days=90)))
        db.session.execute(sa.update(Organisation).where(Organisation.id.in_(organisation_ids[:5]))
                           .values(joined_at=now - timedelta(days=2)))
        event = Event(host_organisation_id=organisation_ids[0], title_th="สัมมนาเครือข่ายประจำปี",
                      title_en="Annual network seminar", description_th="", description_en="",
                      starts_at=now + timedelta(days=10), ends_at=now + timedelta(days=10, hours=3),
                      place="ห้องประชุมใหญ่", map_url="", online_url="", rsvp_deadline=now + timedelta(days=8),
                      visibility="members", state=EventState.PUBLISHED, sequence=0, confirmed=0,
                      created_at=now - timedelta(days=1), updated_at=now)
        db.session.add(event)
        db.session.flush()
        emails = dict(db.session.execute(sa.select(User.id, User.email)).all())
        db.session.execute(sa.insert(Invitation.__table__), [{
            "event_id": event.id, "user_id": user_id, "email": emails[user_id], "name": "", "language": language,
            "status": "invited", "created_at": now} for user_id, language in people[::2]])
        db.session.execute(sa.insert(MailPreference.__table__), [{
            "address": emails[user_id], "kind": "digest", "choice": "off"} for user_id, _ in people[::20]])
        db.session.commit()
        db.session.remove()
    return seconds


def _maxrss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed_run(app, week):
    from portal.digest.services import send_week
    from portal.extensions import db

    with app.app_context():
        started = time.perf_counter()
        totals = send_week(week)
        seconds = time.perf_counter() - started
        db.session.remove()
    return {"seconds": round(seconds, 2), "sent": totals.sent, "nothing_to_say": totals.nothing_to_say,
            "opted_out": totals.opted_out, "already_sent": totals.already_sent, "maxrss_mb_after": _maxrss_mb()}


def traced_run(app, week, people):
    """The Python heap's peak while sending a fresh week's digest to the first `people` people."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.digest.services import send_week
    from portal.extensions import db

    with app.app_context():
        db.session.execute(sa.update(User).where(User.id > people + 1).values(active=False))
        db.session.commit()
        tracemalloc.start()
        totals = send_week(week)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.execute(sa.update(User).values(active=True))
        db.session.commit()
        db.session.remove()
    return {"people": totals.sent + totals.nothing_to_say + totals.opted_out, "peak_heap_mb": round(peak / 2**20, 1)}


def main():
    began = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-digest-")
    INSTANCE["path"] = os.path.join(workdir, "instance")
    os.makedirs(INSTANCE["path"], exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}, "people": PEOPLE}
    try:
        url = f"sqlite:///{workdir}/digest.db"
        migrate(url)
        app = portal_app(url)
        report["seed_seconds"] = seed(app)
        report["maxrss_mb_before"] = _maxrss_mb()
        report["first"] = timed_run(app, "2030-W01")
        report["second"] = timed_run(app, "2030-W01")
        report["traced"] = traced_run(app, "2030-W02", min(TRACED, PEOPLE))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    first, second = report["first"], report["second"]
    report["ms_per_person"] = round(first["seconds"] * 1000 / PEOPLE, 2)
    report["seconds"] = round(time.perf_counter() - began, 1)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    print(f"digest for {PEOPLE:,} people: {first['seconds']} s ({report['ms_per_person']} ms a person); sent "
          f"{first['sent']}, nothing to say {first['nothing_to_say']}, opted out {first['opted_out']}")
    print(f"same week again: {second['seconds']} s, sent {second['sent']}, sent before {second['already_sent']}")
    print(f"peak RSS {report['maxrss_mb_before']} MB before, {first['maxrss_mb_after']} MB after the first run, "
          f"{second['maxrss_mb_after']} MB after the second; Python heap peak {report['traced']['peak_heap_mb']} MB "
          f"over {report['traced']['people']} people")
    print(f"({report['seconds']} s; written to {os.path.relpath(RESULTS, ROOT)})")
    if second["sent"]:
        raise SystemExit("the second run of the same week queued digests again")


if __name__ == "__main__":
    main()
