"""Accounts and access in a real browser: an invitation from sending to first login, and a forgotten password.

The live server here mails through the test's SMTP server (aiosmtpd), so the links are read from real mail and
point at the live server itself (SERVER_NAME is its address).
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.organisations.models import Membership, MembershipInvitation, Role
from tests.support.browser import (
    choose,
    deliver,
    link_in,
    log_in,
    log_out,
    nav,
    only_mail,
    open_coordinator_tool,
    person_menu,
)
from tests.support.factories import make_org, make_user

pytestmark = pytest.mark.browser

WRONG_LOGIN = "อีเมลหรือรหัสผ่านไม่ถูกต้อง"


@pytest.fixture
def server(make_live_server, smtp):
    """The live server, delivering its outbox to the test's SMTP server instead of the development mailbox."""
    return make_live_server(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False)


@pytest.fixture
def live_server(server):
    """`page` and `new_page` open this module's server."""
    return server.url


def test_coordinator_invites_a_person_who_sets_up_their_account(page, new_page, server, smtp, screenshot,
                                                                 browser_problems):
    with server.app.app_context():
        organisation = make_org(name_th="สมาคมนักประชาสัมพันธ์ภาคเหนือ", name_en="Northern PR Association")
        make_user(email="coordinator@prnetwork.example", name="ผู้ประสานงาน เครือข่าย", is_admin=True,
                  password_hash=hash_password("ผู้ประสานงาน-2569"))
        db.session.commit()
        organisation_id, organisation_name = organisation.id, organisation.name_th

    # The coordinator logs in through the form and sends the invitation.
    page.goto("/login")
    log_in(page, "coordinator@prnetwork.example", "ผู้ประสานงาน-2569")
    expect(person_menu(page, "ผู้ประสานงาน เครือข่าย")).to_be_visible()
    open_coordinator_tool(page, "คำเชิญ")
    expect(page).to_have_url(f"{server.url}/invitations")
    expect(page.get_by_role("heading", level=1)).to_have_text("คำเชิญ")

    page.get_by_label("อีเมล", exact=True).fill("  Somchai.J@Example.org ")
    expect(page.get_by_role("combobox", name=re.compile("^บทบาท"))).to_have_value("member")  # not admin by default
    choose(page, "องค์กร", str(organisation_id))
    choose(page, "บทบาท", "member")
    choose(page, "ภาษาของคำเชิญ", "th")
    screenshot(page, "1-invitation-form")
    page.get_by_role("button", name="ส่งคำเชิญ", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("ส่งคำเชิญไปที่ somchai.j@example.org แล้ว")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text("somchai.j@example.org")
    screenshot(page, "2-invitation-sent")

    # On a phone the coordinator's long menu wraps instead of widening the page.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "2-invitation-sent-phone")

    # The worker delivers the invitation to the real SMTP server.
    deliver(server, 1)
    mail = only_mail(smtp, "somchai.j@example.org")
    assert mail["Subject"] == "คำเชิญเข้าร่วมพอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์"
    link = link_in(mail, server, "/invitations/accept/")

    # The invited person, in another browser, follows the link and sets up the account.
    invited = new_page()
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_contain_text(organisation_name)
    invited.get_by_label("ชื่อ-นามสกุล", exact=True).fill("สมชาย ใจดี")
    invited.get_by_label("รหัสผ่าน", exact=True).fill("รหัสผ่านยาวพอ2569")
    invited.get_by_label("กรอกรหัสผ่านใหม่อีกครั้ง", exact=True).fill("รหัสผ่านยาวพอ2569")
    screenshot(invited, "3-accept-form")
    invited.get_by_role("button", name="สร้างบัญชีของฉัน", exact=True).click()

    expect(invited).to_have_url(f"{server.url}/")
    expect(invited.locator(".flash-success")).to_have_text(
        f"ยินดีต้อนรับสู่พอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์ในนาม {organisation_name}")
    expect(person_menu(invited, "สมชาย ใจดี")).to_be_visible()
    expect(invited.get_by_role("heading", level=1)).to_have_text("สวัสดีคุณ สมชาย ใจดี")  # their home base
    screenshot(invited, "4-welcome")
    with server.app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="somchai.j@example.org"))
        assert user.name == "สมชาย ใจดี" and user.language == "th" and user.email_confirmed_at is not None
        assert [(m.organisation_id, m.role) for m in db.session.scalars(db.select(Membership).filter_by(user=user))] \
            == [(organisation_id, Role.MEMBER)]
        assert db.session.scalar(db.select(MembershipInvitation)).accepted_at is not None

    # English, then log out and in again with the new password.
    invited.get_by_role("button", name="English").click()
    expect(invited.locator("html")).to_have_attribute("lang", "en")
    expect(invited.get_by_role("heading", level=1)).to_have_text("Hello, สมชาย ใจดี")
    log_out(invited, thai=False)
    expect(invited.locator(".flash-success")).to_have_text("You have logged out.")
    expect(person_menu(invited, "สมชาย ใจดี")).to_have_count(0)

    nav(invited).get_by_role("link", name="Log in", exact=True).click()
    expect(invited.get_by_role("heading", level=1)).to_have_text("Log in")
    log_in(invited, "somchai.j@example.org", "รหัสผ่านยาวพอ2569", thai=False)
    expect(invited).to_have_url(f"{server.url}/")
    expect(person_menu(invited, "สมชาย ใจดี")).to_be_visible()
    expect(invited.locator("html")).to_have_attribute("lang", "en")
    screenshot(invited, "5-logged-in-again")

    # The link worked once: followed again, it says what happened and leads on, in the person's own language.
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text(re.compile("^Join "))
    expect(invited.get_by_text("You have already accepted this invitation")).to_be_visible()
    expect(invited.get_by_role("button", name="Go to my home page")).to_be_visible()
    expect(invited.get_by_role("button", name="Create my account")).to_have_count(0)
    expect(invited.get_by_role("link", name="Ask for a new password link")).to_have_count(0)  # not a password link
    screenshot(invited, "6-used-link")


def test_forgotten_password_round_trip(page, new_page, server, smtp, screenshot, browser_problems):
    with server.app.app_context():
        organisation = make_org()
        member = make_user(email="malee@member.example", name="มาลี ศรีสุข", organisation=organisation,
                           password_hash=hash_password("รหัสเดิมที่ลืมไป"))
        db.session.commit()
        member_id = member.id

    def stored():
        with server.app.app_context():
            user = db.session.get(User, member_id)
            return user.password_hash, user.session_token

    # Another browser of hers is logged in before the reset.
    other = new_page()
    other.goto("/login")
    log_in(other, "malee@member.example", "รหัสเดิมที่ลืมไป")
    expect(person_menu(other, "มาลี ศรีสุข")).to_be_visible()
    other.goto("/account")
    expect(other.get_by_role("heading", level=1)).to_have_text("ตั้งค่าบัญชี")

    # She asks for a link from the login page.
    page.goto("/login")
    page.get_by_role("link", name="ลืมรหัสผ่าน?").click()
    page.get_by_label("อีเมล", exact=True).fill("Malee@Member.example")
    page.get_by_role("button", name="ส่งลิงก์", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("โปรดตรวจสอบอีเมลของคุณ")
    expect(page.locator("main")).to_contain_text("malee@member.example")
    screenshot(page, "1-check-your-email")

    deliver(server, 1)
    mail = only_mail(smtp, "malee@member.example")
    assert mail["Subject"] == "ตั้งรหัสผ่านใหม่"
    link = link_in(mail, server, "/password/reset/")

    # Opening the link shows a form and changes nothing: the old password still logs in, elsewhere too.
    before = stored()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("ตั้งรหัสผ่านใหม่")
    expect(page.locator("main")).to_contain_text("malee@member.example")
    screenshot(page, "2-choose-new-password")
    assert stored() == before
    third = new_page()
    third.goto("/login")
    log_in(third, "malee@member.example", "รหัสเดิมที่ลืมไป")
    expect(person_menu(third, "มาลี ศรีสุข")).to_be_visible()

    page.get_by_label("รหัสผ่านใหม่", exact=True).fill("รหัสใหม่จำได้แน่นอน")
    page.get_by_label("กรอกรหัสผ่านใหม่อีกครั้ง", exact=True).fill("รหัสใหม่จำได้แน่นอน")
    page.get_by_role("button", name="บันทึกรหัสผ่านใหม่", exact=True).click()
    expect(page).to_have_url(f"{server.url}/")
    expect(page.locator(".flash-success")).to_have_text(
        "เปลี่ยนรหัสผ่านแล้ว ระบบได้ออกจากระบบในอุปกรณ์อื่นทั้งหมด")
    expect(person_menu(page, "มาลี ศรีสุข")).to_be_visible()
    screenshot(page, "3-password-changed")
    assert stored()[0] != before[0]

    # The browsers logged in before the reset are logged out.
    for elsewhere in (other, third):
        elsewhere.goto("/account")
        expect(elsewhere).to_have_url(re.compile(re.escape(f"{server.url}/login?next=")))
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบ")
    screenshot(other, "4-other-browser-logged-out")

    # She is told about the change by mail.
    deliver(server, 1)
    subjects = [m["Subject"] for m in smtp.to("malee@member.example")]
    assert subjects == ["ตั้งรหัสผ่านใหม่", "รหัสผ่านของคุณถูกเปลี่ยนแล้ว"]

    # The reset link worked once: followed again, it says what happened and leads to the login (answered with 400).
    browser_problems.expect_http_error(400, urlsplit(link).path)
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("ลิงก์นี้ถูกใช้ไปแล้ว")
    expect(other.get_by_role("main")).to_contain_text("รหัสผ่านของบัญชีนี้ถูกเปลี่ยนแล้ว")
    expect(other.get_by_role("button", name="บันทึกรหัสผ่านใหม่")).to_have_count(0)
    expect(other.get_by_role("main").get_by_role("link", name="เข้าสู่ระบบ", exact=True)).to_be_visible()

    # Out and in again: the old password fails, the new one works.
    log_out(page)
    expect(page.locator(".flash-success")).to_have_text("ออกจากระบบแล้ว")
    page.goto("/login")
    browser_problems.expect_http_error(422, "/login")  # the form comes back with its error
    log_in(page, "malee@member.example", "รหัสเดิมที่ลืมไป")
    expect(page.locator("#password-error")).to_have_text(WRONG_LOGIN)
    expect(person_menu(page, "มาลี ศรีสุข")).to_have_count(0)
    screenshot(page, "5-old-password-refused")
    log_in(page, "malee@member.example", "รหัสใหม่จำได้แน่นอน")
    expect(page).to_have_url(f"{server.url}/")
    expect(person_menu(page, "มาลี ศรีสุข")).to_be_visible()

    # She leaves the network (PDPA): the page asks first and says what stays; the box unticked, nothing happens.
    page.goto("/account")
    page.get_by_role("link", name="ขอลบบัญชีผู้ใช้").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ขอลบบัญชีผู้ใช้")
    expect(page.locator("main")).to_contain_text("การลงนามในบันทึกข้อตกลงความร่วมมือยังคงเก็บชื่อและตำแหน่ง")
    page.get_by_label("รหัสผ่านของคุณ", exact=True).fill("รหัสใหม่จำได้แน่นอน")
    browser_problems.expect_http_error(422, "/account/leave")
    page.get_by_role("button", name="ลบบัญชีผู้ใช้ของฉันถาวร").click()
    expect(page.locator("#confirmed-error")).to_have_text("โปรดทำเครื่องหมายในช่องเพื่อยืนยัน")
    screenshot(page, "6-leaving-asks-first")
    page.get_by_label("รหัสผ่านของคุณ", exact=True).fill("รหัสใหม่จำได้แน่นอน")
    page.get_by_label("ข้าพเจ้าเข้าใจว่าบัญชีผู้ใช้จะถูกลบถาวรและกู้คืนไม่ได้").check()
    page.get_by_role("button", name="ลบบัญชีผู้ใช้ของฉันถาวร").click()
    expect(page).to_have_url(f"{server.url}/")
    expect(page.locator(".flash-success")).to_have_text("ลบบัญชีผู้ใช้ของคุณแล้ว ขอบคุณที่ร่วมเป็นส่วนหนึ่งของเครือข่าย")
    expect(person_menu(page, "มาลี ศรีสุข")).to_have_count(0)
    with server.app.app_context():
        assert db.session.get(User, member_id).email == f"deleted-{member_id}@invalid"


def test_an_admin_changes_colleagues_and_hears_back_in_their_row(page, new_page, server, screenshot,
                                                                 browser_problems):
    with server.app.app_context():
        organisation = make_org(name_th="สำนักงานประชาสัมพันธ์จังหวัดน่าน")
        admin = make_user(email="admin@nan.example", name="อรุณ ผู้ดูแล", organisation=organisation,
                          role=Role.ORG_ADMIN, password_hash=hash_password("รหัสผ่านผู้ดูแล2569"))
        first = make_user(email="first@nan.example", name="บุญมี ทดลอง", organisation=organisation)
        second = make_user(email="second@nan.example", name="สมศรี ทดลอง", organisation=organisation)
        db.session.commit()
        slug = organisation.slug
        rows = {user.email: f"#colleague-{user.memberships[0].id}" for user in (admin, first, second)}

    def focused(page, element_id):
        page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id,
                               timeout=2000)
        return element_id

    page.goto("/login")
    log_in(page, "admin@nan.example", "รหัสผ่านผู้ดูแล2569")
    page.goto(f"/organisations/{slug}")
    row = page.locator(rows["first@nan.example"])
    row.get_by_label("ตำแหน่ง").fill("นักประชาสัมพันธ์")
    row.get_by_role("button", name="บันทึก", exact=True).click()
    expect(row.locator(".row-notice")).to_have_text("บันทึกแล้ว")  # in the row, not at the top of the page
    focused(page, rows["first@nan.example"][1:] + "-save"), "focus stays on the row's button"

    own = page.locator(rows["admin@nan.example"])
    browser_problems.expect_http_error(409, f"/organisations/{slug}/people/{rows['admin@nan.example'].split('-')[1]}")
    own.get_by_label("บทบาท").select_option("member")
    own.get_by_role("button", name="บันทึก", exact=True).click()
    expect(own.locator(".row-notice")).to_contain_text("องค์กรต้องมีผู้ดูแลข้อมูลองค์กรอย่างน้อยหนึ่งคน")
    expect(own.get_by_label("บทบาท")).to_have_value("org_admin")  # what is saved, said why
    screenshot(page, "1-refused-in-the-row")

    # Removing asks in the row; Cancel brings the row back; asked again and confirmed, the row says what happened.
    row.get_by_role("button", name="นำออก", exact=True).click()
    expect(row).to_contain_text("นำ บุญมี ทดลอง ออกจาก")
    focused(page, rows["first@nan.example"][1:] + "-cancel")
    row.get_by_role("button", name="ยกเลิก", exact=True).click()
    expect(row.get_by_label("ตำแหน่ง")).to_have_value("นักประชาสัมพันธ์")
    focused(page, rows["first@nan.example"][1:] + "-remove")
    row.get_by_role("button", name="นำออก", exact=True).click()
    row.get_by_role("button", name="ใช่ นำออก", exact=True).click()
    expect(row.locator(".row-notice")).to_contain_text("บุญมี ทดลอง ไม่ได้อยู่ในองค์กรแล้ว")
    focused(page, rows["first@nan.example"][1:] + "-notice")
    screenshot(page, "2-removed-in-the-row")

    # On a phone the table stacks as cards: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.querySelector('#people .overflow-auto').scrollWidth"
                         " <= document.querySelector('#people .overflow-auto').clientWidth")
    screenshot(page, "3-people-on-a-phone")

    # Without JavaScript the same buttons lead to a page that asks, and back to the table with the answer.
    plain = new_page(java_script_enabled=False)
    plain.goto("/login")
    log_in(plain, "admin@nan.example", "รหัสผ่านผู้ดูแล2569")
    plain.goto(f"/organisations/{slug}")
    plain.locator(rows["second@nan.example"]).get_by_role("button", name="นำออก", exact=True).click()
    expect(plain).to_have_url(re.compile(r"/confirm-removal#colleague-\d+$"))
    asking = plain.locator(rows["second@nan.example"])
    expect(asking).to_contain_text("นำ สมศรี ทดลอง ออกจาก")
    asking.get_by_role("button", name="ใช่ นำออก", exact=True).click()
    expect(plain).to_have_url(f"{server.url}/organisations/{slug}#people")
    expect(plain.locator("#people-notice")).to_contain_text("สมศรี ทดลอง ไม่ได้อยู่ในองค์กรแล้ว")
    expect(plain.locator(rows["second@nan.example"])).to_have_count(0)
    screenshot(plain, "4-removed-without-javascript")
