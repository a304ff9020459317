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

    # The link worked once (the page for an unusable link is answered with 400).
    browser_problems.expect_http_error(400, urlsplit(link).path)
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
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

    # The reset link worked once (the page for an unusable link is answered with 400).
    browser_problems.expect_http_error(400, urlsplit(link).path)
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("ไม่สามารถใช้ลิงก์นี้ได้")
    expect(other.get_by_role("button", name="บันทึกรหัสผ่านใหม่")).to_have_count(0)
    expect(other.get_by_role("link", name="ขอลิงก์ตั้งรหัสผ่านใหม่")).to_be_visible()

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
