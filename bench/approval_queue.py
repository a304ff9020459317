"""Approval-queue benchmark: the coordinators' queue page with 5,000 pending applications.

Run by `make bench` (never by pytest). One run: a migrated SQLite database with 5,000 confirmed applications and a
coordinator, the portal under gunicorn (2 sync workers, production settings) and, as the baseline, a bare Flask
endpoint under the same gunicorn; wrk measures both. Reported: queries per request for the page and its htmx
fragment (counted in-process, at 50 and at 5,000 applications), req/s of each as a ratio to the bare endpoint,
p50/p99 latency and the page size. Written to bench/results/queue.json.
"""

import json
import os
import sys
import tempfile
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import ROOT, Gunicorn, log_in, migrate, portal_env, wrk  # noqa: E402

RESULTS = os.path.join(ROOT, "bench", "results", "approval_queue.json")
COORDINATOR, PASSWORD = "coordinator@bench.example", "bench-password-2569"
PROVINCES = ["เชียงใหม่", "ขอนแก่น", "ชลบุรี", "สงขลา", "กาญจนบุรี", "กรุงเทพมหานคร"]


def seed(database_url, count):
    """Add a coordinator and `count` pending applications (one INSERT), oldest first."""
    os.environ.update(portal_env(database_url))
    from portal import create_app
    from portal.applications.models import Application
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        db.session.add(User(email=COORDINATOR, name="ผู้ประสานงาน", is_admin=True,
                            password_hash=hash_password(PASSWORD)))
        now = utcnow()
        regions = ["bangkok_central", "north", "northeast", "east", "west", "south"]
        sectors = ["government", "state_enterprise", "private", "academic", "ngo", "media"]
        db.session.execute(Application.__table__.insert(), [{
            "status": "pending", "name_th": f"องค์กรผู้สมัครลำดับที่ {n}", "name_en": f"Applicant Organisation {n}",
            "sector": sectors[n % 6], "region": regions[n % 6], "province": PROVINCES[n % 6], "website": "",
            "channels": "", "description": "ประชาสัมพันธ์ข่าวสารขององค์กร", "applicant_name": f"ผู้สมัคร {n}",
            "applicant_email": f"applicant{n}@bench.example", "applicant_position": "นักประชาสัมพันธ์",
            "motivation": "อยากร่วมเครือข่าย", "language": "th", "nonce": f"n{n}", "possible_duplicates": [],
            "info_request": "", "applicant_reply": "", "decision_note": "", "created_at": now, "consented_at": now,
            "updated_at": now, "submitted_at": now - timedelta(minutes=count - n)} for n in range(count)])
        db.session.commit()
    return app


def queries_per_request(app, paths):
    """Count SQL statements per request for each path, in-process, logged in as the coordinator."""
    import re

    import sqlalchemy as sa

    from portal.extensions import db

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": COORDINATOR, "password": PASSWORD, "csrf_token": token})
    counts = {}
    with app.app_context():
        engine = db.engine
    for name, (path, headers) in paths.items():
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        response = client.get(path, headers=headers)
        sa.event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = {"queries": len(statements), "bytes": len(response.data)}
    return counts


def main():
    workdir = tempfile.mkdtemp(prefix="bench-queue-")
    database_url = f"sqlite:///{workdir}/portal.db"
    migrate(database_url)
    paths = {"page": ("/admin/applications", {}),
             "fragment": ("/admin/applications?region=north", {"HX-Request": "true"})}
    small_url = f"sqlite:///{workdir}/small.db"
    migrate(small_url)
    small = queries_per_request(seed(small_url, 50), paths)
    app = seed(database_url, 5000)
    large = queries_per_request(app, paths)
    env = portal_env(database_url)
    report = {"applications": 5000, "queries": {k: {"at_50": small[k]["queries"], "at_5000": large[k]["queries"]}
                                                for k in paths},
              "bytes": {k: large[k]["bytes"] for k in paths}}
    with Gunicorn("bench.bare_app:app", env) as bare:
        report["bare"] = wrk(bare.url + "/")
    with Gunicorn("wsgi:app", env) as portal:
        cookie = log_in(portal.url, COORDINATOR, PASSWORD)
        for name, (path, headers) in paths.items():
            extra = [f"Cookie: {cookie}", *(f"{k}: {v}" for k, v in headers.items())]
            report[name] = wrk(portal.url + path, headers=extra)
            report[name]["ratio_to_bare"] = round(report[name]["rps"] / report["bare"]["rps"], 3)
    with Gunicorn("bench.bare_app:app", env) as bare:  # again: the machine's load may have changed meanwhile
        again = wrk(bare.url + "/")
    report["bare_after"] = again
    for name in paths:
        report[name]["ratio_to_bare_after"] = round(report[name]["rps"] / again["rps"], 3)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    print("Approval queue, 5,000 pending applications (SQLite, gunicorn 2 sync workers, wrk 4 connections)")
    for name in paths:
        q = report["queries"][name]
        r = report[name]
        print(f"  {name:9} {r['rps']:8.0f} req/s  x{r['ratio_to_bare']:.3f} / x{r['ratio_to_bare_after']:.3f} of bare"
              f"  p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms  {report['bytes'][name]:,} B"
              f"  queries {q['at_50']} at 50, {q['at_5000']} at 5,000")
    print(f"  bare      {report['bare']['rps']:8.0f} req/s (before), {again['rps']:.0f} req/s (after)")


if __name__ == "__main__":
    main()
