"""Organisation profiles, colleagues and the member directory in a real browser.

An organisation admin edits the profile section by section in place (htmx), uploads a logo and invites a colleague;
a member of another organisation searches the directory live, filters it, pages through it, opens a profile and
comes back to the same results with the browser's back button.

As in test_accounts.py, the live server mails through the test's SMTP server (aiosmtpd); its logos go to a folder
of the test's own.
"""

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from portal.auth.passwords import hash_password
from portal.auth.services import end_all_sessions, find_user_by_email
from portal.extensions import db
from portal.organisations.models import (
    Membership,
    Organisation,
    OrgStatus,
    Region,
    Role,
    Sector,
)
from portal.organisations.profiles import set_status
from tests.support.browser import choose, deliver, log_in, nav, nav_link, only_mail, person_menu
from tests.support.factories import make_org, make_user

pytestmark = pytest.mark.browser

PASSWORD = "รหัสผ่านของแอดมิน-2569"
HOME = "สำนักงานประชาสัมพันธ์จังหวัดลำปาง"
HOME_SLUG = "lampang-pr"
CLUB = "ชมรมนักประชาสัมพันธ์ลำปาง"  # sorts before HOME: the invitation form would pick it first
SAVED = "บันทึกแล้ว"
NOT_FILLED = "ยังไม่ได้กรอกข้อมูล"
BAD_PHONE = "โปรดกรอกหมายเลขเป็นตัวเลข เช่น 02 123 4567 ต่อ 12 หรือ +66 2 123 4567"
COLLEAGUE = "kanda.s@lampang-pr.example"
INVITATION_SUBJECT = "คำเชิญเข้าร่วมพอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์"


@pytest.fixture
def server(make_live_server, smtp, tmp_path):
    """The live server, mailing to the test's SMTP server and keeping logos in the test's own folder."""
    return make_live_server(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False,
                            LOGO_FOLDER=str(tmp_path / "logos"))


@pytest.fixture
def live_server(server):
    """`page` and `new_page` open this module's server."""
    return server.url


def stay_on_this_document(page):
    """Mark the current document; still_on_this_document() tells whether no page load has happened since."""
    page.evaluate("() => { window.__sameDocument = true; }")


def still_on_this_document(page):
    return page.evaluate("() => window.__sameDocument === true")


def fits_the_screen(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def duplicate_ids(page):
    return page.evaluate("() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
                         " return ids.filter((id, i) => ids.indexOf(id) !== i); }")


def section(page, name):
    return page.locator(f"#section-{name}")


def test_organisation_admin_edits_the_profile_in_place_uploads_a_logo_and_invites_a_colleague(
        page, server, smtp, tmp_path, screenshot, browser_problems):
    with server.app.app_context():
        home = make_org(slug=HOME_SLUG, name_th=HOME, name_en="Lampang Provincial PR Office", region=Region.NORTH,
                        province="ลำปาง", description="ดูแลข่าวสารของจังหวัด", phone="054 111 222",
                        expertise=["สื่อสัมพันธ์"])
        club = make_org(slug="lampang-club", name_th=CLUB, region=Region.NORTH, province="ลำปาง")
        admin = make_user("somsri@lampang-pr.example", home, Role.ORG_ADMIN, name="สมศรี รักษ์ข่าว",
                          password_hash=hash_password(PASSWORD))
        db.session.flush()
        make_user("wichai@lampang-pr.example", home, Role.MEMBER, name="วิชัย ใจงาม")
        db.session.add(Membership(user=admin, organisation=club, role=Role.ORG_ADMIN))  # a second organisation
        db.session.commit()
        home_id = home.id
    profile_url = f"{server.url}/organisations/{HOME_SLUG}"

    page.goto("/login")
    log_in(page, "somsri@lampang-pr.example", PASSWORD)
    expect(person_menu(page, "สมศรี รักษ์ข่าว")).to_be_visible()
    nav(page).get_by_text("องค์กรของฉัน", exact=True).click()  # two organisations: a dropdown of their names
    expect(nav(page).get_by_role("link", name=CLUB, exact=True)).to_be_visible()
    nav(page).get_by_role("link", name=HOME, exact=True).click()
    expect(page).to_have_url(profile_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME)
    expect(section(page, "about")).to_contain_text("ดูแลข่าวสารของจังหวัด")
    stay_on_this_document(page)

    # 1. "About" opens as a form in place: same URL, same document, the rest of the page untouched.
    about = section(page, "about")
    about.get_by_role("link", name="แก้ไข", exact=True).click()
    description = about.get_by_label("แนะนำภารกิจขององค์กรโดยสังเขป", exact=True)
    expect(description).to_be_visible()
    expect(description).to_have_value("ดูแลข่าวสารของจังหวัด")
    expect(about.get_by_label("ชื่อองค์กรภาษาไทย", exact=True)).to_have_value(HOME)
    expect(about.get_by_role("link", name="แก้ไข")).to_have_count(0)
    expect(page).to_have_url(profile_url)
    assert still_on_this_document(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME)
    expect(section(page, "contact")).to_contain_text("054 111 222")
    expect(page.locator("#people")).to_contain_text("วิชัย ใจงาม")
    # The logo's form and this one: one section at a time (the people table's rows have forms of their own).
    expect(page.locator("form[hx-post]:not(#people form)")).to_have_count(2)
    # Every id once: htmx settles a swapped element against the page's element of the same id.
    assert duplicate_ids(page) == []
    screenshot(page, "1-about-edit-mode")

    new_description = "ดูแลข่าวสารของจังหวัดลำปาง\nประสานงานสื่อมวลชนในภาคเหนือ"
    description.fill(new_description)
    with page.expect_response(f"{profile_url}/about") as answer:
        about.get_by_role("button", name="บันทึก", exact=True).click()
    assert answer.value.status == 200 and answer.value.request.headers.get("hx-request") == "true"
    expect(about.get_by_role("status")).to_have_text(SAVED)
    expect(about.locator("p.pre-line")).to_have_text(new_description)
    expect(about.locator("form")).to_have_count(0)
    expect(about.get_by_role("link", name="แก้ไข", exact=True)).to_be_visible()
    expect(page).to_have_url(profile_url)
    assert still_on_this_document(page)

    # 2. A phone number in words comes back in place (422, swapped by htmx) with the Thai error; then it is fixed.
    contact = section(page, "contact")
    contact.get_by_role("link", name="แก้ไข", exact=True).click()
    phone = contact.get_by_label("โทรศัพท์", exact=True)
    expect(phone).to_have_value("054 111 222")
    phone.fill("call me")
    browser_problems.expect_http_error(422, f"/organisations/{HOME_SLUG}/contact")
    with page.expect_response(f"{profile_url}/contact") as answer:
        contact.get_by_role("button", name="บันทึก", exact=True).click()
    assert answer.value.status == 422
    expect(contact.locator("#phone-error")).to_have_text(BAD_PHONE)
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(BAD_PHONE)
    expect(phone).to_have_value("call me")
    expect(page.locator("#request-error")).to_be_hidden()  # the 422 is an answer, not a failed request
    screenshot(page, "2-contact-error")

    assert duplicate_ids(page) == []
    phone.fill("+66 54 222 333")
    contact.get_by_label("อีเมลสาธารณะ", exact=True).fill("News@Lampang-PR.example")
    contact.get_by_role("button", name="บันทึก", exact=True).click()
    expect(contact.get_by_role("status")).to_have_text(SAVED)
    expect(contact.locator("dl.details")).to_contain_text("+66 54 222 333")
    expect(contact.locator("dl.details")).to_contain_text("news@lampang-pr.example")
    expect(contact.locator("form")).to_have_count(0)
    expect(about.get_by_role("status")).to_have_text(SAVED)  # the other section is left as it was

    # 3. An edit of the channels is cancelled: the section comes back as it was shown, nothing saved.
    channels = section(page, "channels")
    expect(channels).to_contain_text(NOT_FILLED)
    channels.get_by_role("link", name="แก้ไข", exact=True).click()
    expect(channels.locator("form")).to_be_visible()
    channels.locator("input[inputmode=url]").first.fill("https://facebook.com/lampangpr")
    channels.get_by_role("button", name="ยกเลิก", exact=True).click()
    expect(channels.locator("form")).to_have_count(0)
    expect(channels).to_contain_text(NOT_FILLED)
    expect(channels.get_by_role("link", name="แก้ไข", exact=True)).to_be_visible()
    expect(page).to_have_url(profile_url)
    assert still_on_this_document(page)
    screenshot(page, "3-sections-saved")

    with server.app.app_context():
        saved = db.session.get(Organisation, home_id)
        assert (saved.description, saved.phone, saved.public_email, saved.channels) == (
            new_description, "+66 54 222 333", "news@lampang-pr.example", [])

    # 4. A logo: uploaded through htmx, answered with HX-Redirect, so the whole page comes again with the image.
    original = tmp_path / "logo.png"
    Image.new("RGB", (800, 600), (11, 93, 138)).save(original)
    expect(page.locator("#section-logo img")).to_have_count(0)
    page.get_by_label("โลโก้ (PNG, JPEG หรือ WebP ไม่เกิน 2 MB)", exact=True).set_input_files(str(original))
    with page.expect_response(f"{profile_url}/logo") as answer:
        page.get_by_role("button", name="อัปโหลดโลโก้", exact=True).click()
    assert answer.value.status == 200 and answer.value.headers.get("hx-redirect") == f"/organisations/{HOME_SLUG}"
    logo = page.get_by_role("img", name=f"โลโก้ของ {HOME}")
    expect(logo).to_be_visible()
    expect(page).to_have_url(profile_url)
    page.wait_for_function("() => { const img = document.querySelector('#section-logo img');"
                           " return img && img.complete && img.naturalWidth > 0; }")
    assert not still_on_this_document(page), "HX-Redirect loads the page again"
    expect(page.locator(".flash-success")).to_have_text(SAVED)
    # Re-encoded and shrunk to at most 512 px a side, in the test's logo folder.
    assert logo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [512, 384]
    with server.app.app_context():
        stored = db.session.get(Organisation, home_id).logo
    assert os.listdir(tmp_path / "logos") == [stored]
    expect(section(page, "about").locator("p.pre-line")).to_have_text(new_description)
    screenshot(page, "4-after-logo-upload")

    # On a phone the profile fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_the_screen(page)
    box = logo.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    screenshot(page, "5-profile-phone")
    page.set_viewport_size({"width": 1280, "height": 720})

    # 5. A colleague is invited from the profile: the invitation form opens with this organisation chosen.
    page.get_by_role("button", name="เชิญเพื่อนร่วมงาน", exact=True).click()
    expect(page).to_have_url(f"{server.url}/invitations?organisation={home_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("คำเชิญ")
    expect(page.get_by_role("combobox", name=re.compile("^องค์กร"))).to_have_value(str(home_id))
    page.get_by_label("อีเมล", exact=True).fill(COLLEAGUE)
    choose(page, "ภาษาของคำเชิญ", "th")
    page.get_by_role("button", name="ส่งคำเชิญ", exact=True).click()
    expect(page).to_have_url(f"{server.url}/invitations")
    expect(page.locator(".flash-success")).to_have_text(f"ส่งคำเชิญไปที่ {COLLEAGUE} แล้ว")
    row = page.locator("table tbody tr", has_text=COLLEAGUE)
    expect(row).to_contain_text(HOME)
    screenshot(page, "6-colleague-invited")

    deliver(server, 1)
    mail = only_mail(smtp, COLLEAGUE)
    assert mail["Subject"] == INVITATION_SUBJECT
    text = mail.get_body(("plain",)).get_content()
    assert HOME in text and f"{server.url}/invitations/accept/" in text


# The directory: organisations a member searches for, in several regions.
DIRECTORY = [
    dict(slug="nan", name_th="สำนักงานประชาสัมพันธ์จังหวัดน่าน", name_en="Nan Provincial PR Office",
         region=Region.NORTH, sector=Sector.GOVERNMENT, province="TH-55", expertise=["ข่าวท้องถิ่น"]),
    dict(slug="phrae", name_th="สำนักงานประชาสัมพันธ์จังหวัดแพร่", name_en="Phrae Provincial PR Office",
         region=Region.NORTH, sector=Sector.GOVERNMENT, province="TH-54", expertise=[]),
    dict(slug="songkhla", name_th="สำนักงานประชาสัมพันธ์จังหวัดสงขลา", name_en="Songkhla Provincial PR Office",
         region=Region.SOUTH, sector=Sector.GOVERNMENT, province="TH-90", expertise=[]),
    dict(slug="south-news", name_th="สมาคมนักข่าวภาคใต้", name_en="Southern Journalists Association",
         region=Region.SOUTH, sector=Sector.MEDIA, province="TH-90", expertise=["สื่อสารภาวะวิกฤต"]),
    dict(slug="kku", name_th="มหาวิทยาลัยขอนแก่น ฝ่ายสื่อสารองค์กร", name_en="Khon Kaen University Communications",
         region=Region.NORTHEAST, sector=Sector.ACADEMIC, province="TH-40", expertise=["CSR"]),
]
WEST = 25  # organisations in the West: two pages of twenty


def results(page):
    return page.locator("#results")


def cards(page):
    return page.locator("#results article.org-card")


def card_names(page):
    return cards(page).locator("h2").all_inner_texts()


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def test_member_searches_filters_and_pages_through_the_directory_and_comes_back(
        new_page, server, screenshot, browser_problems):
    with server.app.app_context():
        own = make_org(slug="cmu", name_th="มหาวิทยาลัยเชียงใหม่ ฝ่ายสื่อสารองค์กร",
                       name_en="Chiang Mai University Corporate Communications", region=Region.NORTH,
                       sector=Sector.ACADEMIC, province="TH-50")
        for values in DIRECTORY:
            make_org(**values, description=f"แนะนำ {values['name_th']}", phone="02 000 0000")
        for n in range(WEST):
            make_org(slug=f"west-{n:02d}", name_th=f"เครือข่ายสื่อตะวันตก {n + 1:02d}",
                     name_en=f"Western Media Network {n + 1:02d}", region=Region.WEST, sector=Sector.MEDIA,
                     province="TH-71")
        make_user("anong@cmu.example", own, Role.MEMBER, name="อนงค์ ศรีเชียงใหม่",
                  password_hash=hash_password(PASSWORD))
        db.session.commit()
    everyone = 1 + len(DIRECTORY) + WEST

    member = new_page()  # a browser of her own
    member.goto("/login")
    log_in(member, "anong@cmu.example", PASSWORD)
    expect(person_menu(member, "อนงค์ ศรีเชียงใหม่")).to_be_visible()
    nav_link(member, "ทำเนียบสมาชิก").click()
    expect(member).to_have_url(f"{server.url}/directory")
    expect(member.get_by_role("heading", level=1)).to_have_text("ทำเนียบสมาชิก")
    expect(results(member).locator("p.muted").first).to_have_text(f"{everyone} องค์กร")
    expect(cards(member)).to_have_count(20)
    stay_on_this_document(member)

    # Part of a Thai name: the results change without a page load, and the URL keeps the search.
    search = member.get_by_role("searchbox", name="ค้นหา")
    search.press_sequentially("ประชาสัมพันธ์จังหวัด", delay=20)
    expect(cards(member)).to_have_count(3)
    expect(results(member)).to_contain_text("3 องค์กร")
    assert sorted(card_names(member)) == sorted(o["name_th"] for o in DIRECTORY[:3])
    expect(member).to_have_url(re.compile(r"/directory\?q=[^&]+"))
    assert query_of(member)["q"] == ["ประชาสัมพันธ์จังหวัด"]
    assert still_on_this_document(member)

    # An English name, in another letter case.
    search.fill("")
    search.press_sequentially("southern journ", delay=20)
    expect(cards(member)).to_have_count(1)
    expect(cards(member)).to_contain_text("สมาคมนักข่าวภาคใต้")
    expect(cards(member)).to_contain_text("Southern Journalists Association")
    assert query_of(member)["q"] == ["southern journ"]

    # The region filter, together with the search.
    search.fill("")
    search.press_sequentially("สำนักงาน", delay=20)
    expect(cards(member)).to_have_count(3)
    choose(member, "ภูมิภาค", "north")
    expect(cards(member)).to_have_count(2)
    assert sorted(card_names(member)) == ["สำนักงานประชาสัมพันธ์จังหวัดน่าน", "สำนักงานประชาสัมพันธ์จังหวัดแพร่"]
    expect(member).to_have_url(re.compile(r"[?&]region=north(&|$)"))
    assert (query_of(member)["q"], query_of(member)["region"]) == (["สำนักงาน"], ["north"]), member.url
    searched_url = member.url
    assert still_on_this_document(member)
    screenshot(member, "1-directory-results")

    # A result opens the profile; the back button brings the same results and the same search again.
    cards(member).get_by_role("link", name="สำนักงานประชาสัมพันธ์จังหวัดน่าน", exact=True).click()
    expect(member).to_have_url(f"{server.url}/organisations/nan")
    expect(member.get_by_role("heading", level=1)).to_have_text("สำนักงานประชาสัมพันธ์จังหวัดน่าน")
    expect(section(member, "about")).to_contain_text("แนะนำ สำนักงานประชาสัมพันธ์จังหวัดน่าน")
    expect(section(member, "contact")).to_contain_text("02 000 0000")  # members see the contact details
    expect(member.get_by_role("link", name="แก้ไข")).to_have_count(0)
    expect(member.locator("#section-logo form")).to_have_count(0)
    screenshot(member, "2-profile-seen-by-a-member")

    member.go_back()
    expect(member).to_have_url(searched_url)
    expect(member.locator("html")).to_have_attribute("lang", "th")
    expect(member.get_by_role("heading", level=1)).to_have_text("ทำเนียบสมาชิก")
    expect(cards(member)).to_have_count(2)
    assert sorted(card_names(member)) == ["สำนักงานประชาสัมพันธ์จังหวัดน่าน", "สำนักงานประชาสัมพันธ์จังหวัดแพร่"]
    expect(member.get_by_role("searchbox", name="ค้นหา")).to_have_value("สำนักงาน")
    expect(member.get_by_role("combobox", name=re.compile("^ภูมิภาค"))).to_have_value("north")
    screenshot(member, "3-back-to-the-results")

    # Pages: the West has 25 organisations, twenty a page, in Thai order.
    search = member.get_by_role("searchbox", name="ค้นหา")
    search.fill("")
    search.dispatch_event("input")
    expect(cards(member)).to_have_count(3)  # every organisation of the North
    choose(member, "ภูมิภาค", "west")
    expect(cards(member)).to_have_count(20)
    pager = member.get_by_role("navigation", name="หน้า")
    expect(pager).to_contain_text("หน้า 1 จาก 2")
    first_page = card_names(member)
    assert first_page == [f"เครือข่ายสื่อตะวันตก {n:02d}" for n in range(1, 21)]
    expect(pager.get_by_role("link", name="ก่อนหน้า")).to_have_count(0)
    stay_on_this_document(member)

    # "Next" right after typing in the search box: only the next page is asked for. (The search box's "change" on
    # leaving it used to send the search again, and its answer could land after page 2 and show page 1.)
    asked = []
    record = lambda request: asked.append(request.url) if "/directory" in request.url else None  # noqa: E731
    member.on("request", record)
    pager.get_by_role("link", name="ถัดไป", exact=True).click()
    expect(pager).to_contain_text("หน้า 2 จาก 2")
    expect(cards(member)).to_have_count(5)
    member.remove_listener("request", record)
    assert asked == [f"{server.url}/directory?page=2&q=&region=west&sector="], asked
    assert card_names(member) == [f"เครือข่ายสื่อตะวันตก {n:02d}" for n in range(21, 26)]
    assert (query_of(member)["page"], query_of(member)["region"]) == (["2"], ["west"]), member.url
    expect(pager.get_by_role("link", name="ถัดไป")).to_have_count(0)
    assert still_on_this_document(member)
    screenshot(member, "4-directory-page-2")

    pager.get_by_role("link", name="ก่อนหน้า", exact=True).click()
    expect(pager).to_contain_text("หน้า 1 จาก 2")
    assert card_names(member) == first_page
    assert query_of(member)["page"] == ["1"]

    # The back button within the directory: htmx restores the page shown before, and the filters show what the URL
    # says (htmx's copy of the page keeps the options as first drawn: "all regions").
    member.go_back()
    expect(pager).to_contain_text("หน้า 2 จาก 2")
    expect(cards(member)).to_have_count(5)
    assert query_of(member)["page"] == ["2"]
    expect(member.get_by_role("combobox", name=re.compile("^ภูมิภาค"))).to_have_value("west")
    expect(cards(member).first).to_contain_text("กาญจนบุรี")  # the province's name, not its code
    # When htmx's history cache no longer holds the page, it asks the server (with HX-Request) and puts the answer
    # in place of the whole body: the answer is the whole page, not only the results.
    member.evaluate("() => sessionStorage.removeItem('htmx-history-cache')")
    with member.expect_response(lambda response: response.request.headers.get("hx-history-restore-request")):
        member.go_back()
    expect(pager).to_contain_text("หน้า 1 จาก 2")
    expect(cards(member)).to_have_count(20)
    assert "page" not in query_of(member) and query_of(member)["region"] == ["west"]
    expect(nav_link(member, "ทำเนียบสมาชิก")).to_be_visible()
    expect(member.get_by_role("heading", level=1)).to_have_text("ทำเนียบสมาชิก")
    expect(member.get_by_role("combobox", name=re.compile("^ภูมิภาค"))).to_have_value("west")
    expect(member.locator("#results")).to_have_count(1)
    assert still_on_this_document(member)

    # A profile without a logo shows the name's first consonant, not a leading vowel (เ of เครือข่าย).
    cards(member).get_by_role("link", name="เครือข่ายสื่อตะวันตก 01", exact=True).click()
    expect(member.get_by_role("heading", level=1)).to_have_text("เครือข่ายสื่อตะวันตก 01")
    expect(member.locator("#section-logo .logo-empty")).to_have_text("ค")
    member.go_back()
    expect(cards(member)).to_have_count(20)

    # On a phone the directory fits the screen.
    member.set_viewport_size({"width": 390, "height": 844})
    assert fits_the_screen(member)
    screenshot(member, "5-directory-phone")

    # Her sessions end elsewhere ("log out everywhere" in another browser): the next live search takes the whole
    # page to the login form, not the login page into the results; logging in again brings the search back.
    member.set_viewport_size({"width": 1280, "height": 800})
    with server.app.app_context():
        end_all_sessions(find_user_by_email("anong@cmu.example"))
        db.session.commit()
    member.get_by_role("searchbox", name="ค้นหา").fill("ตะวันตก 0")  # one live search (typing may pause between keys)
    expect(member).to_have_url(re.compile(r"/login\?next="))
    expect(member.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบ")
    expect(member.locator("#results")).to_have_count(0)
    log_in(member, "anong@cmu.example", PASSWORD)
    expect(member).to_have_url(re.compile(r"/directory\?"))
    expect(member.get_by_role("searchbox", name="ค้นหา")).to_have_value("ตะวันตก 0")
    expect(cards(member)).to_have_count(11)  # every word matches: ตะวันตก and 0 (01 to 09, 10 and 20)
    screenshot(member, "6-back-after-logging-in-again")

    # Her organisation is suspended meanwhile: the next live search reloads the page, which says why.
    with server.app.app_context():
        coordinator = make_user("coord@network.example", is_admin=True)
        set_status(db.session.scalar(sa.select(Organisation).where(Organisation.slug == "cmu")),
                   OrgStatus.SUSPENDED, "ยังไม่ได้ต่ออายุสมาชิก", by=coordinator)
        db.session.commit()
    browser_problems.expect_http_error(403, "/directory")  # the refused search, then the page that says why
    member.get_by_role("searchbox", name="ค้นหา").press("End")
    member.get_by_role("searchbox", name="ค้นหา").press_sequentially("1", delay=20)
    expect(member.get_by_role("heading", level=1)).to_have_text("คุณไม่สามารถเข้าถึงหน้าสำหรับสมาชิกได้")
    expect(member.locator("main")).to_contain_text("ยังไม่ได้ต่ออายุสมาชิก")
    expect(member.locator("#request-error")).to_be_hidden()
    screenshot(member, "7-suspended-meanwhile")
