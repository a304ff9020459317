"""Accessibility: axe-core (the engine browsers' own audits use) finds nothing on the portal's pages.

Each kind of person opens the pages they use, in Thai, in Chromium; axe-core checks each page as rendered (names of
controls, headings in order, contrast, table headers, landmarks...). One English page checks the other language.
"""

from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.agreements import drafts, signing
from portal.agreements.models import AgreementKind, Answer
from portal.alerts import services as alerts
from portal.applications.services import confirm_application, submit_application
from portal.auth.passwords import hash_password
from portal.auth.services import find_user_by_email
from portal.events import audiences
from portal.events import services as events
from portal.extensions import db
from portal.mail.models import OutboxStatus
from portal.mail.services import queue_mail
from portal.organisations.models import Role
from portal.shares import services as shares
from tests.support.browser import log_in
from tests.support.events import event_values
from tests.support.factories import make_org, make_user
from tests.support.shares import png_bytes, request_values

pytestmark = pytest.mark.browser

PASSWORD = "รหัสผ่านสำหรับทดสอบ-2569"
TEXT = "# ข้อตกลง\n\n1. แบ่งปัน**ข่าวสาร**\n2. ช่วยกันในยามวิกฤต"
PAGES = {
    None: ["/", "/login", "/apply", "/organisations", "/password/reset", "/organisations/listed", "/verify", "/privacy",
           "/verify?number=AGR-2569-0000-1-000000"],
    "admin@home.example": ["/", "/directory", "/directory?q=ประชาสัมพันธ์", "/organisations/home",
                           "/organisations/home/about/edit", "/organisations/home/channels/edit", "/account",
                           "/invitations", "/agreements", "/agreements/1", "/agreements/1/versions/1/sign",
                           "/agreements/2/versions/1/certificate", "/agreements/3/draft", "/agreements/3/publish",
                           "/events", "/events/new", "/events/1", "/events/1/edit", "/events/1/cancel",
                           "/events/1/check-in", "/account/calendar", "/alerts", "/alerts/new", "/alerts/1", "/shares",
                           "/shares/new", "/shares/1", "/account/leave"],
    "admin@listed.example": ["/shares", "/shares/1"],
    "coordinator@network.example": ["/", "/shares", "/shares/1", "/alerts/1", "/alerts/new", "/events/approvals", "/admin/applications", "/admin/people", "/admin/audit", "/admin/outbox",
                                    "/dev/mailbox/"],
}


def test_the_portal_s_pages_have_no_accessibility_violations(make_live_server, new_page):
    server = make_live_server()
    with server.app.app_context():
        hashed = hash_password(PASSWORD)
        home = make_org(slug="home", name_th="สำนักงานประชาสัมพันธ์จังหวัดน่าน", expertise=["สื่อสัมพันธ์"],
                        phone="054 000 000", public_email="pr@home.example")
        listed = make_org(slug="listed", name_th="สมาคมประชาสัมพันธ์ภาคเหนือ", listed_publicly=True,
                          expertise=["CSR"])
        admin = make_user("admin@home.example", home, Role.ORG_ADMIN, password_hash=hashed)
        partner = make_user("admin@listed.example", listed, Role.ORG_ADMIN, password_hash=hashed)
        for person in (admin, partner):
            person.memberships[0].is_signatory = True
        make_user("member@home.example", home, Role.MEMBER)
        make_user("coordinator@network.example", is_admin=True, password_hash=hashed)
        confirm_application(submit_application(
            "th", name_th="ชมรมสื่อมวลชนแพร่", sector="media", region="north", province="แพร่",
            applicant_name="ผู้สมัคร", applicant_position="ประธาน", applicant_email="applicant@phrae.example",
            motivation="อยากร่วมงาน", description="ชมรม"))
        queue_mail("someone@member.example", "main/announcement", "ประกาศ", name="สมชาย", message="ข้อความ", kind="announcements")
        given_up = queue_mail("gone@member.example", "main/announcement", "ประกาศ", name="สมชาย", message="ข้อความ", kind="announcements")
        db.session.flush()
        given_up.status, given_up.attempts, given_up.last_error = OutboxStatus.DEAD, 8, "451 4.3.0 Try again later"
        db.session.flush()
        # Agreements: 1 waiting for signatures, 2 signed by both (its certificate), 3 a draft ready to publish.
        for n in range(3):
            agreement = drafts.start(AgreementKind.COOPERATION, by=admin, organisation=home)
            drafts.save_draft(agreement, {"title_th": f"ข้อตกลงความร่วมมือ {n + 1}", "title_en": "", "body_th": TEXT,
                                          "body_en": "", "signing_deadline": date.today() + timedelta(days=9),
                                          "valid_from": None, "valid_until": None, "sequential": False},
                              [listed.id], by=admin)
            if n < 2:
                version = drafts.publish(agreement, by=admin)
            if n == 1:
                for organisation, person in ((home, admin), (listed, partner)):
                    signing.answer(version, organisation, person, Answer.SIGNED, typed_name="ผู้ลงนาม",
                                   typed_position="ผู้อำนวยการ", consent_text="ยินยอม",
                                   shown_sha256=version.text_sha256)
        event = events.create(event_values(capacity=1), by=admin, host=home)
        events.publish(event, by=admin)
        events.invite(event, by=admin, guests=[("guest@news.example", "แขก")])
        audiences.invite_audience(event, by=admin, regions=["north"], sectors=["media"])
        alerts.send(find_user_by_email("coordinator@network.example"), {"title_th": "แจ้งเตือนน้ำท่วม",
                                                                         "message_th": "โปรดเตรียมแถลงข่าว"})
        shares.post_request(home, admin, request_values(), [("poster.png", "image/png", png_bytes())])
        db.session.commit()

    axe = Axe()
    found = []
    for person, paths in PAGES.items():
        page = new_page()
        if person:
            page.goto("/login")
            log_in(page, person, PASSWORD)
            page.wait_for_url(lambda url: "/login" not in url)
        for path in paths:
            page.goto(path)
            for violation in axe.run(page).response["violations"]:
                found.append(f"{path} ({person or 'visitor'}): {violation['id']} ({violation['impact']}): "
                             f"{[node['target'] for node in violation['nodes']]}")
    english = new_page(locale="en-GB")
    english.goto("/")
    english.get_by_role("button", name="English").click()
    english.goto("/apply")
    assert english.locator("html").get_attribute("lang") == "en"
    found += [f"/apply (English): {v['id']}" for v in axe.run(english).response["violations"]]
    assert not found, "\n".join(found)
