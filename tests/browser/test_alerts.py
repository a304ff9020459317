"""An urgent alert in a real browser: a coordinator writes it, is asked to confirm whom it reaches, sends it; the
member's mail arrives at the SMTP server, the member opens its link (no login), acknowledges, and the coordinator's
page shows the acknowledgement, with the organisation nobody there has acknowledged flagged."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import deliver, link_in, log_in, nav_link
from tests.support.network import PASSWORD, build_network

pytestmark = pytest.mark.browser

TITLE = "แจ้งเตือนน้ำท่วมฉับพลัน"


@pytest.fixture
def server(make_live_server, smtp):
    return make_live_server(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False)


@pytest.fixture
def live_server(server):
    return server.url


def test_a_coordinator_alerts_the_network_and_sees_a_member_acknowledge(server, smtp, new_page, screenshot):
    network = build_network(server.app)
    coordinator = new_page()
    coordinator.goto("/login")
    log_in(coordinator, network["coordinator"], PASSWORD)
    nav_link(coordinator, "แจ้งเตือนด่วน").click()
    coordinator.get_by_role("button", name="ส่งแจ้งเตือนด่วน").click()
    coordinator.get_by_label("หัวข้อแจ้งเตือนภาษาไทย").fill(TITLE)
    coordinator.get_by_label("ข้อความภาษาไทย").fill("ระดับน้ำแม่น้ำปิงสูงขึ้น โปรดเตรียมแถลงข่าว")
    coordinator.get_by_role("button", name="ตรวจทานและส่ง").click()
    expect(coordinator.get_by_text("แจ้งเตือนนี้จะส่งถึงผู้รับ 3 คนทันที")).to_be_visible()  # asked first
    screenshot(coordinator, "review")
    coordinator.get_by_role("button", name="ส่งเลย").click()
    expect(coordinator.get_by_text("กำลังส่งแจ้งเตือนถึงผู้รับ 3 คน")).to_be_visible()
    expect(coordinator.get_by_text("รับทราบแล้ว 0 จาก 3 คน")).to_be_visible()

    deliver(server, 3)
    [mail] = smtp.to(network["member"])
    assert mail["Subject"] == f"ด่วน: {TITLE}"
    member = new_page()
    member.goto(link_in(mail, server, "/alerts/ack/"))
    expect(member.get_by_text("ระดับน้ำแม่น้ำปิงสูงขึ้น")).to_be_visible()
    screenshot(member, "confirm")
    member.get_by_role("button", name="รับทราบ", exact=True).click()
    expect(member.get_by_text("ขอบคุณ บันทึกการรับทราบของคุณแล้ว")).to_be_visible()
    member.set_viewport_size({"width": 390, "height": 844})
    screenshot(member, "acknowledged-phone")

    coordinator.reload()
    expect(coordinator.get_by_text("รับทราบแล้ว 1 จาก 3 คน")).to_be_visible()
    flagged = coordinator.locator("tr.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("มหาวิทยาลัยอื่น")  # nobody at "other" has acknowledged
    screenshot(coordinator, "watch")
