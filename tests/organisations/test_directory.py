"""The member directory: live search in Thai and English, filters, Thai order, pages, CSV, constant queries."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from portal.auth.passwords import hash_password
from portal.auth.services import end_all_sessions, find_user_by_email
from portal.extensions import db
from portal.organisations.models import (
    Organisation,
    OrgStatus,
    Region,
    Role,
    Sector,
    search_texts,
    thai_sort_key,
)
from tests.support.factories import make_org, make_user
from tests.support.network import PASSWORD
from tests.support.web import csrf, login

NAMES = [
    ("ไปรษณีย์ภาคเหนือ", "Northern Post", Region.NORTH, Sector.STATE_ENTERPRISE, "TH-50", ["โลจิสติกส์"]),
    ("กรมประชาสัมพันธ์ส่วนหน้า", "Front PR Department", Region.BANGKOK_CENTRAL, Sector.GOVERNMENT,
     "TH-10", ["crisis communication"]),
    ("เครือข่ายสื่อใต้", "Southern Media Network", Region.SOUTH, Sector.MEDIA, "TH-90", ["ข่าวท้องถิ่น"]),
    ("มหาวิทยาลัยขอนแก่นตัวอย่าง", "Khon Kaen Sample University", Region.NORTHEAST, Sector.ACADEMIC, "TH-40",
     ["สื่อสารองค์กร", "CSR"]),
]


@pytest.fixture
def member(app):
    with app.app_context():
        organisations = [make_org(name_th=th, name_en=en, region=region, sector=sector, province=province,
                                  expertise=tags, slug=f"d{n}")
                         for n, (th, en, region, sector, province, tags) in enumerate(NAMES)]
        make_org(name_th="องค์กรถูกระงับ", status=OrgStatus.SUSPENDED, slug="gone")
        make_user("member@d.example", organisations[0], Role.MEMBER, password_hash=hash_password(PASSWORD))
        make_user("coordinator@d.example", is_admin=True, password_hash=hash_password(PASSWORD))
        db.session.commit()
    client = app.test_client()
    login(client, "member@d.example")
    return client


def names_in(page):
    return [th for th, *_ in NAMES if th in page]


def tags_in(page):
    return re.findall(r'<span class="tag">([^<]*)</span>', page)


def test_everyone_active_in_thai_order(member):
    page = member.get("/directory").get_data(as_text=True)
    order = sorted(NAMES, key=lambda row: thai_sort_key(row[0]))
    assert [th for th, *_ in order] == ["กรมประชาสัมพันธ์ส่วนหน้า", "เครือข่ายสื่อใต้", "ไปรษณีย์ภาคเหนือ",
                                        "มหาวิทยาลัยขอนแก่นตัวอย่าง"], "เ sorts under ค, ไ under ป"
    positions = [page.index(th) for th, *_ in order]
    assert positions == sorted(positions)
    assert "องค์กรถูกระงับ" not in page and "4 องค์กร" in page


@pytest.mark.parametrize("query, expected", [
    ("สื่อ", ["เครือข่ายสื่อใต้", "มหาวิทยาลัยขอนแก่นตัวอย่าง"]),  # name and expertise
    ("southern", ["เครือข่ายสื่อใต้"]),  # English, any letter case
    ("Crisis", ["กรมประชาสัมพันธ์ส่วนหน้า"]),
    ("ขอนแก่น csr", ["มหาวิทยาลัยขอนแก่นตัวอย่าง"]),  # every word must match
    ("เชียงใหม่", ["ไปรษณีย์ภาคเหนือ"]),  # province, by its Thai name
    ("chiang mai", ["ไปรษณีย์ภาคเหนือ"]),  # and by its English one
    ("100%_", []),  # LIKE wildcards are searched for as text
])
def test_live_search_returns_the_results_fragment(member, query, expected):
    response = member.get("/directory", query_string={"q": query}, headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results"') and "<html" not in fragment
    assert sorted(names_in(fragment)) == sorted(expected)
    assert "HX-Request" in response.headers["Vary"]


def test_filters_by_region_and_sector_and_keep_them_in_page_links(member):
    assert names_in(member.get("/directory?region=south").get_data(as_text=True)) == ["เครือข่ายสื่อใต้"]
    assert names_in(member.get("/directory?sector=academic").get_data(as_text=True)) == ["มหาวิทยาลัยขอนแก่นตัวอย่าง"]
    assert member.get("/directory?region=atlantis&page=-3").status_code == 200


def test_the_count_of_results_is_said_in_good_english_and_thai(member):
    assert "1 องค์กร" in member.get("/directory?region=south").get_data(as_text=True)
    member.post("/language", data={"language": "en", "csrf_token": csrf(member, "/directory")})
    assert ">1 organisation<" in member.get("/directory?region=south").get_data(as_text=True)
    assert ">4 organisations<" in member.get("/directory").get_data(as_text=True)


def test_english_pages_show_english_names_provinces_and_order(app, member):
    with app.app_context():
        make_org(name_th="องค์กรไม่มีชื่ออังกฤษ", name_en="", slug="thai-only", province="อำเภอที่พิมพ์เอง")
        db.session.commit()
    thai = member.get("/directory").get_data(as_text=True)
    assert "เชียงใหม่" in thai and "Chiang Mai" not in thai and "อำเภอที่พิมพ์เอง" in thai
    member.post("/language", data={"language": "en", "csrf_token": csrf(member, "/directory")})
    page = member.get("/directory").get_data(as_text=True)
    english = ["Front PR Department", "Khon Kaen Sample University", "Northern Post", "Southern Media Network",
               "องค์กรไม่มีชื่ออังกฤษ"]  # by English name; a Thai name where there is no English one
    positions = [page.index(f">{name}</a>") for name in english]
    assert positions == sorted(positions)
    assert "Chiang Mai" in page and "Songkhla" in page and "เชียงใหม่" not in page and "สงขลา" not in page
    assert "อำเภอที่พิมพ์เอง" in page, "a province typed by hand before the list is shown as typed"
    monograms = re.findall(r'logo-empty" aria-hidden="true">([^<]*)<', page)
    assert sorted(monograms) == ["F", "K", "N", "S", "อ"]
    assert "5 organisations" in page


def test_pages_of_twenty(app, member):
    with app.app_context():
        for n in range(45):
            make_org(name_th=f"องค์กรลำดับ {n:02d}", slug=f"many-{n}", region=Region.WEST)
        db.session.commit()
    first = member.get("/directory?region=west").get_data(as_text=True)
    third = member.get("/directory?region=west&page=3").get_data(as_text=True)
    assert first.count('class="org-card"') == 20 and third.count('class="org-card"') == 5
    assert "หน้า 1 จาก 3" in first and "/directory?page=2&amp;q=&amp;region=west&amp;sector=" in first


def test_visitors_and_people_without_an_organisation_are_kept_out(app, member):
    assert app.test_client().get("/directory").status_code == 302
    with app.app_context():
        make_user("loner@d.example", password_hash=hash_password(PASSWORD))
        db.session.commit()
    loner = app.test_client()
    login(loner, "loner@d.example")
    response = loner.get("/directory")
    assert response.status_code == 403 and "บัญชีของคุณยังไม่ได้อยู่ในองค์กรสมาชิก" in response.get_data(as_text=True)


def test_coordinator_exports_csv_that_excel_reads_as_thai(app, member):
    coordinator = app.test_client()
    login(coordinator, "coordinator@d.example")
    assert member.get("/directory.csv").status_code == 403
    with app.app_context():
        make_org(name_th="=HYPERLINK(\"http://evil.example\")", slug="formula")
        db.session.commit()
    response = coordinator.get("/directory.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["ชื่อองค์กรภาษาไทย", "ชื่อองค์กรภาษาอังกฤษ"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["มหาวิทยาลัยขอนแก่นตัวอย่าง"][2:5] == ["สถาบันการศึกษา", "ภาคตะวันออกเฉียงเหนือ", "ขอนแก่น"]
    assert by_name["มหาวิทยาลัยขอนแก่นตัวอย่าง"][8] == "สื่อสารองค์กร, CSR"
    assert "'=HYPERLINK(\"http://evil.example\")" in by_name, "formulas are written as text"
    assert "องค์กรถูกระงับ" not in by_name


@pytest.mark.parametrize("count", [10, 1000])
def test_directory_queries_stay_constant(app, member, count):
    with app.app_context():
        rows = [{"slug": f"bulk-{n}", "name_th": f"องค์กร {n}", "name_en": f"Org {n}", "sector": "media",
                 "region": "east", "province": "TH-20", "status": "active", "expertise": ["CSR"]}
                for n in range(count)]
        for row in rows:
            row["search_text"], row["public_search_text"] = search_texts(
                row["name_th"], row["name_en"], row["province"], row["expertise"], "public")
            row["sort_key"] = thai_sort_key(row["name_th"])
        db.session.execute(sa.insert(Organisation), rows)
        db.session.commit()
        engine = db.engine
    # The member's own organisation is in none of these pages: nothing of the page comes from the identity map.
    member.get("/")  # the navigation's counts of waiting work are counted here, and kept in the session a minute
    for path, headers in [("/directory?region=east", {}), ("/directory?q=องค์กร&region=east", {"HX-Request": "true"})]:
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert member.get(path, headers=headers).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        assert len(statements) == 3, (path, len(statements))  # the user (with memberships on a page), count, rows


def test_search_follows_changes_and_removals(app, member):
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "d2"))
        org.expertise = ["การจัดการภาวะวิกฤตทางทะเล"]
        gone = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "d3"))
        db.session.delete(gone)
        db.session.commit()
    assert names_in(member.get("/directory?q=ภาวะวิกฤตทางทะเล").get_data(as_text=True)) == ["เครือข่ายสื่อใต้"]
    assert names_in(member.get("/directory?q=ข่าวท้องถิ่น").get_data(as_text=True)) == []
    assert names_in(member.get("/directory?q=ขอนแก่น").get_data(as_text=True)) == []


def test_nobody_finds_or_sees_expertise_they_may_not_see(app, member):
    """Hidden expertise is shown to no other member and found by nobody; expertise shown to members is neither shown
    to nor found by visitors of the public list."""
    with app.app_context():
        orgs = {o.slug: o for o in db.session.scalars(sa.select(Organisation))}
        orgs["d1"].visibility = {"expertise": "hidden"}  # "crisis communication"
        orgs["d3"].visibility, orgs["d3"].listed_publicly = {"expertise": "members"}, True  # สื่อสารองค์กร, CSR
        orgs["d2"].listed_publicly = True  # ข่าวท้องถิ่น, public
        db.session.commit()
    everyone = member.get("/directory").get_data(as_text=True)
    assert "กรมประชาสัมพันธ์ส่วนหน้า" in everyone
    assert sorted(tags_in(everyone)) == sorted(["โลจิสติกส์", "ข่าวท้องถิ่น", "สื่อสารองค์กร", "CSR"])
    assert names_in(member.get("/directory?q=crisis").get_data(as_text=True)) == []
    assert names_in(member.get("/directory?q=csr", headers={"HX-Request": "true"}).get_data(as_text=True)) == [
        "มหาวิทยาลัยขอนแก่นตัวอย่าง"]
    coordinator = app.test_client()
    login(coordinator, "coordinator@d.example")
    assert "crisis communication" in tags_in(coordinator.get("/directory").get_data(as_text=True))

    visitor = app.test_client()
    listed = visitor.get("/organisations").get_data(as_text=True)
    assert names_in(listed) == ["เครือข่ายสื่อใต้", "มหาวิทยาลัยขอนแก่นตัวอย่าง"]
    assert tags_in(listed) == ["ข่าวท้องถิ่น"]
    for query, expected in [("csr", []), ("สื่อสารองค์กร", []), ("ขอนแก่น", ["มหาวิทยาลัยขอนแก่นตัวอย่าง"]),
                            ("ข่าวท้องถิ่น", ["เครือข่ายสื่อใต้"]), ("สื่อ", ["เครือข่ายสื่อใต้"]),
                            ("ใต้ ข่าว", ["เครือข่ายสื่อใต้"]), ("cs", []), ("crisis", [])]:
        found = visitor.get("/organisations", query_string={"q": query}, headers={"HX-Request": "true"})
        assert names_in(found.get_data(as_text=True)) == expected, query

    with app.app_context():  # shown publicly again: found publicly again
        university = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "d3"))
        university.visibility = {"expertise": "public"}
        db.session.commit()
    assert names_in(visitor.get("/organisations?q=csr").get_data(as_text=True)) == ["มหาวิทยาลัยขอนแก่นตัวอย่าง"]


def test_postgresql_searches_through_the_trigram_index(app):
    """PostgreSQL's counterpart of the FTS5 table: the directory's LIKE can use a pg_trgm GIN index."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's pg_trgm index (SQLite searches through FTS5, tested above)")
        with db.engine.connect() as connection:
            connection.execute(sa.text("SET enable_seqscan = off"))  # a test table is small enough to scan
            plan = "\n".join(connection.execute(sa.text(
                "EXPLAIN SELECT id FROM organisation WHERE search_text LIKE :pattern"), {"pattern": "%ขอนแก่น%"})
                .scalars())
    assert "organisation_search_trgm" in plan, plan


def test_sqlite_filters_by_region_and_sector_through_indexes(app):
    """The directory's count and page for a region and a sector read indexes, not every organisation."""
    from portal.organisations.directory import _directory_statements

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query plans (PostgreSQL plans by its statistics)")
        count, page = _directory_statements(False, 0, True, True, False)
        values = {"region": "north", "sector": "media", "limit": 20, "offset": 0}
        plans = {}
        with db.engine.connect() as connection:
            for name, statement in (("count", count), ("page", page)):
                compiled = statement.compile(connection)
                parameters = compiled.construct_params(values)
                plans[name] = " ".join(row[3] for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + str(compiled), tuple(parameters[key] for key in compiled.positiontup)))
    assert "COVERING INDEX ix_organisation_region" in plans["count"], plans
    assert "INDEX ix_organisation_region" in plans["page"] and "TEMP B-TREE" not in plans["page"], plans


def test_a_live_search_after_the_session_ended_takes_the_page_to_the_login(app, member):
    """htmx would follow the redirect and put the login page inside the results: the whole page goes there instead."""
    with app.app_context():
        end_all_sessions(find_user_by_email("member@d.example"))  # e.g. "log out everywhere" in another browser
        db.session.commit()
    response = member.get("/directory?q=สื่อ", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    assert "Content-Security-Policy" in response.headers
    assert member.get("/directory?q=สื่อ").status_code == 302, "a plain request is redirected as before"


def test_typed_provinces_become_codes_found_by_both_names(tmp_path):
    """b16e0a1c2d3e: a province typed in Thai or English becomes its code, anything else stays as typed; the search
    texts name both."""
    import subprocess

    from portal.config import database_url as sqlalchemy_url
    from tests.support.databases import ROOT, flask_command

    url = f"sqlite:///{tmp_path}/provinces.db"

    def upgrade(revision):
        argv, env = flask_command(url, "db", "upgrade", revision)
        subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)

    upgrade("243f2ba4f4c6")
    engine = sa.create_engine(sqlalchemy_url(url))
    typed = {"a": "จังหวัดเชียงใหม่", "b": " chiang  MAI ", "c": "กทม.", "d": "บ้านริมน้ำ"}
    with engine.begin() as connection:
        for slug, province in typed.items():
            connection.execute(sa.text(
                "INSERT INTO organisation (slug, name_th, name_en, sector, region, province, description, website,"
                " public_email, phone, logo, channels, expertise, visibility, listed_publicly, search_text,"
                " public_search_text, sort_key, status, status_reason, joined_at) VALUES (:slug, 'องค์กร', 'Org',"
                " 'media', 'north', :province, '', '', '', '', '', '[]', '[]', '{}', false, '', '', 'องค์กร', 'active',"
                " '', CURRENT_TIMESTAMP)"), {"slug": slug, "province": province})
    upgrade("b16e0a1c2d3e")
    with engine.connect() as connection:
        rows = {slug: (province, text) for slug, province, text in connection.execute(sa.text(
            "SELECT slug, province, search_text FROM organisation"))}
        found = set(connection.execute(sa.text(
            "SELECT slug FROM organisation WHERE id IN (SELECT rowid FROM organisation_search"
            " WHERE organisation_search MATCH '\"chiang mai\"')")).scalars())
    assert {slug: province for slug, (province, _) in rows.items()} == {
        "a": "TH-50", "b": "TH-50", "c": "TH-10", "d": "บ้านริมน้ำ"}
    engine.dispose()
    assert rows["a"][1] == "องค์กร org เชียงใหม่ chiang mai" and found == {"a", "b"}
