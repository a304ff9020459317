"""Organisation profiles: editing section by section, visibility, colleagues, suspension."""

import re

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.organisations.models import Membership, Organisation, OrgStatus, Role
from tests.support.databases import count
from tests.support.organisations import organisation, save
from tests.support.race import race
from tests.support.web import client_as, csrf

ABOUT = {"name_th": "สำนักงานประชาสัมพันธ์บ้านเรา", "name_en": "Our Home PR Office", "sector": "government",
         "region": "north", "province": "ลำปาง", "description": "ดูแลข่าวสารของจังหวัด"}


def test_edit_each_section_in_place(app, network):
    admin = client_as(app, "admin@home.example")
    fragment = admin.get("/organisations/home/about/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="section-about"') and "<form" in fragment and "<html" not in fragment
    response = save(admin, "home", "about", ABOUT, htmx=True)
    shown = response.get_data(as_text=True)
    assert response.status_code == 200 and "ดูแลข่าวสารของจังหวัด" in shown and "บันทึกแล้ว" in shown
    assert save(admin, "home", "contact", {"website": "https://home.example", "public_email": "News@Home.example",
                                           "phone": "+66 2 123 4567"}).status_code == 303
    channels = {"channels-0-kind": "facebook", "channels-0-url": "https://facebook.com/home",
                "channels-1-kind": "line", "channels-1-url": "https://line.me/R/ti/p/@home",
                "channels-2-kind": "youtube", "channels-2-url": ""}
    assert save(admin, "home", "channels", channels).status_code == 303
    assert save(admin, "home", "expertise", {"tags": "การสื่อสารภาวะวิกฤต, CSR, csr, , Media relations"}).status_code == 303
    saved = organisation(app, "home")
    assert (saved.name_en, saved.province, saved.public_email) == ("Our Home PR Office", "TH-52", "news@home.example")
    assert saved.channels == [{"kind": "facebook", "url": "https://facebook.com/home"},
                              {"kind": "line", "url": "https://line.me/R/ti/p/@home"}]
    assert saved.expertise == ["การสื่อสารภาวะวิกฤต", "CSR", "Media relations"]
    page = admin.get("/organisations/home").get_data(as_text=True)
    assert "https://facebook.com/home" in page and "การสื่อสารภาวะวิกฤต" in page
    with app.app_context():
        sections = [e.details["section"] for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "organisation.updated"))]
        assert sections == ["about", "contact", "channels", "expertise"]
        assert count(OutboxMessage) == 0, "an admin's own edits mail nobody"


def test_cancel_returns_the_section_as_shown(app, network):
    admin = client_as(app, "admin@home.example")
    fragment = admin.get("/organisations/home/contact", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="section-contact"') and "<form" not in fragment


def test_edit_works_as_a_plain_form_without_javascript(app, network):
    admin = client_as(app, "admin@home.example")
    page = admin.get("/organisations/home/about/edit").get_data(as_text=True)
    assert "<html" in page and 'name="name_th"' in page
    response = save(admin, "home", "about", {**ABOUT, "province": "แพร่"})
    assert response.status_code == 303 and response.headers["Location"] == "/organisations/home"


@pytest.mark.parametrize("section, data, message", [
    ("about", {**ABOUT, "name_th": ""}, "โปรดกรอกข้อมูลช่องนี้"),
    ("about", {**ABOUT, "name_th": "Home"}, "โปรดกรอกชื่อภาษาไทยเป็นภาษาไทย"),
    ("about", {**ABOUT, "region": "mars"}, "ตัวเลือกไม่ถูกต้อง"),
    ("about", {**ABOUT, "description": "ก" * 2001}, "ใช้ได้ไม่เกิน 2000 ตัวอักษร"),
    ("contact", {"website": "javascript:alert(1)"}, "โปรดกรอกที่อยู่เว็บไซต์ให้ครบ"),
    ("contact", {"public_email": "not-an-address"}, "โปรดกรอกอีเมลให้ถูกต้อง"),
    ("contact", {"phone": "call me"}, "โปรดกรอกหมายเลขเป็นตัวเลข"),
    ("channels", {"channels-0-kind": "facebook", "channels-0-url": "facebook"}, "โปรดกรอกที่อยู่เว็บไซต์ให้ครบ"),
    ("channels", {"channels-0-kind": "myspace", "channels-0-url": "https://x.example"}, "ตัวเลือกไม่ถูกต้อง"),
    ("expertise", {"tags": ",".join(f"ด้าน {n}" for n in range(21))}, "ระบุได้ไม่เกิน 20 ด้าน"),
    ("expertise", {"tags": "ก" * 61}, "แต่ละด้านยาวไม่เกิน 60 ตัวอักษร"),
    ("visibility", {"about": "public", "contact": "everyone-ish", "channels": "public", "expertise": "public",
                    "people": "members"}, "ตัวเลือกไม่ถูกต้อง"),
])
def test_bad_input_comes_back_in_the_section_and_nothing_changes(app, network, section, data, message):
    before = organisation(app, "home")
    admin = client_as(app, "admin@home.example")
    response = save(admin, "home", section, data, htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 422
    assert fragment.lstrip().startswith(f'<section id="section-{section}"') and 'aria-invalid="true"' in fragment
    assert message in fragment
    after = organisation(app, "home")
    for field in ("name_th", "region", "description", "website", "public_email", "phone", "channels", "expertise",
                  "visibility"):
        assert getattr(after, field) == getattr(before, field)


@pytest.mark.parametrize("url, method", [
    ("/organisations/other/about/edit", "GET"), ("/organisations/other/contact", "GET"),
    ("/organisations/other/about", "POST"), ("/organisations/other/logo", "POST")])
def test_an_org_admin_cannot_edit_another_organisation(app, network, url, method):
    admin = client_as(app, "admin@home.example")
    token = csrf(admin, "/organisations/home")
    response = admin.open(url, method=method, data={**ABOUT, "csrf_token": token},
                          headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 403
    assert organisation(app, "other").name_th == "มหาวิทยาลัยอื่น"


def test_members_cannot_edit_their_own_organisation(app, network):
    member = client_as(app, "member@home.example")
    assert member.get("/organisations/home/about/edit").status_code == 403
    assert "แก้ไข</a>" not in member.get("/organisations/home").get_data(as_text=True)


def test_visibility_for_visitors_members_and_coordinators(app, network):
    anonymous = app.test_client()
    assert anonymous.get("/organisations/home").status_code == 302, "not listed: visitors are asked to log in"
    assert anonymous.get("/organisations/no-such-one").status_code == 302, "the same answer: no probing for members"
    assert client_as(app, "admin@other.example").get("/organisations/no-such-one").status_code == 404
    listed = anonymous.get("/organisations/listed").get_data(as_text=True)
    assert "สมาคมเปิดเผย" in listed and "053 111 222" not in listed, "contact details are for members by default"
    assert "CSR" in listed, "expertise is public by default"
    other_member = client_as(app, "admin@other.example")
    assert "02 123 4567" in other_member.get("/organisations/home").get_data(as_text=True)
    admin = client_as(app, "admin@home.example")
    save(admin, "home", "visibility", {"about": "public", "contact": "hidden", "channels": "public",
                                       "expertise": "members", "people": "hidden", "listed_publicly": "y"})
    hidden = other_member.get("/organisations/home").get_data(as_text=True)
    assert "02 123 4567" not in hidden and "สมาชิกบ้าน" not in hidden
    assert "02 123 4567" in client_as(app, "member@home.example").get("/organisations/home").get_data(as_text=True)
    coordinator = client_as(app, "coordinator@network.example").get("/organisations/home").get_data(as_text=True)
    assert "02 123 4567" in coordinator and "สมาชิกบ้าน" in coordinator
    public = anonymous.get("/organisations/home").get_data(as_text=True)
    assert "สำนักงานประชาสัมพันธ์บ้านเรา" in public and "สื่อสัมพันธ์" not in public, "members-only expertise"
    assert "สำนักงานประชาสัมพันธ์บ้านเรา" in anonymous.get("/organisations").get_data(as_text=True)


def test_a_coordinator_s_edit_is_mailed_to_the_admins(app, network):
    coordinator = client_as(app, "coordinator@network.example")
    assert save(coordinator, "home", "about", {**ABOUT, "province": "เชียงราย"}).status_code == 303
    with app.app_context():
        [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert mail.recipient == "admin@home.example"
        assert mail.subject == "ผู้ประสานงานเครือข่ายได้แก้ไขข้อมูลองค์กรของคุณ"
        assert "เกี่ยวกับองค์กร" in mail.body_text


def _membership_id(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(Membership.id).where(Membership.user.has(email=email)))


def test_colleagues_roles_signatories_and_removal(app, network):
    admin = client_as(app, "admin@home.example")
    member_id = _membership_id(app, "member@home.example")
    token = csrf(admin, "/organisations/home")
    response = admin.post(f"/organisations/home/people/{member_id}", data={
        "role": "org_admin", "position": "ผู้อำนวยการ", "is_signatory": "y", "csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        membership = db.session.get(Membership, member_id)
        assert (membership.role, membership.position, membership.is_signatory) == (Role.ORG_ADMIN, "ผู้อำนวยการ", True)
    assert admin.post(f"/organisations/home/people/{member_id}/remove",
                      data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(Membership, member_id) is None
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["organisation.colleague_updated", "organisation.colleague_removed"]


def test_the_last_organisation_admin_stays(app, network):
    admin = client_as(app, "admin@home.example")
    own_id = _membership_id(app, "admin@home.example")
    token = csrf(admin, "/organisations/home")
    admin.post(f"/organisations/home/people/{own_id}", data={"role": "member", "position": "", "csrf_token": token})
    admin.post(f"/organisations/home/people/{own_id}/remove", data={"csrf_token": token})
    page = admin.get("/organisations/home").get_data(as_text=True)
    assert "องค์กรต้องมีผู้ดูแลข้อมูลองค์กรอย่างน้อยหนึ่งคน" in page
    with app.app_context():
        assert db.session.get(Membership, own_id).role == Role.ORG_ADMIN



def _promote(app, email, active=True):
    with app.app_context():
        membership = db.session.scalar(sa.select(Membership).where(Membership.user.has(email=email)))
        membership.role = Role.ORG_ADMIN
        membership.user.active = active
        db.session.commit()


@pytest.mark.parametrize("change", ["demote", "remove"])
def test_two_admins_taking_each_other_out_at_once_leave_one_admin(app, network, change):
    _promote(app, "member@home.example")
    first, second = client_as(app, "admin@home.example"), client_as(app, "member@home.example")
    targets = _membership_id(app, "member@home.example"), _membership_id(app, "admin@home.example")
    tokens = csrf(first, "/organisations/home"), csrf(second, "/organisations/home")
    path = "/organisations/home/people/{}" + ("/remove" if change == "remove" else "")
    answers = race(*(lambda client=client, target=target, token=token: client.post(
        path.format(target), data={"role": "member", "position": "", "csrf_token": token})
        for client, target, token in zip((first, second), targets, tokens)))
    assert [answer.status_code for answer in answers] == [303, 303]
    with app.app_context():
        admins = db.session.scalars(sa.select(Membership).where(Membership.role == Role.ORG_ADMIN)
                                    .join(Membership.organisation).where(Organisation.slug == "home")).all()
        assert len(admins) == 1, "the organisation keeps an admin"
        winner = admins[0].user.email
    refused = second if winner == "admin@home.example" else first
    assert "คุณไม่มีสิทธิ์เปลี่ยนแปลงบุคลากรขององค์กรนี้แล้ว" in refused.get("/organisations/home").get_data(as_text=True)


def test_a_deactivated_admin_does_not_count_as_an_admin(app, network):
    _promote(app, "member@home.example", active=False)
    admin = client_as(app, "admin@home.example")
    own_id = _membership_id(app, "admin@home.example")
    token = csrf(admin, "/organisations/home")
    admin.post(f"/organisations/home/people/{own_id}", data={"role": "member", "position": "", "csrf_token": token})
    assert "องค์กรต้องมีผู้ดูแลข้อมูลองค์กรอย่างน้อยหนึ่งคน" in admin.get("/organisations/home").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Membership, own_id).role == Role.ORG_ADMIN

def test_an_admin_cannot_touch_another_organisation_s_people(app, network):
    intruder = client_as(app, "admin@other.example")
    member_id = _membership_id(app, "member@home.example")
    token = csrf(intruder, "/organisations/other")
    assert intruder.post(f"/organisations/home/people/{member_id}/remove", data={"csrf_token": token}).status_code == 403
    assert intruder.post(f"/organisations/other/people/{member_id}/remove",
                         data={"csrf_token": token}).status_code == 404, "not a person of that organisation"


def test_suspension_closes_member_pages_with_the_reason(app, network):
    coordinator = client_as(app, "coordinator@network.example")
    member = client_as(app, "member@home.example")
    token = csrf(coordinator, "/organisations/home")
    no_reason = coordinator.post("/organisations/home/suspend", data={"reason": "", "csrf_token": token})
    assert no_reason.status_code == 303 and organisation(app, "home").status == OrgStatus.ACTIVE
    too_long = coordinator.post("/organisations/home/suspend", data={"reason": "ค" * 2001, "csrf_token": token})
    page = too_long.get_data(as_text=True)
    assert too_long.status_code == 422 and "ค" * 2001 in page, "said by the field, the reason kept, not a 400 page"
    assert 'aria-invalid="true"' in page and organisation(app, "home").status == OrgStatus.ACTIVE
    coordinator.post("/organisations/home/suspend", data={"reason": "ค้างการยืนยันข้อมูล", "csrf_token": token})
    closed = member.get("/directory")
    assert closed.status_code == 403 and "ค้างการยืนยันข้อมูล" in closed.get_data(as_text=True)
    live_search = member.get("/directory?q=สำนักงาน", headers={"HX-Request": "true"})  # loads less than a page
    assert live_search.status_code == 403 and "ค้างการยืนยันข้อมูล" in live_search.get_data(as_text=True)
    assert live_search.headers["HX-Refresh"] == "true", "htmx reloads the page, which then says why"
    assert "สำนักงานประชาสัมพันธ์บ้านเรา" not in client_as(app, "admin@other.example").get("/directory").get_data(as_text=True)
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == "admin@home.example"))
        assert "ค้างการยืนยันข้อมูล" in mail.body_text
        assert db.session.scalar(sa.select(AuditEvent.details).where(AuditEvent.action == "organisation.suspended")) == {
            "reason": "ค้างการยืนยันข้อมูล"}
    coordinator.post("/organisations/home/reactivate", data={"csrf_token": token})
    assert member.get("/directory").status_code == 200
    assert member.get("/directory?q=สำนักงาน", headers={"HX-Request": "true"}).status_code == 200


def test_a_suspended_organisation_s_admins_change_nothing_until_reactivated(app, network, tmp_path):
    admin, coordinator = client_as(app, "admin@home.example"), client_as(app, "coordinator@network.example")
    token = csrf(coordinator, "/organisations/home")
    member_id = _membership_id(app, "member@home.example")
    coordinator.post("/organisations/home/suspend", data={"reason": "ค้างการยืนยันข้อมูล", "csrf_token": token})
    own_token = csrf(admin, "/account")
    for response in [
            admin.get("/organisations/home/about/edit"),
            admin.get("/organisations/home/about/edit", headers={"HX-Request": "true"}),
            admin.get("/organisations/home/about", headers={"HX-Request": "true"}),
            admin.post("/organisations/home/about", data={**ABOUT, "province": "แพร่", "csrf_token": own_token}),
            admin.post(f"/organisations/home/people/{member_id}", data={
                "role": "org_admin", "position": "", "is_signatory": "y", "csrf_token": own_token}),
            admin.post(f"/organisations/home/people/{member_id}/remove", data={"csrf_token": own_token}),
            admin.post("/organisations/home/logo", data={"csrf_token": own_token})]:
        assert response.status_code == 403 and "ค้างการยืนยันข้อมูล" in response.get_data(as_text=True), "told why"
    stranger = client_as(app, "admin@other.example")
    assert stranger.get("/organisations/home/about/edit").status_code == 404, "closed, as its profile is"
    with app.app_context():
        membership = db.session.get(Membership, member_id)
        assert (membership.role, membership.is_signatory) == (Role.MEMBER, False)
    assert organisation(app, "home").province != "แพร่"
    assert save(coordinator, "home", "about", {**ABOUT, "province": "แพร่"}).status_code == 303, "coordinators can"
    coordinator.post("/organisations/home/reactivate", data={"csrf_token": token})
    assert save(admin, "home", "about", {**ABOUT, "province": "น่าน"}).status_code == 303
    assert organisation(app, "home").province == "TH-55"


def test_a_coordinator_s_changes_to_people_are_mailed_to_the_admins(app, network):
    coordinator = client_as(app, "coordinator@network.example")
    member_id = _membership_id(app, "member@home.example")
    token = csrf(coordinator, "/organisations/home")
    coordinator.post(f"/organisations/home/people/{member_id}", data={
        "role": "member", "position": "", "is_signatory": "y", "csrf_token": token})
    coordinator.post(f"/organisations/home/people/{member_id}/remove", data={"csrf_token": token})
    with app.app_context():
        mails = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [m.recipient for m in mails] == ["admin@home.example", "admin@home.example"]
    assert all("สำนักงานประชาสัมพันธ์บ้านเรา (บุคคล)" in m.body_text for m in mails)
    admin = client_as(app, "admin@home.example")
    token = csrf(admin, "/organisations/home")
    admin_id = _membership_id(app, "admin@home.example")
    admin.post(f"/organisations/home/people/{admin_id}", data={"role": "org_admin", "position": "หัวหน้า",
                                                               "csrf_token": token})
    with app.app_context():
        assert count(OutboxMessage) == 2, "an organisation's own admin is not told of their own change"


def test_profile_escapes_what_admins_type(app, network):
    admin = client_as(app, "admin@home.example")
    save(admin, "home", "about", {**ABOUT, "name_en": '<script>alert("x")</script>',
                                  "description": '<img src=x onerror=alert(1)>'})
    save(admin, "home", "expertise", {"tags": "<b>bold</b>"})
    page = client_as(app, "admin@other.example").get("/organisations/home").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert re.search(r"&lt;script&gt;", page)


def test_the_navigation_leads_to_each_of_a_person_s_organisations(app, network):
    def nav_links(client):
        page = client.get("/directory").get_data(as_text=True)
        nav = page[page.index('aria-label="เมนูหลัก"'):page.index("</nav>")]
        return re.findall(r'<a href="(/organisations/[^"]+)">([^<]+)</a>', nav)

    member = client_as(app, "member@home.example")
    assert nav_links(member) == [("/organisations/home", "องค์กรของฉัน")]
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == "member@home.example"))
        db.session.add(Membership(user=person, organisation_id=organisation(app, "other").id, role=Role.MEMBER))
        db.session.commit()
    assert nav_links(member) == [("/organisations/home", "สำนักงานประชาสัมพันธ์บ้านเรา"),
                                 ("/organisations/other", "มหาวิทยาลัยอื่น")], "both, by name, under องค์กรของฉัน"
    assert "<summary>องค์กรของฉัน</summary>" in member.get("/directory").get_data(as_text=True)
    assert nav_links(client_as(app, "coordinator@network.example")) == [], "a coordinator of no organisation"


def _row(page, membership_id):
    """The colleague's row of the people table, as the page has it."""
    return re.search(rf'<tr id="colleague-{membership_id}".*?</tr>', page, re.S).group(0)


def test_what_was_done_to_a_colleague_is_said_in_their_row(app, network):
    admin = client_as(app, "admin@home.example")
    member_id, own_id = _membership_id(app, "member@home.example"), _membership_id(app, "admin@home.example")
    token = csrf(admin, "/organisations/home")
    htmx = {"HX-Request": "true", "X-CSRFToken": token}
    saved = admin.post(f"/organisations/home/people/{member_id}", headers=htmx,
                       data={"role": "member", "position": "นักประชาสัมพันธ์"})
    assert saved.status_code == 200 and "บันทึกแล้ว" in _row(saved.get_data(as_text=True), member_id)
    refused = admin.post(f"/organisations/home/people/{own_id}", headers=htmx, data={"role": "member"})
    row = _row(refused.get_data(as_text=True), own_id)
    assert refused.status_code == 409 and "องค์กรต้องมีผู้ดูแลข้อมูลองค์กรอย่างน้อยหนึ่งคน" in row
    assert '<option value="org_admin" selected>' in row, "the row shows what is saved, not what was refused"

    # Without JavaScript: back to the row's anchor, where the message waits (once), not at the top of the page.
    plain = admin.post(f"/organisations/home/people/{own_id}", data={"role": "member", "csrf_token": token})
    assert plain.status_code == 303 and plain.location.endswith(f"/organisations/home#colleague-{own_id}")
    page = admin.get("/organisations/home").get_data(as_text=True)
    assert "องค์กรต้องมีผู้ดูแลข้อมูลองค์กรอย่างน้อยหนึ่งคน" in _row(page, own_id)
    assert "องค์กรต้องมีผู้ดูแลข้อมูลองค์กรอย่างน้อยหนึ่งคน" not in admin.get("/organisations/home").get_data(as_text=True)
    typed = "ต" * 201
    too_long = admin.post(f"/organisations/home/people/{member_id}",
                          data={"role": "org_admin", "position": typed, "csrf_token": token})
    row = _row(too_long.get_data(as_text=True), member_id)
    assert too_long.status_code == 422 and "200" in row and f'value="{typed}"' in row, "said in the row, kept as typed"
    with app.app_context():
        assert db.session.get(Membership, member_id).role == Role.MEMBER


def test_removing_a_colleague_asks_first_and_says_where_their_row_was(app, network):
    admin = client_as(app, "admin@home.example")
    member_id = _membership_id(app, "member@home.example")
    token = csrf(admin, "/organisations/home")
    asking = admin.get(f"/organisations/home/people/{member_id}/confirm-removal")  # the page, without JavaScript
    row = _row(asking.get_data(as_text=True), member_id)
    assert asking.status_code == 200 and "นำ นกน้อย สมาชิกบ้าน ออกจาก" in row
    assert f'action="/organisations/home/people/{member_id}/remove"' in row and "ยกเลิก" in row
    fragment = admin.get(f"/organisations/home/people/{member_id}/confirm-removal", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith(f'<tr id="colleague-{member_id}"')
    cancelled = admin.get(f"/organisations/home/people/{member_id}/row", headers={"HX-Request": "true"})
    assert "นำ นกน้อย" not in cancelled.get_data(as_text=True) and 'name="position"' in cancelled.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Membership, member_id) is not None, "asking changed nothing"

    removed = admin.post(f"/organisations/home/people/{member_id}/remove", data={"csrf_token": token})
    assert removed.status_code == 303 and removed.location.endswith("/organisations/home#people")
    people = re.search(r'<section id="people".*?</section>', admin.get("/organisations/home").get_data(as_text=True),
                       re.S).group(0)
    assert "นกน้อย สมาชิกบ้าน ไม่ได้อยู่ในองค์กรแล้ว" in people and "/invitations?organisation=" in people


def test_the_channels_editor_shows_the_filled_rows_one_empty_row_and_adds_more(app, network):
    admin = client_as(app, "admin@home.example")
    assert save(admin, "home", "channels", {"channels-0-kind": "facebook",
                                            "channels-0-url": "https://facebook.com/home"}).status_code == 303
    form = admin.get("/organisations/home/channels/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert form.count('class="grid channel-row"') == 2 and "โปรดเลือก" in form
    typed = {"channels-0-kind": "facebook", "channels-0-url": "https://facebook.com/home",
             "channels-1-kind": "line", "channels-1-url": "https://line.me/R/ti/p/@home", "more": "1"}
    more = save(admin, "home", "channels", typed)
    page = more.get_data(as_text=True)
    assert more.status_code == 200 and page.count('class="grid channel-row"') == 3 and "@home" in page
    assert len(organisation(app, "home").channels) == 1, "adding a row saves nothing"
    no_kind = save(admin, "home", "channels", {"channels-0-kind": "", "channels-0-url": "https://x.example"})
    assert no_kind.status_code == 422 and "โปรดเลือกประเภทของช่องทางสำหรับลิงก์นี้" in no_kind.get_data(as_text=True)
