"""Membership applications in a real browser: from the public form through the coordinators' queue to the new
organisation admin's first login; and a question to the applicant, answered on the private status page.

As in test_accounts.py, the live server mails through the test's SMTP server (aiosmtpd), so every link followed
here is read from real mail and points at the live server itself.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from portal.applications import services
from portal.applications.models import Application, ApplicationStatus
from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.organisations.models import Membership, Role
from tests.support.browser import deliver, link_in, log_in, nav, nav_link, open_coordinator_tool, person_menu
from tests.support.factories import make_user

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@prnetwork.example"
COORDINATOR_NAME = "ผู้ประสานงาน เครือข่าย"
COORDINATOR_PASSWORD = "ผู้ประสานงาน-2569"
ORGANISATION = "สำนักงานประชาสัมพันธ์จังหวัดน่าน"
CHOOSE = "โปรดเลือกหนึ่งรายการ"  # a select left unchosen: "please choose", not "please fill in"

# The public form's labels in Thai, and what the applicant types (see tests/members/conftest.py's FORM).
TYPED = {
    "ชื่อองค์กรภาษาไทย": ORGANISATION,
    "ชื่อองค์กรภาษาอังกฤษ": "Nan Provincial PR Office",
    "จังหวัด": "น่าน",
    "เว็บไซต์": "https://www.nan-pr.example",
    "ช่องทางประชาสัมพันธ์ (เพจ Facebook, LINE Official Account, YouTube ฯลฯ) บรรทัดละหนึ่งช่องทาง":
        "Facebook: สปข.น่าน\nLINE: @nanpr",
    "แนะนำภารกิจขององค์กรโดยสังเขป": "ประชาสัมพันธ์ข่าวสารของจังหวัดน่าน",
    "ชื่อ-นามสกุลของคุณ": "มาลี ศรีน่าน",
    "อีเมลที่ทำงานของคุณ": "Malee@Nan-PR.example",
    "ตำแหน่งของคุณ": "ประชาสัมพันธ์จังหวัด",
    "เหตุใดจึงต้องการเข้าร่วมเครือข่าย": "อยากแลกเปลี่ยนข่าวสารกับเครือข่ายทั่วประเทศ",
}
APPLICANT = "malee@nan-pr.example"
CONSENT = "ข้าพเจ้าได้อ่านข้อตกลงของเครือข่ายแล้ว และยอมรับในนามขององค์กร"

# Other applications already in the queue, for the filter and the search to leave out.
OTHERS = [
    dict(name_th="สมาคมนักข่าวภาคใต้", name_en="Southern Journalists Association", sector="media", region="south",
         province="สงขลา", applicant_name="สมศักดิ์ ทะเลงาม", applicant_email="somsak@south-news.example"),
    dict(name_th="มหาวิทยาลัยเชียงใหม่ ฝ่ายสื่อสารองค์กร", name_en="Chiang Mai University Corporate Communications",
         sector="academic", region="north", province="เชียงใหม่", applicant_name="อรุณี ดอยคำ",
         applicant_email="arunee@cmu.example"),
]


@pytest.fixture
def server(make_live_server, smtp):
    """The live server, mailing to the test's SMTP server; the application form's rate limit is out of the way."""
    return make_live_server(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False,
                            APPLICATION_RATE_LIMIT="100 per hour")


@pytest.fixture
def live_server(server):
    """`page` and `new_page` open this module's server."""
    return server.url


@pytest.fixture
def coordinator_id(server):
    with server.app.app_context():
        coordinator = make_user(email=COORDINATOR, name=COORDINATOR_NAME, is_admin=True,
                                password_hash=hash_password(COORDINATOR_PASSWORD))
        db.session.commit()
        return coordinator.id


def add_application(server, **fields):
    """An application sent and confirmed as the public form would; return its id."""
    values = {"sector": "government", "website": "", "channels": "", "description": "งานประชาสัมพันธ์ขององค์กร",
              "applicant_position": "หัวหน้างานประชาสัมพันธ์", "motivation": "อยากร่วมงานกับเครือข่าย", **fields}
    with server.app.app_context():
        application = services.submit_application("th", **values)
        services.confirm_application(application)
        db.session.commit()
        return application.id


def mails_to(smtp, address):
    return {message["Subject"]: message for message in smtp.to(address)}


def choose(page, label, value):
    """Pick an option of the select labelled `label` (when the select is inside its label, the accessible name
    also holds the chosen option's text)."""
    page.get_by_role("combobox", name=re.compile("^" + re.escape(label))).select_option(value)


def queue_rows(page):
    return page.locator("#results table tbody tr")


def decide(page, decision, note):
    """Choose a decision and send the form, checking that htmx posts it; return the response."""
    choose(page, "ผลการพิจารณา", decision)
    page.get_by_label("ข้อความถึงผู้สมัคร", exact=True).fill(note)
    with page.expect_response(re.compile(r"/admin/applications/\d+/decide$")) as answer:
        page.get_by_role("button", name="บันทึกผลการพิจารณา", exact=True).click()
    response = answer.value
    assert response.request.method == "POST" and response.request.headers.get("hx-request") == "true"
    return response


def test_application_from_the_public_form_to_the_new_organisation_admin(
        page, new_page, server, smtp, coordinator_id, screenshot, browser_problems):
    for other in OTHERS:
        add_application(server, **other)
    deliver(server, 3 * len(OTHERS))  # each: the confirmation link, the receipt and the coordinator's notice
    smtp.messages.clear()

    # 1. A visitor finds the form from the home page.
    page.goto("/")
    page.get_by_role("main").get_by_role("button", name="สมัครสมาชิก", exact=True).click()
    expect(page).to_have_url(f"{server.url}/apply")
    expect(page.get_by_role("heading", level=1)).to_have_text("สมัครเป็นสมาชิกเครือข่ายประชาสัมพันธ์")

    # The first try leaves the province out: the form comes back (422) with the error by the field, the rest kept.
    for label, value in TYPED.items():
        if label != "จังหวัด":
            page.get_by_label(label, exact=True).fill(value)
    choose(page, "ประเภทองค์กร", "government")
    choose(page, "ภูมิภาค", "north")
    # In the rows of two or three fields each label sits above its own field, not beside it in a cell of its own.
    for label in ("ชื่อองค์กรภาษาไทย", "ประเภทองค์กร", "จังหวัด", "ตำแหน่งของคุณ"):
        caption = page.locator("label", has_text=re.compile("^" + label + "$")).bounding_box()
        box = page.get_by_label(label, exact=True).bounding_box()
        assert caption["x"] == box["x"] and caption["y"] < box["y"], (label, caption, box)
    page.get_by_label(CONSENT).check()
    page.get_by_label("ข้าพเจ้าได้อ่านประกาศความเป็นส่วนตัวแล้ว").check()  # the privacy notice (PDPA)
    screenshot(page, "1-application-form")
    browser_problems.expect_http_error(422, "/apply")
    page.get_by_role("button", name="ส่งใบสมัคร", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text("โปรดแก้ไขช่องที่ระบุไว้ด้านล่าง")
    province = page.get_by_label("จังหวัด", exact=True)
    expect(province).to_have_attribute("aria-invalid", "true")
    expect(province).to_have_accessible_description(CHOOSE)
    expect(page.locator("#province-error")).to_have_text(CHOOSE)
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    for label, value in TYPED.items():
        if label != "จังหวัด":
            expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(page.get_by_role("combobox", name=re.compile("^ประเภทองค์กร"))).to_have_value("government")
    expect(page.get_by_role("combobox", name=re.compile("^ภูมิภาค"))).to_have_value("north")
    expect(page.get_by_label(CONSENT)).to_be_checked()
    screenshot(page, "2-application-form-error")
    with server.app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == len(OTHERS)

    # On a phone the form fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "2-application-form-error-phone")
    page.set_viewport_size({"width": 1280, "height": 720})

    province.select_option("TH-55")  # น่าน, from the province table
    page.get_by_role("button", name="ส่งใบสมัคร", exact=True).click()
    expect(page).to_have_url(f"{server.url}/apply/sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("โปรดตรวจสอบอีเมลของคุณ")
    expect(page.get_by_role("main")).to_contain_text(APPLICANT)  # the address the link went to, and a resend
    expect(page.get_by_role("button", name="ส่งลิงก์อีกครั้ง", exact=True)).to_be_visible()
    screenshot(page, "3-check-your-email")

    # 2. The applicant confirms the address from the mail and lands on the private status page.
    deliver(server, 1)
    [confirmation] = smtp.to(APPLICANT)
    assert confirmation["Subject"] == "ยืนยันใบสมัครสมาชิกเครือข่ายประชาสัมพันธ์"
    page.goto(link_in(confirmation, server, "/apply/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ยืนยันใบสมัครของคุณ")
    expect(page.locator("main")).to_contain_text(ORGANISATION)
    page.get_by_role("button", name="ยืนยันและส่งถึงผู้ประสานงานเครือข่าย", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(f"{server.url}/apply/status/")))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ใบสมัครสมาชิกของ {ORGANISATION}")
    expect(page.locator("main .status")).to_have_text("รอพิจารณา")
    screenshot(page, "4-status-pending")

    deliver(server, 2)  # the receipt with the status link, and the coordinator's notice
    assert set(mails_to(smtp, APPLICANT)) == {"ยืนยันใบสมัครสมาชิกเครือข่ายประชาสัมพันธ์",
                                              "เราได้รับใบสมัครของคุณแล้ว"}
    receipt_link = link_in(mails_to(smtp, APPLICANT)["เราได้รับใบสมัครของคุณแล้ว"], server, "/apply/status/")
    assert [m["Subject"] for m in smtp.to(COORDINATOR)] == [f"ใบสมัครสมาชิกใหม่: {ORGANISATION}"]

    # 3. A coordinator, in another browser, finds the application in the queue with a filter and the search.
    coordinator = new_page()
    coordinator.goto("/login")
    log_in(coordinator, COORDINATOR, COORDINATOR_PASSWORD)
    expect(person_menu(coordinator, COORDINATOR_NAME)).to_be_visible()
    open_coordinator_tool(coordinator, "รายการรออนุมัติ")
    expect(coordinator).to_have_url(f"{server.url}/admin/applications")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("รายการรออนุมัติ")
    expect(coordinator.get_by_role("search")).to_have_count(1)
    expect(queue_rows(coordinator)).to_have_count(3)
    expect(coordinator.locator("#results")).to_contain_text("รอพิจารณา 3 รายการ")

    choose(coordinator, "ภูมิภาค", "north")
    expect(queue_rows(coordinator)).to_have_count(2)  # the southern one is left out, without a page load
    expect(coordinator.locator("#results")).not_to_contain_text("สมาคมนักข่าวภาคใต้")
    expect(coordinator).to_have_url(re.compile(r"[?&]region=north(&|$)"))

    search = coordinator.get_by_role("searchbox", name="ค้นหา")
    search.press_sequentially("จังหวัดน่าน", delay=20)
    expect(queue_rows(coordinator)).to_have_count(1)
    expect(queue_rows(coordinator)).to_contain_text(ORGANISATION)
    expect(coordinator).to_have_url(re.compile(r"[?&]q=[^&]+"))
    query = parse_qs(urlsplit(coordinator.url).query)
    assert (query["q"], query["region"]) == (["จังหวัดน่าน"], ["north"]), coordinator.url
    expect(coordinator.get_by_role("combobox", name=re.compile("^ภูมิภาค"))).to_have_value("north")
    screenshot(coordinator, "5-queue-searched")

    # The pushed URL is a page of its own: reloading it shows the same result.
    coordinator.reload()
    expect(queue_rows(coordinator)).to_have_count(1)
    expect(search).to_have_value("จังหวัดน่าน")

    coordinator.get_by_role("link", name=ORGANISATION, exact=True).click()
    expect(coordinator).to_have_url(re.compile(re.escape(f"{server.url}/admin/applications/") + r"\d+$"))
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    details = coordinator.locator("main dl.details")
    for text in ("Nan Provincial PR Office", "หน่วยงานภาครัฐ", "ภาคเหนือ, น่าน", "https://www.nan-pr.example",
                 "LINE: @nanpr", "มาลี ศรีน่าน, ประชาสัมพันธ์จังหวัด (malee@nan-pr.example)"):
        expect(details).to_contain_text(text)
    expect(coordinator.locator("#decision .status")).to_have_text("รอพิจารณา")
    screenshot(coordinator, "6-review")

    welcome = "ยินดีต้อนรับสู่เครือข่ายครับ\nพบกันในการประชุมภาคเหนือเดือนหน้า"
    response = decide(coordinator, "approve", welcome)
    assert response.status == 200
    assert response.headers.get("hx-redirect") == urlsplit(coordinator.url).path
    expect(coordinator.locator(".flash-success")).to_have_text("บันทึกผลการพิจารณาแล้ว: อนุมัติแล้ว")
    expect(coordinator.locator("#decision .status")).to_have_text("อนุมัติแล้ว")
    expect(coordinator.locator("#decision")).to_contain_text(f"โดย {COORDINATOR_NAME}")
    expect(coordinator.locator("#decision blockquote")).to_have_text(welcome)
    expect(coordinator.locator("#decision form")).to_have_count(0)
    history = coordinator.locator("ul.history li")
    expect(history).to_have_count(3)
    expect(history.nth(2)).to_contain_text(f"อนุมัติใบสมัคร · {COORDINATOR_NAME}")
    screenshot(coordinator, "7-approved")

    # Decided applications leave the pending list.
    coordinator.get_by_role("link", name="กลับสู่รายการรออนุมัติ").click()
    expect(queue_rows(coordinator)).to_have_count(2)
    expect(coordinator.locator("#results")).not_to_contain_text(ORGANISATION)

    # 4. The applicant hears of the approval and is invited as the new organisation's admin.
    deliver(server, 2)
    mails = mails_to(smtp, APPLICANT)
    approval = mails["ใบสมัครของคุณได้รับการอนุมัติแล้ว"]
    assert "พบกันในการประชุมภาคเหนือเดือนหน้า" in approval.get_body(("plain",)).get_content()
    invitation = mails["คำเชิญเข้าร่วมพอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์"]
    assert len(mails) == 4, list(mails)

    page.goto(receipt_link)  # the status link in the receipt shows the decision
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ใบสมัครสมาชิกของ {ORGANISATION}")
    expect(page.locator("main .status")).to_have_text("อนุมัติแล้ว")
    expect(page.locator("main blockquote")).to_have_text(welcome)
    expect(page.get_by_role("link", name=re.compile("^ถอนใบสมัคร"))).to_have_count(0)

    page.goto(link_in(invitation, server, "/invitations/accept/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ORGANISATION)
    expect(page.get_by_label("ชื่อ-นามสกุล", exact=True)).to_have_value("มาลี ศรีน่าน")  # given when applying
    page.get_by_label("รหัสผ่าน", exact=True).fill("รหัสผ่านยาวพอ2569")
    page.get_by_label("กรอกรหัสผ่านใหม่อีกครั้ง", exact=True).fill("รหัสผ่านยาวพอ2569")
    page.get_by_role("button", name="สร้างบัญชีของฉัน", exact=True).click()
    expect(page).to_have_url(f"{server.url}/")
    expect(page.locator(".flash-success")).to_have_text(
        f"ยินดีต้อนรับสู่พอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์ในนาม {ORGANISATION}")
    expect(person_menu(page, "มาลี ศรีน่าน")).to_be_visible()
    nav(page).get_by_text("องค์กรของฉัน").click()
    expect(nav_link(page, "คำเชิญ")).to_be_visible()  # org admins invite, from their organisation's menu
    expect(nav(page).get_by_role("link", name="รายการรออนุมัติ")).to_have_count(0)  # but are not coordinators
    screenshot(page, "8-organisation-admin")

    with server.app.app_context():
        application = db.session.scalar(db.select(Application).filter_by(applicant_email=APPLICANT))
        assert application.status == ApplicationStatus.APPROVED and application.reviewer_id == coordinator_id
        user = db.session.scalar(db.select(User).filter_by(email=APPLICANT))
        assert [(m.organisation_id, m.role) for m in db.session.scalars(db.select(Membership).filter_by(user=user))] \
            == [(application.organisation_id, Role.ORG_ADMIN)]


def test_coordinator_asks_and_the_applicant_answers_on_the_status_page(
        page, new_page, server, smtp, coordinator_id, screenshot, browser_problems):
    application_id = add_application(
        server, name_th=ORGANISATION, region="north", province="น่าน", applicant_name="มาลี ศรีน่าน",
        applicant_email=APPLICANT)
    deliver(server, 3)  # the confirmation link, the receipt and the coordinator's notice
    smtp.messages.clear()
    review = f"/admin/applications/{application_id}"

    coordinator = new_page()
    coordinator.goto(review)
    expect(coordinator).to_have_url(re.compile(re.escape(f"{server.url}/login?next=")))
    log_in(coordinator, COORDINATOR, COORDINATOR_PASSWORD)
    expect(coordinator).to_have_url(f"{server.url}{review}")

    # A question must say something: the form comes back in place (htmx swaps the 422) with the error.
    browser_problems.expect_http_error(422, f"{review}/decide")
    response = decide(coordinator, "ask_info", "  ")
    assert response.status == 422
    expect(coordinator.locator("#note-error")).to_have_text("โปรดระบุข้อมูลที่ต้องการทราบ")
    expect(coordinator.get_by_role("combobox", name=re.compile("^ผลการพิจารณา"))).to_have_value("ask_info")
    expect(coordinator.locator(".flash-success")).to_have_count(0)
    screenshot(coordinator, "1-question-missing")

    question = "โปรดแนบหนังสือรับรองจากผู้ว่าราชการจังหวัด\nหรือระบุชื่อผู้บังคับบัญชา"
    assert decide(coordinator, "ask_info", question).status == 200
    expect(coordinator.locator(".flash-success")).to_have_text("บันทึกผลการพิจารณาแล้ว: ขอข้อมูลเพิ่มเติม")
    expect(coordinator.locator("main blockquote").first).to_have_text(question)
    expect(coordinator.locator("#decision .status")).to_have_text("ขอข้อมูลเพิ่มเติม")

    deliver(server, 1)
    [asked] = smtp.to(APPLICANT)
    assert asked["Subject"] == "ผู้ประสานงานเครือข่ายขอข้อมูลเพิ่มเติม"
    page.goto(link_in(asked, server, "/apply/status/"))
    expect(page.locator("main .status")).to_have_text("ขอข้อมูลเพิ่มเติม")
    expect(page.locator("main blockquote")).to_have_text(question)
    answer = "แนบหนังสือรับรองส่งทางอีเมลแล้ว\nผู้บังคับบัญชา: นายสมชาย ใจดี"
    page.get_by_label("คำตอบของคุณ", exact=True).fill(answer)
    screenshot(page, "2-status-question")
    page.get_by_role("button", name="ส่งคำตอบ", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("ขอบคุณ คำตอบของคุณส่งถึงผู้ประสานงานเครือข่ายแล้ว")
    expect(page.locator("main .status")).to_have_text("รอพิจารณา")
    expect(page.get_by_label("คำตอบของคุณ")).to_have_count(0)
    screenshot(page, "3-status-answered")

    coordinator.reload()
    expect(coordinator.get_by_role("heading", name="คำตอบ", exact=True)).to_be_visible()
    expect(coordinator.locator("main blockquote").nth(1)).to_have_text(answer)
    expect(coordinator.locator("#decision .status")).to_have_text("รอพิจารณา")
    expect(coordinator.locator("ul.history li").last).to_contain_text("ผู้สมัครตอบคำถาม · ผู้สมัคร")
    screenshot(coordinator, "4-review-with-answer")

    deliver(server, 1)
    assert [m["Subject"] for m in smtp.to(COORDINATOR)] == [f"คำตอบจาก {ORGANISATION}"]
