"""Events in a real browser: a coordinator creates and publishes an event and invites a guest by address; the
guest's mail arrives at the SMTP server, the guest opens its "yes" link, confirms, and gets a confirmation whose
calendar entry has the event's time in Bangkok and the host as organiser."""

from datetime import timedelta

import icalendar
import pytest
from playwright.sync_api import expect

from portal.db import utcnow
from portal.i18n import BANGKOK
from tests.support.browser import deliver, log_in, nav_link, only_mail
from tests.support.network import PASSWORD, build_network

pytestmark = pytest.mark.browser

GUEST = "reporter@news.example"
TITLE = "สัมมนาการสื่อสารภาวะวิกฤต"


@pytest.fixture
def server(make_live_server, smtp):
    return make_live_server(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False)


@pytest.fixture
def live_server(server):
    return server.url


def test_a_guest_answers_yes_from_the_mail_and_gets_the_calendar_entry(server, smtp, new_page, screenshot):
    network = build_network(server.app)
    starts = (utcnow() + timedelta(days=10)).astimezone(BANGKOK).replace(hour=9, minute=30, second=0, microsecond=0)
    coordinator = new_page()
    coordinator.goto("/login")
    log_in(coordinator, network["coordinator"], PASSWORD)
    nav_link(coordinator, "กิจกรรม").click()
    coordinator.get_by_role("button", name="สร้างกิจกรรม").click()
    coordinator.get_by_label("ชื่อกิจกรรมภาษาไทย").fill(TITLE)
    coordinator.get_by_label("เริ่ม (เวลาประเทศไทย)").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_label("สิ้นสุด (เวลาประเทศไทย)").fill((starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_label("สถานที่", exact=True).fill("ศาลากลางจังหวัดเชียงใหม่")
    coordinator.get_by_label(("จำนวนที่รับ (เว้นว่าง: ไม่จำกัด)")).fill("20")
    coordinator.get_by_role("button", name="บันทึก", exact=True).click()
    coordinator.get_by_role("button", name="เผยแพร่", exact=True).click()
    coordinator.get_by_label("แขกรับเชิญทางอีเมล บรรทัดละหนึ่งคน (ชื่อ <อีเมล> หรืออีเมล)").fill(
        f"ผู้สื่อข่าว ข่าวเหนือ <{GUEST}>")
    coordinator.get_by_role("button", name="ส่งคำเชิญ", exact=True).click()
    expect(coordinator.get_by_text("ส่งคำเชิญแล้ว 1 คน")).to_be_visible()
    screenshot(coordinator, "host")

    deliver(server, 1)
    invitation = only_mail(smtp, GUEST)
    assert invitation["Subject"] == f"คำเชิญ: {TITLE}"
    text = invitation.get_body(("plain",)).get_content()
    yes = next(word for word in text.split() if "reply=yes" in word)
    guest = new_page()
    guest.goto(yes)
    expect(guest.get_by_label("เข้าร่วม", exact=True)).to_be_checked()  # preselected; nothing answered yet
    screenshot(guest, "confirm")
    guest.get_by_role("button", name="ส่งคำตอบ").click()
    expect(guest.get_by_text("ยืนยันการเข้าร่วมแล้ว คุณได้ที่นั่ง")).to_be_visible()

    deliver(server, 1)
    [confirmation] = [m for m in smtp.to(GUEST) if m["Subject"].startswith("ยืนยันการเข้าร่วม")]
    [attachment] = [part for part in confirmation.iter_attachments() if part.get_filename() == "event.ics"]
    [entry] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert entry.decoded("dtstart") == starts and str(entry.decoded("dtstart").tzinfo) == "Asia/Bangkok"
    assert str(entry["ORGANIZER"].params["CN"]) == "เครือข่ายประชาสัมพันธ์"
    guest.set_viewport_size({"width": 390, "height": 844})
    screenshot(guest, "answered-phone")
