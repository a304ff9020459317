"""Member directory benchmark: the directory page and its live-search fragment with 10,000 organisations.

Run by `make bench` (never by pytest). One run: a migrated SQLite database with 10,000 organisations (Thai and
English names across regions, sectors and provinces, some with expertise tags and logos, a few suspended) and a
member of one active organisation; the portal under gunicorn (2 sync workers); wrk measures

  page      /directory, logged in
  fragment  /directory?q=ท่องเที่ยว with HX-Request: true, logged in (the live search; a few hundred matches)
  floor     the same fragment from bench/directory_floor.py: the same query and template block on a minimal Flask +
            Flask-SQLAlchemy app without the portal's machinery, same gunicorn settings, same database file
            (fragment and floor are measured in turns, four times each for a quarter of the time, so that a change
            in the machine's load falls on both)
  bare      bench/bare_app.py ("ok"), before and after the others (the machine's load drifts)

Reported: req/s and p50/p99 latency of each, page and fragment as ratios to bare (before and after) and to the floor
(goals: fragment >= 0.7x the floor and >= 0.15x bare), SQL statements per request counted in-process at 10,000
organisations, the sizes of page and fragment, and, as a check on wrk's fragment/floor ratio when other processes load
the machine, the median time of fragment and floor in-process, taken in turns. Before measuring, the floor's fragment
is checked to be byte for byte the portal's and to send the same directory SQL. Written to
bench/results/directory.json.
"""

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import (  # noqa: E402
    ROOT,
    Gunicorn,
    count_queries,
    log_in,
    logged_in_client,
    migrate,
    portal_env,
    warm_up,
    wrk,
)

RESULTS = os.path.join(ROOT, "bench", "results", "directory.json")
ORGANISATIONS = 10_000
MEMBER, PASSWORD = "member@bench.example", "bench-password-2569"
QUERY = "ท่องเที่ยว"  # "tourism": one topic of 24, so about 1 organisation in 24 matches
SECONDS = int(os.environ.get("BENCH_SECONDS", 8))
TURNS = 4  # fragment and floor alternate this many times (this machine's speed drifts by a quarter within a minute)
GOALS = {"fragment_to_floor": 0.7, "fragment_to_bare": 0.15}

PROVINCES = {  # region: [(Thai, English)]
    "bangkok_central": [("กรุงเทพมหานคร", "Bangkok"), ("นนทบุรี", "Nonthaburi"), ("ปทุมธานี", "Pathum Thani"),
                        ("สมุทรปราการ", "Samut Prakan"), ("พระนครศรีอยุธยา", "Ayutthaya"), ("นครปฐม", "Nakhon Pathom")],
    "north": [("เชียงใหม่", "Chiang Mai"), ("เชียงราย", "Chiang Rai"), ("ลำปาง", "Lampang"),
              ("พิษณุโลก", "Phitsanulok"), ("น่าน", "Nan"), ("แม่ฮ่องสอน", "Mae Hong Son")],
    "northeast": [("ขอนแก่น", "Khon Kaen"), ("นครราชสีมา", "Nakhon Ratchasima"), ("อุดรธานี", "Udon Thani"),
                  ("อุบลราชธานี", "Ubon Ratchathani"), ("บุรีรัมย์", "Buriram"), ("สกลนคร", "Sakon Nakhon")],
    "east": [("ชลบุรี", "Chonburi"), ("ระยอง", "Rayong"), ("จันทบุรี", "Chanthaburi"), ("ตราด", "Trat"),
             ("ฉะเชิงเทรา", "Chachoengsao"), ("ปราจีนบุรี", "Prachinburi")],
    "west": [("กาญจนบุรี", "Kanchanaburi"), ("ราชบุรี", "Ratchaburi"), ("เพชรบุรี", "Phetchaburi"),
             ("ประจวบคีรีขันธ์", "Prachuap Khiri Khan"), ("ตาก", "Tak"), ("สุพรรณบุรี", "Suphan Buri")],
    "south": [("สงขลา", "Songkhla"), ("ภูเก็ต", "Phuket"), ("สุราษฎร์ธานี", "Surat Thani"),
              ("นครศรีธรรมราช", "Nakhon Si Thammarat"), ("กระบี่", "Krabi"), ("ตรัง", "Trang")],
}
TOPICS = [("ท่องเที่ยว", "Tourism"), ("สาธารณสุข", "Public Health"), ("การศึกษา", "Education"),
          ("เกษตร", "Agriculture"), ("พลังงาน", "Energy"), ("สิ่งแวดล้อม", "Environment"), ("วัฒนธรรม", "Culture"),
          ("แรงงาน", "Labour"), ("พาณิชย์", "Commerce"), ("อุตสาหกรรม", "Industry"), ("คมนาคม", "Transport"),
          ("ดิจิทัล", "Digital"), ("ประมง", "Fisheries"), ("ป่าไม้", "Forestry"), ("กีฬา", "Sports"),
          ("ประกันภัย", "Insurance"), ("การเงิน", "Finance"), ("อสังหาริมทรัพย์", "Real Estate"),
          ("โลจิสติกส์", "Logistics"), ("อาหาร", "Food"), ("สื่อสารมวลชน", "Mass Communication"),
          ("พัฒนาชุมชน", "Community Development"), ("โทรคมนาคม", "Telecommunications"), ("การแพทย์", "Medicine")]
BRANDS = [("สยาม", "Siam"), ("ไทยรุ่งเรือง", "Thai Rungrueang"), ("ล้านนา", "Lanna"), ("อันดามัน", "Andaman"),
          ("อีสานพัฒนา", "Isan Phatthana"), ("บูรพา", "Burapha"), ("เจริญกิจ", "Charoenkit"), ("โชคดี", "Chokdee")]
NAMES = {  # sector: [(Thai pattern, English pattern)] over topic t/T, province p/P and brand b/B
    "government": [("สำนักงาน{t}จังหวัด{p}", "{P} Provincial {T} Office"),
                   ("ศูนย์ประชาสัมพันธ์{t}เขต{p}", "{P} {T} Public Relations Centre")],
    "state_enterprise": [("องค์การส่งเสริม{t} สาขา{p}", "{T} Promotion Authority, {P} Branch"),
                         ("การ{t}แห่งประเทศไทย เขต{p}", "{T} Authority of Thailand, {P} District")],
    "private": [("บริษัท {b}{t} จำกัด", "{B} {T} Co., Ltd."), ("บริษัท {t}{b}{p} จำกัด (มหาชน)", "{B} {P} {T} PLC")],
    "academic": [("วิทยาลัย{t}{p}", "{P} College of {T}"), ("คณะ{t} มหาวิทยาลัย{p}", "Faculty of {T}, {P} University")],
    "ngo": [("มูลนิธิเพื่อการ{t}{p}", "{P} {T} Foundation"), ("สมาคม{t}{p}", "{P} {T} Association")],
    "media": [("สถานีวิทยุ{t}{p}", "{P} {T} Radio"), ("หนังสือพิมพ์{b}{t}", "{B} {T} News")],
    "other": [("ชมรม{t}{p}", "{P} {T} Club"), ("เครือข่าย{t}ภาคประชาชน{p}", "{P} Citizens' {T} Network")],
}
SECTOR_WEIGHTS = {"government": 30, "state_enterprise": 10, "private": 25, "academic": 12, "ngo": 10, "media": 10,
                  "other": 3}
TAGS = ["การสื่อสารในภาวะวิกฤต", "สื่อสัมพันธ์", "CSR", "การสื่อสารดิจิทัล", "จัดงานและอีเวนต์",
        "การสื่อสารภายในองค์กร", "ชุมชนสัมพันธ์", "Crisis communication",
        "Media relations", "Social media", "ข่าวท้องถิ่น", "สื่อสารองค์กร"]


def organisation_rows(count, now):
    """`count` believable organisations, the same on every run; search_text and sort_key from the model's rules."""
    from portal.organisations.models import search_texts, thai_sort_key

    rng = random.Random(2569)
    sectors = list(SECTOR_WEIGHTS)
    seen = {}
    rows = []
    for n in range(count):
        sector = rng.choices(sectors, weights=list(SECTOR_WEIGHTS.values()))[0]
        region = rng.choice(list(PROVINCES))
        province, province_en = rng.choice(PROVINCES[region])
        (topic, topic_en), (brand, brand_en) = TOPICS[n % len(TOPICS)], rng.choice(BRANDS)
        pattern_th, pattern_en = rng.choice(NAMES[sector])
        name_th = pattern_th.format(t=topic, p=province, b=brand)
        name_en = pattern_en.format(T=topic_en, P=province_en, B=brand_en)
        seen[name_th] = copies = seen.get(name_th, 0) + 1
        if copies > 1:  # the same name twice: a second branch
            name_th, name_en = f"{name_th} แห่งที่ {copies}", f"{name_en} {copies}"
        if rng.random() < 0.15:  # some organisations give no English name
            name_en = ""
        expertise = rng.sample(TAGS, rng.choice([0, 0, 1, 1, 2, 3]))
        visibility = {"expertise": "members"} if expertise and rng.random() < 0.2 else {}
        search_text, public_search_text = search_texts(name_th, name_en, province, expertise,
                                                       visibility.get("expertise", "public"))
        rows.append({
            "slug": f"org-{n}", "name_th": name_th, "name_en": name_en,
            "sector": sector, "region": region, "province": province,
            "description": f"{name_th} ประชาสัมพันธ์งานด้าน{topic}ในจังหวัด{province}",
            "website": f"https://org-{n}.example.go.th", "public_email": f"pr@org-{n}.example", "phone": "053-000-000",
            "logo": f"{n:032x}.png" if rng.random() < 0.3 else "", "channels": [], "expertise": expertise,
            "visibility": visibility,
            "listed_publicly": rng.random() < 0.5, "status": "suspended" if n % 50 == 49 else "active",
            "status_reason": "", "joined_at": now - timedelta(days=n % 900),
            "search_text": search_text, "public_search_text": public_search_text, "sort_key": thai_sort_key(name_th)})
    return rows


def seed(database_url, count):
    """Add `count` organisations (one Core INSERT) and a member of the first, active, one; return the portal app."""
    os.environ.update(portal_env(database_url))
    from portal import create_app
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.extensions import db
    from portal.organisations.models import Membership, Organisation, Role

    app = create_app()
    with app.app_context():
        db.session.execute(Organisation.__table__.insert(), organisation_rows(count, utcnow()))
        user = User(email=MEMBER, name="สมาชิกทดสอบ", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.flush()
        first = db.session.scalar(db.select(Organisation.id).where(Organisation.slug == "org-0"))
        db.session.add(Membership(user_id=user.id, organisation_id=first, role=Role.MEMBER))
        db.session.commit()
    return app


def in_process(app, floor_app, paths):
    """Statements and bytes per request for page and fragment (logged in) and for the floor's fragment.

    Also checks that the floor is an honest floor: its fragment must be the portal's, byte for byte, and the directory
    statements it sends must be the portal's.
    """
    from portal.extensions import db

    with app.app_context():
        portal_engine = db.engine
    with floor_app.app_context():
        floor_engine = db.engine
    client = logged_in_client(app, MEMBER, PASSWORD)
    report = {}
    for name, (path, headers) in paths.items():
        client.get(path, headers=headers)  # once to warm caches (templates, compiled SQL), as under wrk
        response, statements = count_queries(client, portal_engine, path, headers)
        report[name] = {"queries": len(statements), "bytes": len(response.data), "body": response.data,
                        "statements": statements}
    floor_client = floor_app.test_client()
    path, headers = paths["fragment"]
    floor_client.get(path, headers=headers)
    response, statements = count_queries(floor_client, floor_engine, path, headers)
    report["floor"] = {"queries": len(statements), "bytes": len(response.data), "body": response.data,
                       "statements": statements}
    fragment = report["fragment"]
    if report["floor"]["body"] != fragment["body"]:
        raise SystemExit("the floor's fragment differs from the portal's: fix bench/directory_floor.py")
    directory_sql = [s for s in fragment["statements"] if "FROM organisation" in s[0] and "membership" not in s[0]]
    if report["floor"]["statements"] != directory_sql:
        raise SystemExit("the floor sends other SQL than the portal's directory query:\n"
                         f"{report['floor']['statements']}\n{directory_sql}")
    report["timing"] = interleaved_timing({"fragment": (client, path, headers), "floor": (floor_client, path, headers)})
    return report


def interleaved_timing(requests, rounds=60):
    """Median milliseconds of each request in-process, taken in turns: a check on wrk's ratio that the machine's other
    processes disturb less (one process, no load generator, each round sees the same load)."""
    times = {name: [] for name in requests}
    for _ in range(rounds):
        for name, (client, path, headers) in requests.items():
            began = time.perf_counter()
            client.get(path, headers=headers)
            times[name].append(time.perf_counter() - began)
    return {name: round(statistics.median(values) * 1000, 2) for name, values in times.items()}


def main():
    started = time.time()
    workdir = tempfile.mkdtemp(prefix="bench-directory-")
    database_url = f"sqlite:///{workdir}/portal.db"
    migrate(database_url)
    app = seed(database_url, ORGANISATIONS)
    from bench import directory_floor
    from portal.extensions import db
    from portal.organisations.models import Organisation, OrgStatus

    floor_app = directory_floor.create_app(database_url)
    with app.app_context():
        active = db.session.scalar(db.select(db.func.count()).where(Organisation.status == OrgStatus.ACTIVE))
        matches = db.session.scalar(db.select(db.func.count()).where(
            Organisation.status == OrgStatus.ACTIVE, Organisation.search_text.contains(QUERY)))
    search = "/directory?" + urllib.parse.urlencode({"q": QUERY})
    paths = {"page": ("/directory", {}), "fragment": (search, {"HX-Request": "true"})}
    counted = in_process(app, floor_app, paths)

    env = portal_env(database_url)
    report = {"organisations": ORGANISATIONS, "active": active, "query": QUERY, "matches": matches,
              "wrk": {"seconds": SECONDS, "connections": 4, "threads": 1}, "gunicorn": "2 sync workers",
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_start": list(os.getloadavg())},
              "queries": {name: counted[name]["queries"] for name in ("page", "fragment", "floor")},
              "bytes": {name: counted[name]["bytes"] for name in ("page", "fragment", "floor")},
              "floor_fragment_identical": True, "goals": GOALS,
              "in_process_ms": counted["timing"],
              "in_process_fragment_to_floor": round(counted["timing"]["floor"] / counted["timing"]["fragment"], 3)}
    with Gunicorn("bench.bare_app:app", env) as bare:
        warm_up(bare.url + "/")
        report["bare"] = wrk(bare.url + "/", SECONDS)
    with Gunicorn("wsgi:app", env) as portal, Gunicorn("bench.directory_floor:app", env) as floor:
        cookie = log_in(portal.url, MEMBER, PASSWORD)
        targets = {"page": (portal.url + paths["page"][0], [f"Cookie: {cookie}"]),
                   "fragment": (portal.url + search, [f"Cookie: {cookie}", "HX-Request: true"]),
                   "floor": (floor.url + search, ["HX-Request: true"])}
        for url, headers in targets.values():
            warm_up(url, headers)
        url, headers = targets["page"]
        report["page"] = wrk(url, SECONDS, headers=headers)
        # The fragment and its floor in turns, four times each for a quarter of the time: their ratio is the one that
        # matters, and a change in the machine's load (other processes) then falls on both alike.
        rounds = {"fragment": [], "floor": []}
        for _ in range(TURNS):
            for name in rounds:
                url, headers = targets[name]
                rounds[name].append(wrk(url, max(1, SECONDS // TURNS), headers=headers))
        for name, runs in rounds.items():
            report[name] = {"rps": round(sum(r["rps"] for r in runs) / len(runs), 2),
                            "p50_ms": round(sum(r["p50_ms"] for r in runs) / len(runs), 2),
                            "p99_ms": max(r["p99_ms"] for r in runs), "rounds": runs}
    with Gunicorn("bench.bare_app:app", env) as bare:  # again: the machine's load may have changed meanwhile
        warm_up(bare.url + "/")
        report["bare_after"] = wrk(bare.url + "/", SECONDS)
    for name in ("page", "fragment", "floor"):
        r = report[name]
        r["to_bare"] = round(r["rps"] / report["bare"]["rps"], 3)
        r["to_bare_after"] = round(r["rps"] / report["bare_after"]["rps"], 3)
        if name != "floor":
            r["to_floor"] = round(r["rps"] / report["floor"]["rps"], 3)
    fragment = report["fragment"]
    report["goals_met"] = {
        "fragment_to_floor": fragment["to_floor"] >= GOALS["fragment_to_floor"],
        "fragment_to_bare": min(fragment["to_bare"], fragment["to_bare_after"]) >= GOALS["fragment_to_bare"]}
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report["seconds"] = round(time.time() - started, 1)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    print_report(report)


def print_report(report):
    print(f"Member directory, {report['organisations']:,} organisations ({report['active']:,} active), SQLite, "
          f"gunicorn 2 sync workers, wrk 4 connections x {report['wrk']['seconds']} s")
    print(f"  search q={report['query']}: {report['matches']} matches")
    bare, after = report["bare"]["rps"], report["bare_after"]["rps"]
    for name, label in (("page", "page"), ("fragment", "fragment"), ("floor", "floor")):
        r = report[name]
        to_floor = f"  x{r['to_floor']:.3f} of floor" if "to_floor" in r else " " * 17
        each = ", ".join(f"{run['rps']:.0f}" for run in r.get("rounds", []))
        rounds = f"  (rounds: {each} req/s)" if each else ""
        print(f"  {label:9} {r['rps']:8.0f} req/s  x{r['to_bare']:.3f} / x{r['to_bare_after']:.3f} of bare{to_floor}"
              f"  p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms  {report['bytes'][name]:,} B"
              f"  {report['queries'][name]} queries{rounds}")
    print(f"  bare      {bare:8.0f} req/s (before), {after:.0f} req/s (after)")
    timing = report["in_process_ms"]
    print(f"  in-process, in turns (median): fragment {timing['fragment']:.1f} ms, floor {timing['floor']:.1f} ms: "
          f"fragment x{report['in_process_fragment_to_floor']:.3f} of floor's speed")
    goals, met = report["goals"], report["goals_met"]
    print(f"  goals: fragment >= {goals['fragment_to_floor']}x floor: {'met' if met['fragment_to_floor'] else 'MISSED'}"
          f"; fragment >= {goals['fragment_to_bare']}x bare (before and after): "
          f"{'met' if met['fragment_to_bare'] else 'MISSED'}   ({report['seconds']} s)")


if __name__ == "__main__":
    main()
