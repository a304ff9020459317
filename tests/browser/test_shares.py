"""Share requests in a real browser: home's admin posts a request with an image; the admin of another organisation
answers "we will share" (htmx swaps the answer in place) and reports a Facebook link; the requester sees the tally
and downloads the report (PDF and CSV)."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import choose, log_in, nav_link
from tests.support.network import PASSWORD, build_network
from tests.support.shares import png_bytes

pytestmark = pytest.mark.browser

HEADLINE = "ขอเชิญเที่ยวงานเทศกาลดอกไม้เมืองหนาว"
POST_URL = "https://facebook.com/other-university/posts/42"


@pytest.fixture
def server(make_live_server):
    return make_live_server()


@pytest.fixture
def live_server(server):
    return server.url


def test_a_request_is_posted_answered_reported_and_tallied(server, new_page, screenshot):
    network = build_network(server.app)
    requester = new_page()
    requester.goto("/login")
    log_in(requester, network["org_admin"], PASSWORD)
    nav_link(requester, "คำขอเผยแพร่").click()
    requester.get_by_role("button", name="ขอความร่วมมือเครือข่ายเผยแพร่ข่าวสาร").click()
    requester.get_by_label("หัวข้อข่าวภาษาไทย").fill(HEADLINE)
    requester.get_by_label("ข้อความภาษาไทย").fill("ขอความร่วมมือเผยแพร่กำหนดการเทศกาล 1–10 ธันวาคม")
    requester.get_by_label("ลิงก์ของข่าว บรรทัดละหนึ่งลิงก์").fill("https://home.example/festival")
    requester.locator('input[type="file"]').set_input_files(
        {"name": "โปสเตอร์.png", "mimeType": "image/png", "buffer": png_bytes(800, 600)})
    requester.get_by_label("เพจ Facebook", exact=True).check()
    screenshot(requester, "form")
    requester.get_by_role("button", name="โพสต์คำขอเผยแพร่").click()
    expect(requester.get_by_text("โพสต์คำขอเผยแพร่แล้ว")).to_be_visible()
    expect(requester.get_by_role("img", name="โปสเตอร์.png")).to_be_visible()
    expect(requester.locator("#share-tally")).to_contain_text("2")  # other and listed are asked
    request_url = requester.url

    sharer = new_page()
    sharer.goto("/login")
    log_in(sharer, network["other_admin"], PASSWORD)
    nav_link(sharer, "คำขอเผยแพร่").click()
    sharer.get_by_role("link", name=HEADLINE).click()
    sharer.get_by_label("ร่วมเผยแพร่", exact=True).check()
    sharer.get_by_role("button", name="ส่งคำตอบ", exact=True).click()
    expect(sharer.get_by_role("button", name="เปลี่ยนคำตอบ")).to_be_visible()  # swapped in place by htmx
    choose(sharer, "ช่องทาง", "facebook")
    sharer.get_by_label("ลิงก์ของโพสต์ที่เผยแพร่").fill(POST_URL)
    sharer.get_by_role("button", name="เพิ่มช่องทางที่เผยแพร่แล้ว").click()
    expect(sharer.locator("#share-answer").get_by_role("link", name=POST_URL)).to_be_visible()
    screenshot(sharer, "answered")

    requester.goto(request_url)
    tally = requester.locator("#share-tally")
    expect(tally.get_by_role("link", name=POST_URL)).to_be_visible()
    expect(tally).to_contain_text("เพจ Facebook: 1")
    screenshot(requester, "tally")
    with requester.expect_download() as pdf:
        tally.get_by_role("link", name="ดาวน์โหลดรายงาน (PDF)").click()
    with open(pdf.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    with requester.expect_download() as csv:
        tally.get_by_role("link", name="ดาวน์โหลดรายงาน (CSV)").click()
    with open(csv.value.path(), encoding="utf-8-sig") as file:
        assert POST_URL in file.read()
