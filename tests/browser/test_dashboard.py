"""The home base in a real browser: a member logs in, lands on their dashboard, sees the invitation waiting, follows
it, answers, and comes back to a smaller count; a coordinator sees the applications waiting and the oldest's age."""

import re

import pytest
from playwright.sync_api import expect

from portal.auth.services import find_user_by_email
from portal.events import services as events
from portal.extensions import db
from portal.organisations import invitations
from portal.organisations.models import Organisation
from tests.support.applications import make_application
from tests.support.browser import choose, log_in, log_out, nav, nav_link, person_menu
from tests.support.events import published_event
from tests.support.network import PASSWORD, build_network

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_live_server):
    return make_live_server()


@pytest.fixture
def live_server(server):
    return server.url


def test_a_member_lands_on_the_dashboard_answers_what_waits_and_sees_the_count_drop(server, new_page, screenshot):
    app = server.app
    network = build_network(app)
    with app.app_context():
        member = find_user_by_email(network["member"])
        admin = find_user_by_email(network["org_admin"])
        for title in ("สัมมนาการสื่อสารภาวะวิกฤต", "อบรมถ่ายภาพข่าว"):
            events.invite(published_event(network, title_th=title), by=admin, user_ids=[member.id])
        make_application()
        db.session.commit()
    page = new_page()
    page.goto("/login")
    log_in(page, network["member"], PASSWORD)
    waiting = page.locator(".waiting-events-to_answer")
    expect(waiting).to_contain_text("2 คำเชิญร่วมกิจกรรมที่รอคำตอบ")
    expect(nav_link(page, "กิจกรรม").locator(".badge")).to_have_text("2")  # the bar counts it on every page
    screenshot(page, "member")
    waiting.get_by_role("link").click()
    page.get_by_role("link", name="อบรมถ่ายภาพข่าว").click()
    page.get_by_label("เข้าร่วม", exact=True).check()
    page.get_by_role("button", name="ส่งคำตอบ").click()
    page.goto("/")
    expect(page.locator(".waiting-events-to_answer")).to_contain_text("1 คำเชิญร่วมกิจกรรมที่รอคำตอบ")
    expect(nav_link(page, "กิจกรรม").locator(".badge")).to_have_text("1")
    coming = page.locator("section", has=page.locator("#coming-heading"))
    expect(coming).to_contain_text("อบรมถ่ายภาพข่าว")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "member-phone")

    coordinator = new_page()
    coordinator.goto("/login")
    log_in(coordinator, network["coordinator"], PASSWORD)
    expect(coordinator.locator(".waiting-applications-pending")).to_contain_text(re.compile(r"1 ใบสมัครที่รอการพิจารณา"))
    expect(coordinator.locator(".waiting-applications-pending")).to_contain_text("รายการเก่าสุดรอตั้งแต่")
    expect(nav(coordinator).locator(".tools-menu summary .badge")).to_have_text("1")
    header = coordinator.locator("header nav").bounding_box()
    assert header["height"] < 80, header  # the coordinator's bar holds on one row at 1280 px, in Thai
    screenshot(coordinator, "coordinator")
    coordinator.locator(".waiting-applications-pending").get_by_role("link").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("รายการรออนุมัติ")
    coordinator.get_by_role("link", name="สำนักงานประชาสัมพันธ์จังหวัดน่าน", exact=True).click()
    choose(coordinator, "ผลการพิจารณา", "reject")
    coordinator.get_by_label("ข้อความถึงผู้สมัคร", exact=True).fill("ขออภัย ยังไม่ตรงกับเกณฑ์ของเครือข่าย")
    coordinator.get_by_role("button", name="บันทึกผลการพิจารณา", exact=True).click()
    expect(coordinator.locator("#decision .status")).to_have_text("ไม่อนุมัติ")
    coordinator.goto("/")
    expect(coordinator.locator(".waiting-applications-pending")).to_have_count(0)  # the count went with the work
    expect(nav(coordinator).locator(".tools-menu .badge")).to_have_count(0)


def test_an_organisation_admin_follows_an_open_invitation_revokes_it_and_the_count_goes(server, new_page, screenshot):
    app = server.app
    network = build_network(app)
    with app.app_context():
        admin = find_user_by_email(network["org_admin"])
        invitations.invite("late.colleague@home.example", db.session.get(Organisation, network["home_id"]), "member",
                           by=admin)
        db.session.commit()
    page = new_page()
    page.goto("/login")
    log_in(page, network["org_admin"], PASSWORD)
    waiting = page.locator(".waiting-organisations-invitations")
    expect(waiting).to_contain_text("1 เพื่อนร่วมงานที่เชิญแล้วแต่ยังไม่เข้าร่วม")
    expect(person_menu(page, admin_name(app, network))).to_be_visible()
    screenshot(page, "org-admin")
    waiting.get_by_role("link").click()
    page.get_by_role("row", name=re.compile("late.colleague@home.example")).get_by_role("button", name="ยกเลิก").click()
    page.goto("/")
    expect(page.locator(".waiting-organisations-invitations")).to_have_count(0)
    expect(nav(page).locator(".badge")).to_have_count(0)
    person_menu(page, admin_name(app, network)).click()  # the person's own menu: account, notifications, log out
    nav(page).get_by_role("link", name="การแจ้งเตือนทางอีเมล").click()
    expect(page.locator("#notifications")).to_be_visible()
    log_out(page)
    expect(page.locator(".flash-success")).to_have_text("ออกจากระบบแล้ว")


def admin_name(app, network):
    with app.app_context():
        return find_user_by_email(network["org_admin"]).name


def test_on_a_phone_the_navigation_folds_behind_a_menu_that_opens_and_closes(server, new_page, screenshot):
    network = build_network(server.app)
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/login")
    log_in(page, network["member"], PASSWORD)
    menu = page.get_by_text("เมนู", exact=True)
    agreements = page.get_by_role("link", name="ข้อตกลง", exact=True)
    expect(menu).to_be_visible()
    expect(agreements).to_be_hidden()
    header = page.locator("header").bounding_box()
    assert header["height"] < 844 / 5, header  # the header no longer takes a third of the screen
    screenshot(page, "menu-closed")
    menu.click()
    expect(agreements).to_be_visible()
    screenshot(page, "menu-open")
    menu.click()
    expect(agreements).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 800})  # on a desk: no menu button, the links in the bar
    expect(menu).to_be_hidden()
    expect(agreements).to_be_visible()
