"""Share requests benchmark: the tally page of a request sent to 500 organisations.

Run by `make bench` (never by pytest). One run, every figure against a baseline of the same run:

1. Seeding through the services: a poster organisation and 500 member organisations, each with its admin; the
   poster's admin posts a request to every organisation (`services.post_request`, which fixes the 500 targets and
   mails their admins: timed, as the seconds the poster waits); 400 organisations answer (300 "we will share", 100
   "we can't") and 250 of them report a link. The same with 5 organisations (4 answers, 2 reports).
2. SQL statements of the request's page (/shares/<id>, as the poster's admin: the page with its tally) counted
   in-process at 5 and at 500: they must be equal.
3. req/s and p50/p99 of that page under gunicorn (2 sync workers) with wrk, as ratios to bench.bare_app measured
   before and after.

Written to bench/results/shares.json; a short table is printed. BENCH_SECONDS sets each wrk run's length (default 5).
About a minute on 2 cores.
"""

import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import (  # noqa: E402
    INSTANCE,
    REGIONS,
    ROOT,
    SECTORS,
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

RESULTS = os.path.join(ROOT, "bench", "results", "shares.json")
PASSWORD = "bench-password-2569"
POSTER = "poster@bench.example"
LARGE, SMALL = (500, 300, 100, 250), (5, 2, 2, 2)  # organisations, will share, can't, reported a link
SECONDS = int(os.environ.get("BENCH_SECONDS", 5))






def seed(app, sizes, tag):
    """The poster, the organisations asked and their answers; return the request's id and the seconds it took to
    post."""
    from datetime import timedelta

    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.extensions import db
    from portal.organisations.models import Channel, Membership, Organisation, Region, Role, Sector
    from portal.shares import services
    from portal.shares.models import ShareReply

    count, will, cannot, reported = sizes
    with app.app_context():
        hashed = hash_password(PASSWORD)

        def organisation(slug, n):
            return Organisation(slug=slug, name_th=f"องค์กรสมาชิกเครือข่ายลำดับที่ {n}",
                                name_en=f"Network Member Organisation {n}", sector=Sector(SECTORS[n % 6]),
                                region=Region(REGIONS[n % 6][0]), province=REGIONS[n % 6][1])

        home = organisation(f"{tag}-poster", 0)
        poster = User(email=POSTER, name="ผู้ขอความร่วมมือ", password_hash=hashed, language="th")
        db.session.add_all([home, poster, Membership(user=poster, organisation=home, role=Role.ORG_ADMIN)])
        asked = []
        for n in range(1, count + 1):
            target = organisation(f"{tag}-{n}", n)
            admin = User(email=f"{tag}-admin{n}@bench.example", name=f"แอดมิน องค์กรที่ {n}",
                         language="en" if n % 5 == 0 else "th")
            db.session.add_all([target, admin, Membership(user=admin, organisation=target, role=Role.ORG_ADMIN)])
            asked.append((target, admin))
        db.session.commit()
        started = time.perf_counter()
        share = services.post_request(home, poster, {
            "headline_th": "ขอความร่วมมือเผยแพร่ข่าวงานวันประชาสัมพันธ์แห่งชาติ", "headline_en": "National PR Day",
            "message_th": "ขอความร่วมมือเผยแพร่ข่าวนี้ผ่านช่องทางขององค์กรท่าน", "message_en": "Please share this news",
            "links": ["https://poster.example/news/1"], "channels": ["facebook", "website", "line"],
            "regions": [], "sectors": [], "chosen": [], "relevant_until": services.today() + timedelta(days=7)})
        db.session.commit()
        posted = time.perf_counter() - started
        for n, (target, admin) in enumerate(asked[:will + cannot]):
            services.answer(share, target, ShareReply.WILL_SHARE if n < will else ShareReply.CANNOT, admin)
            if n < reported:
                services.report(share, target, Channel.FACEBOOK, admin,
                                url=f"https://facebook.com/{tag}-{n}/posts/{1000 + n}")
        db.session.commit()
        share_id = share.id
        db.engine.dispose()
    return share_id, posted


def page_queries(app, share_id):
    from portal.extensions import db

    client = logged_in_client(app, POSTER, PASSWORD)
    with app.app_context():
        engine = db.engine
    path = f"/shares/{share_id}"
    client.get(path)
    response, statements = count_queries(client, engine, path)
    return {"queries": len(statements), "bytes": len(response.data),
            "statements": [" ".join(s.split())[:120] for s, _ in statements]}


def main():
    began = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-shares-")
    INSTANCE["path"] = os.path.join(workdir, "instance")
    os.makedirs(INSTANCE["path"], exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}}
    try:
        small_url, large_url = f"sqlite:///{workdir}/small.db", f"sqlite:///{workdir}/large.db"
        migrate(small_url)
        migrate(large_url)
        small_app, large_app = portal_app(small_url), portal_app(large_url)
        small_id, small_post = seed(small_app, SMALL, "small")
        large_id, large_post = seed(large_app, LARGE, "large")
        small, large = page_queries(small_app, small_id), page_queries(large_app, large_id)
        report["post_seconds"] = {"at_5": round(small_post, 3), "at_500": round(large_post, 3)}
        report["queries"] = {"at_5": small["queries"], "at_500": large["queries"],
                             "equal": small["queries"] == large["queries"]}
        report["bytes"] = {"at_5": small["bytes"], "at_500": large["bytes"]}
        if not report["queries"]["equal"]:
            report["statements"] = {"at_5": small["statements"], "at_500": large["statements"]}
        settings = env(large_url)
        path = f"/shares/{large_id}"
        with Gunicorn("bench.bare_app:app", settings) as bare:
            warm_up(bare.url + "/")
            report["bare"] = wrk(bare.url + "/", SECONDS)
        with Gunicorn("wsgi:app", settings) as portal:
            cookie = log_in(portal.url, POSTER, PASSWORD)
            warm_up(portal.url + path, headers=[f"Cookie: {cookie}"])
            report["page"] = wrk(portal.url + path, SECONDS, headers=[f"Cookie: {cookie}"])
        with Gunicorn("bench.bare_app:app", settings) as bare:  # again: the machine's load may have changed
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
    print(f"post to 500 organisations: {report['post_seconds']['at_500']} s (5: {report['post_seconds']['at_5']} s)")
    print(f"tally page queries: {report['queries']['at_5']} at 5, {report['queries']['at_500']} at 500 "
          f"({'equal' if report['queries']['equal'] else 'NOT EQUAL'}); {report['bytes']['at_500']} bytes at 500")
    print(f"tally page at 500: {page['rps']:.1f} req/s, p50 {page['p50_ms']} ms, p99 {page['p99_ms']} ms; "
          f"bare {report['bare']['rps']:.0f} / {report['bare_after']['rps']:.0f} req/s; "
          f"ratio {page['ratio_to_bare']} / {page['ratio_to_bare_after']}")
    print(f"({report['seconds']} s; written to {os.path.relpath(RESULTS, ROOT)})")
    if not report["queries"]["equal"]:
        raise SystemExit("the tally page's queries grow with the organisations asked")


if __name__ == "__main__":
    main()
