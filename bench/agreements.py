"""Agreements benchmark: a charter's status page with 500 parties, certificate PDFs, and 20 signatories at once.

Run by `make bench` (never by pytest). One run, every figure against a baseline of the same run:

1. Status page at scale. A charter published through the services (drafts.start/save_draft/publish) to 500 active
   member organisations, each with its own authorised signatory; 400 of them sign through signing.answer in one
   loop, committed once (the seeding is timed). SQL statements per request of the version page
   (/agreements/<id>/versions/1, as a coordinator) counted in-process with a before_cursor_execute listener at 5
   parties (4 signed) and at 500 (400 signed): they must be equal. Then req/s and p50/p99 of the page under gunicorn
   (2 sync workers, bench.web.portal_env) with wrk, as ratios to bench.bare_app measured before and after.
   The time of each signing.answer is kept too: it grows with the number of parties (status is read twice per answer).
2. Certificate PDF. The 5-party charter and the 500-party one completed (the last 1 and 100 sign, each committed on
   its own; the completing one, which issues the certificate and mails every party, timed apart); over HTTP, the
   first download of certificate.pdf (made, sealed and stored) against the second (read back from the database):
   seconds, bytes, the ratio first/second, the second byte-identical; then two first downloads in English at the same
   moment (both workers; gunicorn's default 30 s timeout applies, as under portal/gunicorn_conf.py, and worker
   timeouts are counted) and two more; after them exactly one agreement_certificate_pdf row per language must remain.
   The small certificate is also made in-process twice, the second timed (a worker's first also imports WeasyPrint
   and pyHanko).
3. 20 signatories at once. A cooperation agreement of 20 organisations, each with its own signatory; 20 threads log in
   over HTTP to gunicorn (2 sync workers), read the signing page (CSRF token), meet at a barrier and POST the signing
   form at the same moment. Checked afterwards: 20 answers, one per party; one certificate; the signing record's hash
   chain intact (record.verify_chain). Wall time and p50/max latency per signer, against the same 20 signing another
   such agreement one after the other. The password (argon2id at its production cost) is checked on every POST and
   dominates: its in-process cost is measured and reported beside. SQLite first; failed signers (status codes, and
   "database unavailable" lines in the server's log) are reported, not retried. The same runs on PostgreSQL when
   TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) answers, in a throwaway database
   bench_agreements_<random>, dropped afterwards.

Written to bench/results/agreements.json; a short table is printed. The run's databases, servers' logs and instance
folder (where the development seal's key is made) live in a temporary folder, removed at the end. BENCH_SECONDS sets
each wrk run's length (default 6). About 3 to 4 minutes on 2 cores.
"""

import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import (  # noqa: E402
    INSTANCE,
    REGIONS,
    ROOT,
    SECTORS,
    USER_AGENT,
    Browser,
    Gunicorn,
    LoggedGunicorn,
    count_queries,
    log_in,
    logged_in_client,
    migrate,
    on_throwaway_postgres,
    portal_app,
    tally,
    warm_up,
    wrk,
)
from bench.web import (
    instance_env as env,
)

RESULTS = os.path.join(ROOT, "bench", "results", "agreements.json")
COORDINATOR, COORDINATOR_EN = "coordinator@bench.example", "coordinator-en@bench.example"
PASSWORD = "bench-password-2569"
PARTIES, SIGNED = 500, 400
SMALL_PARTIES, SMALL_SIGNED = 5, 4
SIGNERS = 20
SECONDS = int(os.environ.get("BENCH_SECONDS", 6))
CONSENT = "ข้าพเจ้าได้อ่านข้อตกลงฉบับนี้ครบถ้วนและลงนามในนามขององค์กร ในฐานะผู้มีอำนาจลงนาม"
CHARTER_TH = "\n\n".join(["# กฎบัตรเครือข่ายประชาสัมพันธ์", "สมาชิกเครือข่ายตกลงร่วมกันดังต่อไปนี้"] + [
    f"## ข้อ {n}\n\nสมาชิกจะ**แบ่งปันข่าวสาร**ที่ถูกต้องและทันเวลา ช่วยเหลือกันในยามวิกฤต และเคารพข้อมูลส่วนบุคคล"
    f"\n\n- ประสานงานผ่านผู้ประสานงานเครือข่าย\n- แจ้งการเปลี่ยนแปลงผู้ติดต่อภายใน 30 วัน" for n in range(1, 11)])
CHARTER_EN = "\n\n".join(["# Charter of the PR network", "The members of the network agree as follows."] + [
    f"## Article {n}\n\nMembers **share** accurate and timely news, help one another in a crisis and respect personal "
    f"data.\n\n- Coordinate through the network's coordinators\n- Report a change of contact within 30 days"
    for n in range(1, 11)])


# Seeding, in-process, through the portal's services





def add_organisations(prefix, count, password_hash):
    """`count` active organisations, each with its own person, an admin and authorised signatory."""
    from portal.auth.models import User
    from portal.extensions import db
    from portal.organisations.models import Membership, Organisation, Region, Role, Sector

    people = []
    for n in range(count):
        region, province = REGIONS[n % len(REGIONS)]
        organisation = Organisation(slug=f"{prefix}-{n}", name_th=f"องค์กรสมาชิกเครือข่ายลำดับที่ {n + 1}",
                                    name_en=f"Network Member Organisation {n + 1}", sector=Sector(SECTORS[n % 6]),
                                    region=Region(region), province=province)
        person = User(email=f"{prefix}-signatory{n}@bench.example", name=f"ผู้ลงนาม องค์กรที่ {n + 1}",
                      password_hash=password_hash, language="th")
        db.session.add_all([organisation, person, Membership(user=person, organisation=organisation,
                                                             role=Role.ORG_ADMIN, position="ผู้อำนวยการ",
                                                             is_signatory=True)])
        people.append((organisation, person))
    db.session.flush()
    return people


def draft_values(title_th, title_en):
    return {"title_th": title_th, "title_en": title_en, "body_th": CHARTER_TH, "body_en": CHARTER_EN,
            "signing_deadline": date.today() + timedelta(days=30), "valid_from": date.today(), "valid_until": None,
            "sequential": False}


def sign_for(version, pairs):
    """Each (organisation, person) signs `version` through signing.answer (the caller commits); return the seconds of
    each signature."""
    from portal.agreements import signing
    from portal.agreements.models import Answer

    seconds = []
    for organisation, person in pairs:
        started = time.perf_counter()
        signing.answer(version, organisation, person, Answer.SIGNED, typed_name=person.name,
                       typed_position="ผู้อำนวยการ", consent_text=CONSENT, language="th",
                       shown_sha256=version.text_sha256, ip="192.0.2.1", user_agent=USER_AGENT)
        seconds.append(time.perf_counter() - started)
    return seconds


def seed_charter(app, parties, signed):
    """Coordinators (th, en), `parties` organisations with their signatories, a charter published to all of them and
    `signed` of them signed. Return the agreement's id and the seconds of each step."""
    from portal.agreements import drafts
    from portal.agreements.models import AgreementKind
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.extensions import db

    seconds = {}
    with app.app_context():
        started = time.perf_counter()
        password_hash = hash_password(PASSWORD)  # one hash for everyone: 500 argon2 runs would only cost time
        coordinator = User(email=COORDINATOR, name="ผู้ประสานงาน", is_admin=True, password_hash=password_hash)
        db.session.add_all([coordinator, User(email=COORDINATOR_EN, name="Coordinator", is_admin=True,
                                              password_hash=password_hash, language="en")])
        people = add_organisations("party", parties, password_hash)
        db.session.commit()
        seconds["organisations"] = time.perf_counter() - started
        started = time.perf_counter()
        agreement = drafts.start(AgreementKind.CHARTER, by=coordinator)
        drafts.save_draft(agreement, draft_values("กฎบัตรเครือข่ายประชาสัมพันธ์", "Charter of the PR network"),
                          by=coordinator)
        version = drafts.publish(agreement, by=coordinator)
        db.session.commit()
        seconds["publish"] = time.perf_counter() - started
        started = time.perf_counter()
        each = sign_for(version, people[:signed])
        db.session.commit()
        seconds["signatures"] = time.perf_counter() - started
        seconds = {k: round(v, 3) for k, v in seconds.items()} | {"total": round(sum(seconds.values()), 3)}
        seconds["signature_median_ms"] = round(statistics.median(each) * 1000, 1)
        seconds["signature_first_10_ms"] = round(statistics.median(each[:10]) * 1000, 1)
        seconds["signature_last_10_ms"] = round(statistics.median(each[-10:]) * 1000, 1)
        return agreement.id, seconds


def complete(app, agreement_id):
    """Every party that has not answered signs, each in its own transaction as in the portal; return what it took
    (the last signature issues the certificate and mails every party)."""
    from portal.agreements import signing
    from portal.agreements.models import AgreementVersion
    from portal.extensions import db
    from portal.organisations.models import Membership

    with app.app_context():
        started = time.perf_counter()
        version = db.session.scalar(db.select(AgreementVersion).where(AgreementVersion.agreement_id == agreement_id,
                                                                      AgreementVersion.number == 1))
        waiting = [row.organisation for row in signing.status(version).waiting]
        people = {m.organisation_id: m.user for m in db.session.scalars(db.select(Membership).where(
            Membership.organisation_id.in_([o.id for o in waiting]), Membership.is_signatory))}
        each = []
        for organisation in waiting:
            each += sign_for(version, [(organisation, people[organisation.id])])
            begun = time.perf_counter()
            db.session.commit()
            each[-1] += time.perf_counter() - begun
        return {"completed_by_s": round(time.perf_counter() - started, 3), "last_signatures": len(waiting),
                "signature_median_ms": round(statistics.median(each) * 1000, 1),
                "completing_signature_ms": round(each[-1] * 1000, 1)}


def version_queries(app, agreement_id):
    """SQL statements and bytes of the version page, in-process, as a coordinator (after one request to warm up)."""
    from portal.extensions import db

    client = logged_in_client(app, COORDINATOR, PASSWORD)
    with app.app_context():
        engine = db.engine
    path = f"/agreements/{agreement_id}/versions/1"
    client.get(path)
    response, statements = count_queries(client, engine, path)
    return {"queries": len(statements), "bytes": len(response.data),
            "statements": [" ".join(s.split())[:120] for s, _ in statements]}


def password_check_ms(app):
    """The in-process time of one verify_password at the configured (production) argon2 cost: median of 7."""
    from portal.auth.passwords import hash_password, verify_password

    with app.app_context():
        stored = hash_password(PASSWORD)
        times = []
        for _ in range(7):
            started = time.perf_counter()
            verify_password(stored, PASSWORD)
            times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


# HTTP

def download(url, cookie):
    """GET a certificate: (seconds, bytes) or (seconds, the error)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            return time.perf_counter() - started, response.read()
    except (urllib.error.URLError, OSError) as error:
        return time.perf_counter() - started, error


def at_once(*actions):
    """Run the actions in threads released together by a barrier; their results in order."""
    barrier, results = threading.Barrier(len(actions)), [None] * len(actions)

    def run(n, action):
        barrier.wait()
        results[n] = action()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# 1. The status page

def status_page(workdir):
    small_url, large_url = f"sqlite:///{workdir}/small.db", f"sqlite:///{workdir}/charter.db"
    migrate(small_url)
    migrate(large_url)
    small_app = portal_app(small_url)
    small_id, small_seconds = seed_charter(small_app, SMALL_PARTIES, SMALL_SIGNED)
    large_app = portal_app(large_url)
    large_id, seconds = seed_charter(large_app, PARTIES, SIGNED)
    small, large = version_queries(small_app, small_id), version_queries(large_app, large_id)
    report = {"parties": PARTIES, "signed": SIGNED, "seeding_s": seconds,
              "seeding_small_s": small_seconds,
              "queries": {"at_5": small["queries"], "at_500": large["queries"],
                          "equal": small["queries"] == large["queries"]},
              "bytes": {"at_5": small["bytes"], "at_500": large["bytes"]}}
    if small["queries"] != large["queries"]:
        report["statements"] = {"at_5": small["statements"], "at_500": large["statements"]}
    settings = env(large_url)
    path = f"/agreements/{large_id}/versions/1"
    with Gunicorn("bench.bare_app:app", settings) as bare:
        warm_up(bare.url + "/")
        report["bare"] = wrk(bare.url + "/", SECONDS)
    with LoggedGunicorn("wsgi:app", settings, f"{workdir}/status-gunicorn.log") as portal:
        cookie = log_in(portal.url, COORDINATOR, PASSWORD)
        warm_up(portal.url + path, headers=[f"Cookie: {cookie}"])
        report["page"] = wrk(portal.url + path, SECONDS, headers=[f"Cookie: {cookie}"])
    with Gunicorn("bench.bare_app:app", settings) as bare:  # again: the machine's load may have changed meanwhile
        warm_up(bare.url + "/")
        report["bare_after"] = wrk(bare.url + "/", SECONDS)
    report["page"]["ratio_to_bare"] = round(report["page"]["rps"] / report["bare"]["rps"], 4)
    report["page"]["ratio_to_bare_after"] = round(report["page"]["rps"] / report["bare_after"]["rps"], 4)
    return report, {"small": (small_app, small_url, small_id), "large": (large_app, large_url, large_id)}


# 2. Certificate PDFs

def certificate_pdfs(workdir, app, database_url, agreement_id, label):
    from portal.agreements import certificates
    from portal.agreements.models import AgreementVersion, Certificate, CertificatePdf
    from portal.extensions import db

    report = complete(app, agreement_id)
    path = f"/agreements/{agreement_id}/versions/1/certificate.pdf"
    with LoggedGunicorn("wsgi:app", env(database_url), f"{workdir}/pdf-{label}-gunicorn.log") as portal:
        th, en = log_in(portal.url, COORDINATOR, PASSWORD), log_in(portal.url, COORDINATOR_EN, PASSWORD)
        for _ in range(4):  # both workers past their first request (the downloads then measure the PDF alone)
            download(portal.url + f"/agreements/{agreement_id}/versions/1", th)
        got = {name: download(portal.url + path, th) for name in ("first", "second", "third")}
        got["en_at_once_1"], got["en_at_once_2"] = at_once(lambda: download(portal.url + path, en),
                                                            lambda: download(portal.url + path, en))
        got["en_after"] = download(portal.url + path, en)
        got["en_again"] = download(portal.url + path, en)
        log = portal.log_text()
    report["seconds"] = {name: round(seconds, 4) for name, (seconds, _) in got.items()}
    report["errors"] = {name: str(body) for name, (_, body) in got.items() if not isinstance(body, bytes)}
    report["worker_timeouts"] = log.count("WORKER TIMEOUT")
    if report["errors"]:
        report["server_log_errors"] = [line for line in log.splitlines() if "[ERROR]" in line or "[CRITICAL]" in line
                                       or line.startswith("SystemExit")][:20]
    body = {name: content for name, (_, content) in got.items() if isinstance(content, bytes)}
    first, en_bodies = body.get("first"), [body[n] for n in ("en_at_once_1", "en_at_once_2", "en_after", "en_again")
                                           if n in body]
    if first is not None and "second" in body:
        report.update({"first_to_second": round(got["first"][0] / got["second"][0], 1), "bytes": len(first),
                       "pdf": first[:5] == b"%PDF-", "second_identical": body["second"] == first,
                       "third_identical": body.get("third") == first})
    if en_bodies:
        report.update({"en_bytes": len(en_bodies[-1]), "en_identical": all(b == en_bodies[-1] for b in en_bodies)})
    with app.app_context():
        rows = db.session.execute(
            db.select(CertificatePdf.language, db.func.count()).join(Certificate)
            .join(AgreementVersion, AgreementVersion.id == Certificate.version_id)
            .where(AgreementVersion.agreement_id == agreement_id).group_by(CertificatePdf.language)).all()
        report["pdf_rows"] = {language: count for language, count in rows}
        report["one_row_per_language"] = report["pdf_rows"] == {"th": 1, "en": 1}
    with app.test_request_context():
        if first is not None:
            report["verify_upload"] = certificates.verify_pdf(first).outcome
        if label == "small":
            # What making one costs in a warm process (a worker's first certificate also imports WeasyPrint and
            # pyHanko, about a second each): made twice here, the second timed.
            certificate = db.session.scalar(db.select(Certificate).join(AgreementVersion, AgreementVersion.id ==
                                                                       Certificate.version_id)
                                            .where(AgreementVersion.agreement_id == agreement_id))
            for _ in range(2):
                started = time.perf_counter()
                certificates.seal(certificates.render_pdf(certificates.data(certificate, "th")))
                report["make_in_process_s"] = round(time.perf_counter() - started, 3)
    return report


# 3. Signatories at the same moment

def seed_signers(app):
    """SIGNERS organisations, each with its own signatory, and two cooperation agreements between all of them (one
    to sign at the same moment, one in turn). Return {label: (agreement id, text hash)} and [(email, org id)]."""
    from portal.agreements import drafts
    from portal.agreements.models import AgreementKind
    from portal.auth.passwords import hash_password
    from portal.extensions import db

    with app.app_context():
        people = add_organisations("signer", SIGNERS, hash_password(PASSWORD))
        author, by = people[0]
        agreements = {}
        for label in ("at_once", "in_turn"):
            agreement = drafts.start(AgreementKind.COOPERATION, by=by, organisation=author)
            drafts.save_draft(agreement, draft_values(f"ข้อตกลงความร่วมมือ {SIGNERS} องค์กร ({label})",
                                                      f"Cooperation of {SIGNERS} organisations ({label})"),
                              [o.id for o, _ in people[1:]], by=by)
            version = drafts.publish(agreement, by=by)
            agreements[label] = (agreement.id, version.text_sha256)
        db.session.commit()
        return agreements, [(person.email, organisation.id) for organisation, person in people]


def sign_form(organisation_id, text_sha256, token, n):
    return {"csrf_token": token, "organisation": organisation_id, "typed_name": f"ผู้ลงนาม องค์กรที่ {n + 1}",
            "typed_position": "ผู้อำนวยการ", "consent": "y", "password": PASSWORD, "text_sha256": text_sha256}


def signing_check(app, agreement_id, organisation_ids):
    """What the database holds for the agreement's version 1 after the signing."""
    from portal.agreements import record
    from portal.agreements.models import AgreementEvent, AgreementVersion, Certificate, EventKind, PartyAnswer
    from portal.extensions import db

    with app.app_context():
        version_id = db.session.scalar(db.select(AgreementVersion.id).where(
            AgreementVersion.agreement_id == agreement_id, AgreementVersion.number == 1))
        answers = db.session.execute(db.select(PartyAnswer.organisation_id, db.func.count())
                                     .where(PartyAnswer.version_id == version_id)
                                     .group_by(PartyAnswer.organisation_id)).all()
        events = dict(db.session.execute(db.select(AgreementEvent.kind, db.func.count())
                                         .where(AgreementEvent.agreement_id == agreement_id)
                                         .group_by(AgreementEvent.kind)).all())
        broken = record.verify_chain(agreement_id)
        return {"answers": sum(count for _, count in answers),
                "each_party_once": sorted(o for o, c in answers if c == 1) == sorted(organisation_ids),
                "signed": sorted(o for o, _ in answers),
                "certificates": db.session.scalar(db.select(db.func.count()).select_from(Certificate)
                                                  .where(Certificate.version_id == version_id)),
                "signed_events": events.get(EventKind.SIGNED, 0), "completed_events": events.get(EventKind.COMPLETED, 0),
                "chain_intact": broken is None, "chain_break": None if broken is None else vars(broken)}


def signers(workdir, database_url, label):
    """The 20 signatories against gunicorn on `database_url` (migrated here): at once, then in turn."""
    migrate(database_url)
    app = portal_app(database_url)
    agreements, people = seed_signers(app)
    organisation_ids = [o for _, o in people]
    report = {"signers": SIGNERS}
    with LoggedGunicorn("wsgi:app", env(database_url), f"{workdir}/signers-{label}-gunicorn.log") as portal:
        browsers = [Browser(portal.url) for _ in people]
        at_once_id, at_once_sha = agreements["at_once"]
        sign_path = f"/agreements/{at_once_id}/versions/1/sign"
        barrier = threading.Barrier(SIGNERS, timeout=300)
        results = [None] * SIGNERS

        def signer(n):
            browser, (email, organisation_id) = browsers[n], people[n]
            result = results[n] = {}
            try:
                started = time.perf_counter()
                browser.log_in(email, PASSWORD)
                token = browser.token(sign_path)
                result["prepare_s"] = time.perf_counter() - started
            except Exception as error:  # noqa: BLE001  (reported)
                result["prepare_error"] = str(error)
                token = None
            barrier.wait()
            if token is None:
                return
            result["start"] = time.perf_counter()
            result["status"], _ = browser.open(sign_path, sign_form(organisation_id, at_once_sha, token, n))
            result["end"] = time.perf_counter()

        threads = [threading.Thread(target=signer, args=(n,)) for n in range(SIGNERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        posted = [r for r in results if "status" in r]
        latencies = sorted(r["end"] - r["start"] for r in posted)
        report["at_once"] = {
            "prepare_errors": [r["prepare_error"] for r in results if "prepare_error" in r],
            "prepare_max_s": round(max((r.get("prepare_s", 0) for r in results), default=0), 3),
            "statuses": tally(r["status"] for r in posted),
            "wall_s": round(max(r["end"] for r in posted) - min(r["start"] for r in posted), 3) if posted else None,
            "p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "max_s": round(latencies[-1], 3) if latencies else None}
        report["at_once"].update(signing_check(app, at_once_id, organisation_ids))
        signed = report["at_once"].pop("signed")
        report["at_once"]["failed_signers"] = [n for n, (_, o) in enumerate(people) if o not in signed]

        in_turn_id, in_turn_sha = agreements["in_turn"]
        sign_path = f"/agreements/{in_turn_id}/versions/1/sign"
        prepared = []
        for n, browser in enumerate(browsers):
            try:
                prepared.append((n, browser, browser.token(sign_path)))
            except Exception as error:  # noqa: BLE001  (a browser whose login failed above)
                report.setdefault("in_turn_prepare_errors", []).append(str(error))
        statuses, latencies = [], []
        started = time.perf_counter()
        for n, browser, token in prepared:
            began = time.perf_counter()
            status, _ = browser.open(sign_path, sign_form(people[n][1], in_turn_sha, token, n))
            latencies.append(time.perf_counter() - began)
            statuses.append(status)
        wall = time.perf_counter() - started
        report["in_turn"] = {"statuses": tally(statuses), "wall_s": round(wall, 3),
                             "p50_s": round(statistics.median(latencies), 3), "max_s": round(max(latencies), 3)}
        report["in_turn"].update(signing_check(app, in_turn_id, organisation_ids))
        signed = report["in_turn"].pop("signed")
        report["in_turn"]["failed_signers"] = [n for n, (_, o) in enumerate(people) if o not in signed]
        log = portal.log_text()
    report["database_unavailable_log_lines"] = len(re.findall(r"database unavailable", log))
    report["database_locked_log_lines"] = len(re.findall(r"database is locked", log))
    report["unhandled_errors_log_lines"] = len(re.findall(r"unhandled error", log))
    if report["database_unavailable_log_lines"] or report["unhandled_errors_log_lines"]:
        report["server_log_tail"] = log[-3000:]
    if report["at_once"]["wall_s"]:
        report["at_once_to_in_turn"] = round(report["at_once"]["wall_s"] / report["in_turn"]["wall_s"], 3)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    return report


def postgres_signers(workdir):
    """The same signing against PostgreSQL in a throwaway database, or why it could not run."""
    return on_throwaway_postgres("bench_agreements", lambda url: signers(workdir, url, "postgresql"))


# The run

def main():
    began = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-agreements-")
    INSTANCE["path"] = os.path.join(workdir, "instance")
    phases = {}

    def phase(name, started):
        phases[name] = round(time.perf_counter() - started, 1)
        print(f"  ... {name}: {phases[name]} s", file=sys.stderr, flush=True)
        return time.perf_counter()

    started = time.perf_counter()
    status, databases = status_page(workdir)
    started = phase("status page", started)
    report = {"status_page": status, "certificate_pdf": {}}
    for label, parties in (("small", SMALL_PARTIES), ("large", PARTIES)):
        app, url, agreement_id = databases[label]
        report["certificate_pdf"][str(parties)] = certificate_pdfs(workdir, app, url, agreement_id, label)
        started = phase(f"certificate of {parties}", started)
    report["password_check_ms"] = password_check_ms(databases["small"][0])
    report["signers"] = {"sqlite": signers(workdir, f"sqlite:///{workdir}/signers.db", "sqlite")}
    started = phase("signers on SQLite", started)
    report["signers"]["postgresql"] = postgres_signers(workdir)
    phase("signers on PostgreSQL", started)
    report["phases_s"] = phases
    report["seconds"] = round(time.perf_counter() - began, 1)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False, default=str)
    shutil.rmtree(workdir, ignore_errors=True)  # the databases and the servers' logs (their errors are in the JSON)
    print_table(report)


def print_table(report):
    s = report["status_page"]
    p, q, b = s["page"], s["queries"], s["bytes"]
    print(f"Agreements (SQLite unless named, gunicorn 2 sync workers, wrk 4 connections), {report['seconds']} s")
    print(f"  status page, {s['parties']} parties / {s['signed']} signed: seeding {s['seeding_s']['total']:.1f} s "
          f"(organisations {s['seeding_s']['organisations']:.1f}, publish {s['seeding_s']['publish']:.1f}, "
          f"{s['signed']} signatures {s['seeding_s']['signatures']:.1f})")
    print(f"    page      {p['rps']:8.1f} req/s  x{p['ratio_to_bare']:.4f} / x{p['ratio_to_bare_after']:.4f} of bare"
          f"  p50 {p['p50_ms']} ms  p99 {p['p99_ms']} ms  {b['at_500']:,} B (5 parties: {b['at_5']:,} B)"
          f"  {p['requests']} requests, {p['timeouts']} over wrk's 2 s timeout")
    print(f"    queries   {q['at_5']} at 5 parties, {q['at_500']} at 500 ({'equal' if q['equal'] else 'NOT EQUAL'})")
    print(f"    bare      {s['bare']['rps']:8.0f} req/s (before), {s['bare_after']['rps']:.0f} req/s (after)")
    print(f"    signing.answer in-process: median {s['seeding_s']['signature_median_ms']} ms a signature at "
          f"{s['parties']} parties (first 10 {s['seeding_s']['signature_first_10_ms']} ms, last 10 "
          f"{s['seeding_s']['signature_last_10_ms']} ms); at 5 parties "
          f"{s['seeding_small_s']['signature_median_ms']} ms")
    for parties, c in report["certificate_pdf"].items():
        t = c["seconds"]
        print(f"  certificate PDF, {parties} parties: the last {c['last_signatures']} signatures "
              f"{c['completed_by_s']:.2f} s (median {c['signature_median_ms']} ms, the completing one "
              f"{c['completing_signature_ms']} ms)")
        print(f"    first {t['first']:.3f} s, second {t['second']:.4f} s, third {t['third']:.4f} s: first/second "
              f"x{c.get('first_to_second')}; {c.get('bytes', 0):,} B; second identical {c.get('second_identical')}"
              + (f"; made in a warm process {c['make_in_process_s']:.3f} s" if "make_in_process_s" in c else ""))
        print(f"    en: two first downloads at once {t['en_at_once_1']:.2f} s and {t['en_at_once_2']:.2f} s, then "
              f"{t['en_after']:.3f} s and {t['en_again']:.4f} s (identical {c.get('en_identical')}); rows "
              f"{c['pdf_rows']} (one per language: {c['one_row_per_language']}); upload verifies "
              f"{c.get('verify_upload')}")
        if c["errors"]:
            print(f"    FAILED downloads: {c['errors']}; gunicorn worker timeouts: {c['worker_timeouts']}")
    print(f"  password check (argon2id, production cost) {report['password_check_ms']} ms in-process")
    for database, r in report["signers"].items():
        if "skipped" in r:
            print(f"  {SIGNERS} signers, {database}: skipped ({r['skipped']})")
            continue
        for mode in ("at_once", "in_turn"):
            m = r[mode]
            print(f"  {SIGNERS} signers {mode.replace('_', ' '):7}, {database:10}: wall {m['wall_s']} s, p50 "
                  f"{m['p50_s']} s, max {m['max_s']} s; statuses {m['statuses']}; answers {m['answers']} "
                  f"(each party once: {m['each_party_once']}), certificates {m['certificates']}, chain intact "
                  f"{m['chain_intact']}, failed signers {m['failed_signers']}")
        print(f"    at once / in turn x{r.get('at_once_to_in_turn')}; 'database unavailable' lines in the log: "
              f"{r['database_unavailable_log_lines']}, unhandled errors: {r['unhandled_errors_log_lines']}")


if __name__ == "__main__":
    main()
