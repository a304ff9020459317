"""Agreements in a real browser: an organisation admin drafts a cooperation agreement, previews and publishes it,
signs it in Thai; the partner's signatory follows the mailed link, signs in English; the certificate's sealed PDF
names both organisations, and the public verify page accepts it and names a modified copy.

The live server mails through the test's SMTP server (aiosmtpd).
"""

import io
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from portal.agreements.certificate import read_back
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.organisations.models import Organisation, OrgStatus
from portal.organisations.profiles import set_status
from tests.support.agreements import make_signatory
from tests.support.browser import deliver, link_in, log_in, nav_link, only_mail
from tests.support.network import PASSWORD, build_network

pytestmark = pytest.mark.browser

HOME = "สำนักงานประชาสัมพันธ์บ้านเรา"
OTHER_TH, OTHER_EN = "มหาวิทยาลัยอื่น", "Another University"
TITLE_TH, TITLE_EN = "ข้อตกลงแลกเปลี่ยนข่าวสารภาคเหนือ", "Northern news exchange agreement"


@pytest.fixture
def server(make_live_server, smtp):
    return make_live_server(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False)


@pytest.fixture
def live_server(server):
    return server.url


def thai_letters(text):
    """Text read back from a PDF drops SARA AM's nikhahit (see MACHINE-NOTES): compare with ำ as า, no spaces."""
    return re.sub(r"\s+", "", text.replace("ำ", "า"))


def test_draft_publish_sign_in_two_languages_and_verify_the_certificate(server, smtp, new_page, screenshot,
                                                                        browser_problems):
    network = build_network(server.app)
    with server.app.app_context():
        make_signatory(network["org_admin"])
        make_signatory(network["other_admin"])
        other_admin = find_user_by_email(network["other_admin"])
        other_admin.language = "en"
        other_admin.memberships[0].organisation.name_en = OTHER_EN
        db.session.commit()

    # home's admin drafts, previews and publishes, in Thai.
    admin = new_page()
    admin.goto("/login")
    log_in(admin, network["org_admin"], PASSWORD)
    nav_link(admin, "ข้อตกลง").click()
    admin.evaluate("() => document.fonts.ready.then(() => true)")  # no layout shift under the click below
    admin.get_by_role("button", name=f"ร่างบันทึกข้อตกลงความร่วมมือของ {HOME}").click()
    admin.get_by_label("ชื่อข้อตกลงภาษาไทย").fill(TITLE_TH)
    admin.get_by_label("ชื่อข้อตกลงภาษาอังกฤษ").fill(TITLE_EN)
    admin.get_by_label(re.compile("^ข้อความภาษาไทย")).fill("# ข้อตกลง\n\nแบ่งปัน**ข่าวสาร**กันภายใน 1 ชั่วโมง\n\n"
                                                          "<script>alert(1)</script>")
    admin.get_by_label("ข้อความภาษาอังกฤษ").fill("# Agreement\n\nShare **news** within one hour.")
    admin.get_by_label("กำหนดลงนาม").fill((date.today() + timedelta(days=14)).isoformat())
    admin.get_by_label("มีผลตั้งแต่").fill(date.today().isoformat())
    admin.get_by_label("คู่สัญญาอื่น").select_option(label=OTHER_TH)
    admin.get_by_role("button", name="บันทึกร่าง").click()
    preview = admin.locator(".agreement-preview")
    expect(preview.locator("strong").first).to_have_text("ข่าวสาร")  # Markdown rendered
    expect(preview.locator("script")).to_have_count(0)  # raw HTML removed
    screenshot(admin, "draft")
    admin.get_by_role("button", name="เผยแพร่…").click()
    admin.get_by_role("button", name="เผยแพร่และเชิญคู่สัญญาลงนาม").click()
    expect(admin.locator(".status-agreement-open")).to_be_visible()

    # home's admin signs in Thai.
    admin.get_by_role("button", name="อ่านและลงนาม").click()
    with admin.expect_download() as downloaded:  # the text to read first, as a PDF
        admin.get_by_role("link", name="ดาวน์โหลดข้อความเป็น PDF").click()
    text_pdf = PdfReader(downloaded.value.path())
    assert thai_letters(TITLE_TH) in thai_letters("".join(page.extract_text() for page in text_pdf.pages))
    admin.get_by_label("ตำแหน่งของคุณ").fill("ผู้อำนวยการสำนักงาน")
    admin.locator("#consent").check()
    admin.get_by_label("รหัสผ่านของคุณ เพื่อยืนยัน").filter(visible=True).fill(PASSWORD)
    screenshot(admin, "sign-thai")
    admin.get_by_role("button", name="ลงนาม", exact=True).click()
    expect(admin.get_by_text("ลงนามแล้ว 1 จาก 2 ฝ่าย")).to_be_visible()

    # other's signatory follows the mailed link, in English, and signs.
    deliver(server, 2)  # the request to sign, to each party's signatory
    message = only_mail(smtp, network["other_admin"])
    assert message["Subject"] == f"Please sign: {TITLE_EN}"
    link = link_in(message, server, "/agreements/")
    partner = new_page(locale="en-GB")
    partner.goto(link)
    # The mailed link carries its recipient's language: the login page it leads to is already in English.
    expect(partner.locator("html")).to_have_attribute("lang", "en")
    log_in(partner, network["other_admin"], PASSWORD, thai=False)
    expect(partner.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    partner.get_by_label("Your position").fill("Director of Communications")
    partner.locator("#consent").check()
    partner.get_by_label("Your password, to confirm").filter(visible=True).fill("not my password")
    browser_problems.expect_http_error(422, urlsplit(link).path)
    partner.get_by_role("button", name="Sign", exact=True).click()
    server_error = partner.get_by_text("The password is not correct.")
    expect(server_error).to_be_visible()
    expect(partner.get_by_label("Your position")).to_have_value("Director of Communications")  # input kept
    partner.get_by_label("Your password, to confirm").filter(visible=True).fill(PASSWORD)
    partner.locator("#consent").check()
    partner.get_by_role("button", name="Sign", exact=True).click()
    expect(partner.locator(".status-agreement-complete")).to_be_visible()
    partner.set_viewport_size({"width": 390, "height": 844})
    screenshot(partner, "complete-phone")
    partner.set_viewport_size({"width": 1280, "height": 900})

    # The certificate: its page, its sealed PDF naming both organisations.
    partner.get_by_role("button", name="The certificate").click()
    number = partner.locator("dl.certificate-facts code").first.inner_text()
    screenshot(partner, "certificate")
    with partner.expect_download() as downloaded:
        partner.get_by_role("button", name="Download the sealed PDF").click()
    content = open(downloaded.value.path(), "rb").read()
    text = thai_letters("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))
    assert thai_letters(OTHER_EN) in text and thai_letters(HOME) in text and thai_letters("ผู้อำนวยการสำนักงาน") in text
    with server.app.app_context():  # in this thread Playwright's event loop runs: pyHanko steps aside from it
        reading = read_back(content)
    assert (reading.status, reading.number) == ("valid", number), reading.reason

    # Anyone verifies the PDF on the public page; a copy with one changed byte is named as modified.
    visitor = new_page()
    for upload, verdict in ((content, "ถูกต้อง"), (_changed(content), "ถูกแก้ไข")):
        visitor.goto("/verify")
        visitor.locator("input[type=file]").set_input_files(
            files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": upload}])
        visitor.get_by_role("button", name="ตรวจสอบ", exact=True).click()
        expect(visitor.locator("#verdict h2")).to_have_text(verdict)
    screenshot(visitor, "verify-modified")
    visitor.set_viewport_size({"width": 390, "height": 844})
    screenshot(visitor, "verify-modified-phone")


def _changed(content):
    """The PDF with one byte of its first content stream changed (the file still opens)."""
    start = content.index(b"stream\n") + len(b"stream\n") + 20
    return content[:start] + bytes([content[start] ^ 0x01]) + content[start + 1:]


def test_a_coordinator_publishes_the_charter_and_each_member_signs_in_its_own_language(server, smtp, new_page,
                                                                                        screenshot):
    """The charter: a coordinator drafts and publishes it, every active member organisation is a party; home signs
    in Thai, other in English, and the charter is signed by every party, its sealed certificate valid."""
    network = build_network(server.app)
    with server.app.app_context():
        make_signatory(network["org_admin"])
        make_signatory(network["other_admin"])
        find_user_by_email(network["other_admin"]).language = "en"
        listed = db.session.get(Organisation, network["listed_id"])
        set_status(listed, OrgStatus.SUSPENDED, "ทดสอบ", by=find_user_by_email(network["coordinator"]))
        db.session.commit()
    coordinator = new_page()
    coordinator.goto("/login")
    log_in(coordinator, network["coordinator"], PASSWORD)
    coordinator.goto("/agreements")
    coordinator.get_by_role("button", name="ร่างธรรมนูญเครือข่าย").click()
    coordinator.get_by_label("ชื่อข้อตกลงภาษาไทย").fill("ธรรมนูญเครือข่ายประชาสัมพันธ์")
    coordinator.get_by_label("ชื่อข้อตกลงภาษาอังกฤษ").fill("Charter of the PR Network")
    coordinator.get_by_label(re.compile("^ข้อความภาษาไทย")).fill("1. เครือข่ายแนวราบ\n2. ช่วยกันเผยแพร่ข่าว")
    coordinator.get_by_label("ข้อความภาษาอังกฤษ").fill("1. A flat network\n2. We share each other's news")
    coordinator.get_by_label("กำหนดลงนาม").fill((date.today() + timedelta(days=30)).isoformat())
    coordinator.get_by_role("button", name="บันทึกร่าง").click()
    coordinator.get_by_role("button", name="เผยแพร่…").click()
    coordinator.get_by_role("button", name="เผยแพร่และเชิญคู่สัญญาลงนาม").click()
    expect(coordinator.locator("table.agreement-status tbody tr")).to_have_count(2)  # the suspended one is no party

    for email, thai, position in ((network["org_admin"], True, "ผู้อำนวยการ"),
                                  (network["other_admin"], False, "Director")):
        signer = new_page()
        signer.goto("/login")
        log_in(signer, email, PASSWORD)
        nav_link(signer, "ข้อตกลง" if thai else "Agreements").click()
        signer.get_by_role("link", name="ธรรมนูญเครือข่ายประชาสัมพันธ์" if thai else "Charter of the PR Network").click()
        signer.get_by_role("button", name="อ่านและลงนาม" if thai else "Read and sign").click()
        signer.get_by_label("ตำแหน่งของคุณ" if thai else "Your position").fill(position)
        signer.locator("#consent").check()
        signer.get_by_label("รหัสผ่านของคุณ เพื่อยืนยัน" if thai else "Your password, to confirm").filter(visible=True).fill(PASSWORD)
        signer.get_by_role("button", name="ลงนาม" if thai else "Sign", exact=True).click()
    expect(signer.locator(".status-agreement-complete")).to_have_text("Signed by every party")
    signer.get_by_role("button", name="The certificate").click()
    with signer.expect_download() as downloaded:
        signer.get_by_role("button", name="Download the sealed PDF").click()
    content = open(downloaded.value.path(), "rb").read()
    with server.app.app_context():
        assert read_back(content).status == "valid"
    screenshot(signer, "certificate-english")
