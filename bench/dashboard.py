"""Dashboard benchmark: a coordinator's home base with 5,000 waiting items across the domains.

Run by `make bench` (never by pytest). One run, every figure against a baseline of the same run:

1. Seeding with Core inserts (the services would take minutes and measure nothing here): 1,000 applications waiting
   for review, 1,000 wide event invitations waiting for approval (on 100 events), 1,000 urgent alerts the coordinator
   has not acknowledged, 1,000 open share requests asking the coordinator's organisation, and 1,000 invitations of
   that organisation's colleagues still open: 5,000 waiting items. The same with 1 of each.
2. SQL statements of GET / as that coordinator, counted in-process at 5 and at 5,000 items: they must be equal.
3. req/s and p50/p99 of GET / under gunicorn (2 sync workers) with wrk, as ratios to bench.bare_app measured before
   and after.
4. The navigation's badges on every other page: GET /directory with the counts kept in the session (as a browser
   has them, WAITING_BADGE_SECONDS=60) against the same page counting them on every request (=0).

Written to bench/results/dashboard.json; a short table is printed. BENCH_SECONDS sets each wrk run's length
(default 5). About a minute on 2 cores.
"""

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import (  # noqa: E402
    INSTANCE,
    ROOT,
    Gunicorn,
    count_queries,
    log_in,
    logged_in_client,
    migrate,
    portal_app,
    warm_up,
    wrk,
)
from bench.web import (
    instance_env as env,
)

RESULTS = os.path.join(ROOT, "bench", "results", "dashboard.json")
PASSWORD = "bench-password-2569"
COORDINATOR = "coordinator@bench.example"
EACH_LARGE, EACH_SMALL = 1000, 1
SECONDS = int(os.environ.get("BENCH_SECONDS", 5))






def seed(app, each):
    """A coordinator who is also an admin of an organisation, and `each` waiting items of five kinds."""
    import sqlalchemy as sa

    from portal.alerts.models import Alert, Recipient
    from portal.applications.models import Application, ApplicationStatus
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.events.models import AudienceRequest, Event, EventState, RequestState
    from portal.extensions import db
    from portal.organisations.models import Membership, MembershipInvitation, Organisation, Region, Role, Sector
    from portal.shares.models import ShareRequest, ShareTarget

    now = utcnow()
    with app.app_context():
        home = Organisation(slug="home", name_th="สำนักงานประชาสัมพันธ์จังหวัด", sector=Sector.GOVERNMENT,
                           region=Region.NORTH, province="เชียงใหม่")
        poster = Organisation(slug="poster", name_th="มหาวิทยาลัยภาคเหนือ", sector=Sector.ACADEMIC,
                             region=Region.NORTH, province="เชียงใหม่")
        coordinator = User(email=COORDINATOR, name="ผู้ประสานงาน", is_admin=True,
                           password_hash=hash_password(PASSWORD), language="th")
        db.session.add_all([home, poster, coordinator,
                            Membership(user=coordinator, organisation=home, role=Role.ORG_ADMIN)])
        db.session.flush()
        connection = db.session.connection()
        connection.execute(sa.insert(Application.__table__), [{
            "status": ApplicationStatus.PENDING, "name_th": f"สมาคมผู้สมัคร {n}", "name_en": "", "sector": Sector.NGO,
            "region": Region.SOUTH, "province": "สงขลา", "website": "", "channels": "", "description": "",
            "applicant_name": "ผู้สมัคร", "applicant_email": f"applicant{n}@bench.example",
            "applicant_position": "ประธาน", "motivation": "อยากร่วมงาน", "language": "th", "nonce": f"n{n}",
            "possible_duplicates": [], "info_request": "", "applicant_reply": "", "decision_note": "",
            "created_at": now, "consented_at": now, "submitted_at": now - timedelta(minutes=n)} for n in range(each)])
        events = [{"host_organisation_id": home.id, "title_th": f"กิจกรรม {n}", "title_en": "", "description_th": "",
                   "description_en": "", "starts_at": now + timedelta(days=40), "ends_at": now + timedelta(days=40, hours=2),
                   "place": "ห้องประชุม", "map_url": "", "online_url": "", "rsvp_deadline": now + timedelta(days=39),
                   "visibility": "members", "state": EventState.PUBLISHED, "sequence": 0, "confirmed": 0,
                   "created_at": now - timedelta(days=60), "updated_at": now} for n in range(max(1, each // 10))]
        connection.execute(sa.insert(Event.__table__), events)
        event_ids = db.session.scalars(sa.select(Event.id)).all()
        connection.execute(sa.insert(AudienceRequest.__table__), [{
            "event_id": event_ids[n % len(event_ids)], "regions": ["north"], "sectors": [],
            "state": RequestState.PENDING, "note": "", "created_at": now - timedelta(hours=n)} for n in range(each)])
        connection.execute(sa.insert(Alert.__table__), [{
            "title_th": f"แจ้งเตือน {n}", "title_en": "", "message_th": "ข้อความ", "message_en": "", "regions": [],
            "sectors": [], "chosen": [], "sent_at": now - timedelta(minutes=n)} for n in range(each)])
        alert_ids = db.session.scalars(sa.select(Alert.id)).all()
        connection.execute(sa.insert(Recipient.__table__), [{
            "alert_id": alert_id, "user_id": coordinator.id, "organisation_id": home.id, "email": COORDINATOR,
            "name": "ผู้ประสานงาน", "language": "th"} for alert_id in alert_ids])
        connection.execute(sa.insert(ShareRequest.__table__), [{
            "organisation_id": poster.id, "headline_th": f"ข่าว {n}", "headline_en": "", "message_th": "ข้อความ",
            "message_en": "", "links": [], "channels": ["facebook"], "regions": [], "sectors": [], "chosen": [],
            "relevant_until": (now + timedelta(days=7)).date(), "created_at": now - timedelta(minutes=n)}
            for n in range(each)])
        share_ids = db.session.scalars(sa.select(ShareRequest.id)).all()
        connection.execute(sa.insert(ShareTarget.__table__), [{"request_id": share_id, "organisation_id": home.id}
                                                              for share_id in share_ids])
        connection.execute(sa.insert(MembershipInvitation.__table__), [{
            "email": f"colleague{n}@home.example", "organisation_id": home.id, "role": Role.MEMBER, "language": "th",
            "invited_by_id": coordinator.id, "nonce": f"nonce{n}", "created_at": now, "sent_at": now,
            "expires_at": now + timedelta(days=7), "from_approval": False} for n in range(each)])
        db.session.commit()
        db.engine.dispose()


def page_queries(app):
    from portal.extensions import db

    client = logged_in_client(app, COORDINATOR, PASSWORD)
    with app.app_context():
        engine = db.engine
    client.get("/")
    response, statements = count_queries(client, engine, "/")
    return {"queries": len(statements), "bytes": len(response.data),
            "statements": [" ".join(s.split())[:120] for s, _ in statements]}


def main():
    began = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-dashboard-")
    INSTANCE["path"] = os.path.join(workdir, "instance")
    os.makedirs(INSTANCE["path"], exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}, "waiting_items": 5 * EACH_LARGE}
    try:
        small_url, large_url = f"sqlite:///{workdir}/small.db", f"sqlite:///{workdir}/large.db"
        migrate(small_url)
        migrate(large_url)
        small_app, large_app = portal_app(small_url), portal_app(large_url)
        seed(small_app, EACH_SMALL)
        seed(large_app, EACH_LARGE)
        small, large = page_queries(small_app), page_queries(large_app)
        report["queries"] = {"at_5": small["queries"], "at_5000": large["queries"],
                             "equal": small["queries"] == large["queries"]}
        report["bytes"] = {"at_5": small["bytes"], "at_5000": large["bytes"]}
        if not report["queries"]["equal"]:
            report["statements"] = {"at_5": small["statements"], "at_5000": large["statements"]}
        settings = env(large_url)
        with Gunicorn("bench.bare_app:app", settings) as bare:
            warm_up(bare.url + "/")
            report["bare"] = wrk(bare.url + "/", SECONDS)
        with Gunicorn("wsgi:app", settings) as portal:
            cookie = log_in(portal.url, COORDINATOR, PASSWORD)
            warm_up(portal.url + "/", headers=[f"Cookie: {cookie}"])
            report["page"] = wrk(portal.url + "/", SECONDS, headers=[f"Cookie: {cookie}"])
        for name, seconds in (("other_page_badges_kept", "60"), ("other_page_badges_counted", "0")):
            with Gunicorn("wsgi:app", {**settings, "WAITING_BADGE_SECONDS": seconds}) as portal:
                cookie = log_in(portal.url, COORDINATOR, PASSWORD)  # lands on / : the counts are in the cookie
                warm_up(portal.url + "/directory", headers=[f"Cookie: {cookie}"])
                report[name] = wrk(portal.url + "/directory", SECONDS, headers=[f"Cookie: {cookie}"])
        report["other_page_badges_kept"]["ratio_to_counted"] = round(
            report["other_page_badges_kept"]["rps"] / report["other_page_badges_counted"]["rps"], 2)
        with Gunicorn("bench.bare_app:app", settings) as bare:
            warm_up(bare.url + "/")
            report["bare_after"] = wrk(bare.url + "/", SECONDS)
        report["page"]["ratio_to_bare"] = round(report["page"]["rps"] / report["bare"]["rps"], 4)
        report["page"]["ratio_to_bare_after"] = round(report["page"]["rps"] / report["bare_after"]["rps"], 4)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report["seconds"] = round(time.perf_counter() - began, 1)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    page = report["page"]
    print(f"dashboard queries: {report['queries']['at_5']} with 5 waiting items, {report['queries']['at_5000']} "
          f"with 5,000 ({'equal' if report['queries']['equal'] else 'NOT EQUAL'}); {report['bytes']['at_5000']} bytes")
    print(f"dashboard with 5,000 waiting: {page['rps']:.1f} req/s, p50 {page['p50_ms']} ms, p99 {page['p99_ms']} ms; "
          f"bare {report['bare']['rps']:.0f} / {report['bare_after']['rps']:.0f} req/s; "
          f"ratio {page['ratio_to_bare']} / {page['ratio_to_bare_after']}")
    kept, counted = report["other_page_badges_kept"], report["other_page_badges_counted"]
    print(f"/directory with the badges kept: {kept['rps']:.1f} req/s (p50 {kept['p50_ms']} ms); counted on every "
          f"page: {counted['rps']:.1f} req/s (p50 {counted['p50_ms']} ms); ratio {kept['ratio_to_counted']}")
    print(f"({report['seconds']} s; written to {os.path.relpath(RESULTS, ROOT)})")
    if not report["queries"]["equal"]:
        raise SystemExit("the dashboard's queries grow with the waiting items")


if __name__ == "__main__":
    main()
