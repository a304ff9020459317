"""The audit log as coordinators read it: sentences in their language, filters, the CSV export, and who may see it."""

import csv
import io
import re

import sqlalchemy as sa

from portal.applications.services import withdraw_application
from portal.audit.models import AuditEvent
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.organisations.models import Membership, Organisation, OrgStatus
from portal.organisations.people import update_colleague
from portal.organisations.profiles import set_status
from tests.support.applications import make_application
from tests.support.web import client_as, post


def _some_work(app, network):
    """A coordinator makes the home member an admin and suspends "other" (a reason with markup); an applicant
    applies, confirms and withdraws."""
    with app.app_context():
        coordinator = find_user_by_email(network["coordinator"])
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.user_id == find_user_by_email(network["member"]).id))
        update_colleague(membership, "org_admin", "หัวหน้างาน", False, by=coordinator)
        set_status(db.session.get(Organisation, network["other_id"]), OrgStatus.SUSPENDED, "<b>ค้างค่าบำรุง</b>",
                   by=coordinator)
        withdraw_application(make_application())
        db.session.commit()


def test_events_read_as_sentences_in_the_readers_language(app, network):
    _some_work(app, network)
    client = client_as(app, network["coordinator"])
    page = client.get("/admin/audit").get_data(as_text=True)
    assert ("ผู้ประสานงาน 1 เปลี่ยนบทบาทของ member@home.example ใน สำนักงานประชาสัมพันธ์บ้านเรา "
            "เป็นผู้ดูแลข้อมูลองค์กร") in page
    assert "ผู้สมัคร มาลี ศรีน่าน ถอนใบสมัครสมาชิกของ สำนักงานประชาสัมพันธ์จังหวัดน่าน" in page
    assert "ผู้สมัคร มาลี ศรีน่าน ส่งใบสมัครสมาชิกของ" in page
    assert "&lt;b&gt;ค้างค่าบำรุง&lt;/b&gt;" in page and "<b>ค้างค่าบำรุง" not in page
    for raw in ("org_admin", "role:", "organisation.colleague_updated", "home;", "ระบบ ถอน"):
        assert raw not in page
    assert "เข้าสู่ระบบ</td>" not in page and "ผู้ประสานงาน 1 เข้าสู่ระบบ" not in page, "sign-ins are hidden"

    post(client, "/language", {"language": "en"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert re.search(r"ผู้ประสานงาน 1 set the role of member@home\.example at Test Organisation \d+ to Organisation admin",
                     page), "the organisation by its English name, the role by its English label"
    assert "The applicant มาลี ศรีน่าน withdrew the application of Nan Provincial PR Office" in page


def test_filters_narrow_the_log_and_keep_their_state(app, network):
    _some_work(app, network)
    client = client_as(app, network["coordinator"])

    def sentences(query, **headers):
        response = client.get(f"/admin/audit?{query}", headers=headers)
        return response.status_code, response.get_data(as_text=True)

    _, page = sentences(f"organisation={network['other_id']}")
    assert "ระงับ มหาวิทยาลัยอื่น" in page and "เปลี่ยนบทบาท" not in page
    assert f'<option value="{network["other_id"]}" selected>' in page, "the form shows the filter chosen"
    _, page = sentences("person=มาลี")
    assert "ถอนใบสมัครสมาชิก" in page and "เปลี่ยนบทบาท" not in page and 'value="มาลี"' in page
    _, page = sentences("kind=applications", **{"HX-Request": "true"})
    assert page.lstrip().startswith('<div id="results">') and "ถอนใบสมัครสมาชิก" in page and "ระงับ" not in page
    _, page = sentences("kind=sign_ins")
    assert "ผู้ประสานงาน 1 เข้าสู่ระบบ" in page and "ถอนใบสมัครสมาชิก" not in page
    _, page = sentences("since=2000-01-01&until=2000-01-31")
    assert "ไม่พบรายการที่ตรงกับเงื่อนไข" in page
    status, page = sentences("since=31/12/2569&person=มาลี")
    assert status == 422 and "ระบุวันที่ เช่น 2026-12-31" in page and 'value="31/12/2569"' in page
    assert "ถอนใบสมัครสมาชิก" in page, "the other filters still apply"
    status, page = sentences("since=0001-01-01&until=9999-12-31")
    assert status == 422 and "ถอนใบสมัครสมาชิก" in page


def test_csv_export_of_the_filtered_log(app, network):
    _some_work(app, network)
    client = client_as(app, network["coordinator"])
    response = client.get(f"/admin/audit.csv?organisation={network['home_id']}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["เวลา (กรุงเทพฯ)", "ผู้ดำเนินการ", "การดำเนินการ", "รายละเอียด", "เกี่ยวกับ", "องค์กร", "หมายเลข IP"]
    assert len(rows) == 2, "only the home organisation's event"
    when, actor, action, sentence, target, organisation, ip = rows[1]
    assert actor == "ผู้ประสานงาน 1" and "เป็นผู้ดูแลข้อมูลองค์กร" in sentence
    assert target == organisation == "สำนักงานประชาสัมพันธ์บ้านเรา" and action and when[:2] == "20"


def test_only_coordinators_read_or_export_the_log(app, network):
    for role in ("org_admin", "member"):
        client = client_as(app, network[role])
        assert client.get("/admin/audit").status_code == 403
        assert client.get("/admin/audit.csv").status_code == 403
    assert app.test_client().get("/admin/audit.csv").status_code in (302, 303)


def test_events_know_their_organisation(app, network):
    _some_work(app, network)
    with app.app_context():
        found = dict(db.session.execute(sa.select(AuditEvent.action, AuditEvent.organisation_id)).all())
    assert found["organisation.colleague_updated"] == network["home_id"]
    assert found["organisation.suspended"] == network["other_id"]
