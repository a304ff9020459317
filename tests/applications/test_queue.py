"""The coordinators' approval queue and decisions: approve, ask for more information, decline; one decision wins."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.applications import services
from portal.applications.models import Application, ApplicationStatus
from portal.applications.services import status_token
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.organisations.models import (
    Membership,
    MembershipInvitation,
    Organisation,
    Role,
)
from tests.support.applications import (
    FORM,
    application_of_status_link,
    make_application,
)
from tests.support.databases import count
from tests.support.mail import last_mail, link_in
from tests.support.network import NEW_PASSWORD
from tests.support.race import race
from tests.support.web import csrf, login, post


def mail_subjects(to):
    """The subjects of every message queued for an address."""
    return db.session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == to)).all()


def decide(client, application_id, decision, note="", htmx=False):
    page = f"/admin/applications/{application_id}"
    token = csrf(client, page)
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    return client.post(f"{page}/decide", data={"decision": decision, "note": note, "csrf_token": token},
                       headers=headers)


@pytest.fixture
def coordinator(app, coordinators):
    client = app.test_client()
    login(client, coordinators[0])
    return client


def test_queue_lists_pending_oldest_first_with_counts_filters_and_search(app, coordinator):
    with app.app_context():
        old = make_application(name_th="มูลนิธิเก่าแก่", applicant_email="a@old.example", region="south")
        old.submitted_at = utcnow() - timedelta(days=5)
        make_application(name_th="สมาคมใหม่", applicant_email="b@new.example", sector="ngo", region="south")
        make_application(name_th="บริษัทยังไม่ยืนยัน", applicant_email="c@x.example", confirm=False)
        db.session.commit()
    page = coordinator.get("/admin/applications").get_data(as_text=True)
    assert page.index("มูลนิธิเก่าแก่") < page.index("สมาคมใหม่"), "oldest first"
    assert "บริษัทยังไม่ยืนยัน" not in page and "รอพิจารณา 2 รายการ" in page
    fragment = coordinator.get("/admin/applications?sector=ngo", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results">') and "สมาคมใหม่" in fragment and "มูลนิธิเก่าแก่" not in fragment
    assert re.search(r"<td>\d+ \S+ 25\d\d \d\d:\d\d</td>", page), "the queue shows when, to the minute"
    assert "มูลนิธิเก่าแก่" in coordinator.get("/admin/applications?q=เก่าแก่").get_data(as_text=True)
    wildcard = coordinator.get("/admin/applications?q=%25").get_data(as_text=True)  # a typed % is a character
    assert "มูลนิธิเก่าแก่" not in wildcard and "สมาคมใหม่" not in wildcard
    assert "สมาคมใหม่" not in coordinator.get("/admin/applications?region=north").get_data(as_text=True)
    assert "บริษัทยังไม่ยืนยัน" in coordinator.get("/admin/applications?status=unconfirmed").get_data(as_text=True)
    assert coordinator.get("/admin/applications?status=nonsense&region=mars").status_code == 200


def test_approve_creates_the_organisation_and_invites_the_applicant(app, coordinator):
    with app.app_context():
        application_id = make_application().id
        db.session.commit()
    review = coordinator.get(f"/admin/applications/{application_id}").get_data(as_text=True)
    assert '<a href="https://www.nan-pr.example" rel="noopener noreferrer nofollow">' in review, "the website is a link"
    assert re.search(r'id="decision-choice"[^>]*>\s*<option[^>]*value="">โปรดเลือก</option>', review), "no decision is made for the coordinator"
    unchosen = decide(coordinator, application_id, "", "ยินดีต้อนรับสู่เครือข่าย")
    assert unchosen.status_code == 422 and "โปรดเลือกผลการพิจารณา" in unchosen.get_data(as_text=True)
    assert "ยินดีต้อนรับสู่เครือข่าย" in unchosen.get_data(as_text=True), "the message is kept"
    response = decide(coordinator, application_id, "approve", "ยินดีต้อนรับสู่เครือข่าย")
    assert response.status_code == 303
    review = coordinator.get(f"/admin/applications/{application_id}").get_data(as_text=True)
    assert "บันทึกผลการพิจารณาแล้ว: อนุมัติแล้ว" in review and "ผู้ประสานงาน 1" in review
    assert "อนุมัติใบสมัคร" in review, "the history shows the step"
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation))
        assert (organisation.name_th, organisation.slug, organisation.province) == (
            "สำนักงานประชาสัมพันธ์จังหวัดน่าน", "nan-provincial-pr-office", "TH-55")
        invitation = db.session.scalar(sa.select(MembershipInvitation))
        assert (invitation.email, invitation.role, invitation.organisation_id) == (
            "malee@nan-pr.example", "org_admin", organisation.id)
        subjects = mail_subjects("malee@nan-pr.example")
        assert "ใบสมัครของคุณได้รับการอนุมัติแล้ว" in subjects
        assert "คำเชิญเข้าร่วมพอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์" in subjects
        path = link_in(db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.subject == "คำเชิญเข้าร่วมพอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์")))
    applicant = app.test_client()
    assert 'value="มาลี ศรีน่าน"' in applicant.get(path).get_data(as_text=True), "the name given is filled in"
    assert post(applicant, path, {"name": "มาลี ศรีน่าน", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                page=path).status_code == 303
    again = app.test_client().get(path)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "คุณตอบรับคำเชิญนี้แล้ว" in page and 'href="/login"' in page, \
        "a used invitation says what happened and leads to the login"
    with app.app_context():
        membership = db.session.scalar(sa.select(Membership))
        assert membership.role == Role.ORG_ADMIN and membership.organisation.name_th == "สำนักงานประชาสัมพันธ์จังหวัดน่าน"


def test_ask_for_information_then_the_applicant_answers(app, coordinator, coordinators):
    with app.app_context():
        application = make_application()
        db.session.commit()
        application_id, token = application.id, status_token(application)
    response = decide(coordinator, application_id, "ask_info", "โปรดส่งหนังสือรับรองจากผู้บริหาร", htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/admin/applications/{application_id}"
    with app.app_context():
        mail = last_mail("malee@nan-pr.example")
        assert mail.subject == "ผู้ประสานงานเครือข่ายขอข้อมูลเพิ่มเติม"
        assert "โปรดส่งหนังสือรับรองจากผู้บริหาร" in mail.body_text and "โปรดส่งหนังสือรับรองจากผู้บริหาร" in mail.body_html
        assert application_of_status_link(link_in(mail)) == application_id
    status_path = f"/apply/status/{token}"
    applicant = app.test_client()
    page = applicant.get(status_path).get_data(as_text=True)
    assert "โปรดส่งหนังสือรับรองจากผู้บริหาร" in page and "ส่งคำตอบ" in page
    empty = post(applicant, f"{status_path}/reply", {"reply": ""}, page=status_path)
    assert empty.status_code == 422 and "โปรดกรอกข้อมูลช่องนี้" in empty.get_data(as_text=True)
    assert post(applicant, f"{status_path}/reply", {"reply": "แนบลิงก์หนังสือรับรองแล้ว"}, page=status_path).status_code == 303
    assert "ขอบคุณ คำตอบของคุณส่งถึงผู้ประสานงานเครือข่ายแล้ว" in applicant.get(status_path).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Application.status)) == ApplicationStatus.PENDING, "back in the queue"
        assert last_mail(coordinators[1]).subject == "คำตอบจาก สำนักงานประชาสัมพันธ์จังหวัดน่าน"
    review = coordinator.get(f"/admin/applications/{application_id}").get_data(as_text=True)
    assert "แนบลิงก์หนังสือรับรองแล้ว" in review and "ผู้สมัครตอบคำถาม" in review
    state = review.split('<section id="decision">')[1].split("</p>")[0]
    assert "รอพิจารณา" in state and "ผู้สมัครตอบคำถามแล้ว" in state and "ผู้ประสานงาน" not in state, \
        "the wait is not credited to the coordinator who asked"


def test_decline_needs_a_reason_and_the_applicant_may_apply_again(app, coordinator):
    with app.app_context():
        application = make_application()
        db.session.commit()
        application_id, token = application.id, status_token(application)
    no_reason = decide(coordinator, application_id, "reject", "", htmx=True)
    assert no_reason.status_code == 422 and "โปรดระบุเหตุผลให้ผู้สมัครทราบ" in no_reason.get_data(as_text=True)
    assert no_reason.get_data(as_text=True).lstrip().startswith('<section id="decision">')
    assert decide(coordinator, application_id, "reject", "ขอบเขตงานยังไม่ใช่งานประชาสัมพันธ์").status_code == 303
    with app.app_context():
        mail = last_mail("malee@nan-pr.example")
        assert mail.subject == "เกี่ยวกับใบสมัครสมาชิกเครือข่ายประชาสัมพันธ์ของคุณ"
        assert "ขอบเขตงานยังไม่ใช่งานประชาสัมพันธ์" in mail.body_text and "สมัครใหม่ได้ในภายหลัง" in mail.body_text
        assert count(Organisation) == 0
    page = app.test_client().get(f"/apply/status/{token}").get_data(as_text=True)
    assert "ไม่อนุมัติ" in page and "ขอบเขตงานยังไม่ใช่งานประชาสัมพันธ์" in page
    again = app.test_client()
    response = again.post("/apply", data={**FORM, "csrf_token": csrf(again, "/apply")})
    assert response.status_code == 303


def test_a_decided_application_cannot_be_decided_again(app, coordinator, coordinators):
    with app.app_context():
        application_id = make_application().id
        db.session.commit()
    other = app.test_client()
    login(other, coordinators[1])
    page = f"/admin/applications/{application_id}"
    token = csrf(other, page)  # the second coordinator has the page open...
    decide(coordinator, application_id, "reject", "ไม่ตรงเงื่อนไข")  # ...while the first decides
    response = other.post(f"{page}/decide", data={"decision": "approve", "note": "", "csrf_token": token},
                          headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 409
    fragment = response.get_data(as_text=True)
    assert "ผู้ประสานงานเครือข่ายอีกท่านได้พิจารณาใบสมัครนี้ไปแล้ว" in fragment and "ผู้ประสานงาน 1" in fragment
    with app.app_context():
        assert count(Organisation) == 0


def test_two_simultaneous_approvals_make_one_organisation_and_one_invitation(app, coordinators):
    with app.app_context():
        application_id = make_application().id
        db.session.commit()
    clients = []
    for email in coordinators:
        client = app.test_client()
        login(client, email)
        page = f"/admin/applications/{application_id}"
        clients.append((client, csrf(client, page)))
    answers = race(*(lambda client=client, token=token: client.post(
        f"/admin/applications/{application_id}/decide",
        data={"decision": "approve", "note": "", "csrf_token": token}).status_code for client, token in clients))
    assert sorted(answers) == [303, 409]
    with app.app_context():
        assert count(Organisation) == 1 and count(MembershipInvitation) == 1
        assert mail_subjects("malee@nan-pr.example").count("ใบสมัครของคุณได้รับการอนุมัติแล้ว") == 1


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_every_field_is_escaped_in_queue_review_and_mails(app, coordinator, coordinators):
    fields = ["name_th", "name_en", "province", "channels", "description", "applicant_name", "applicant_position",
              "motivation"]
    with app.app_context():
        application = make_application(**{f: f"ก {XSS}" for f in fields}, website="")
        db.session.commit()
        application_id = application.id
    for url in ["/admin/applications", f"/admin/applications/{application_id}"]:
        page = coordinator.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    decide(coordinator, application_id, "ask_info", XSS)
    with app.app_context():
        for to in ["malee@nan-pr.example", coordinators[0]]:
            for message in db.session.scalars(sa.select(OutboxMessage.body_html).where(OutboxMessage.recipient == to)):
                assert "<script>alert" not in message and "<img src=x" not in message
                assert "&lt;script&gt;" in message


def test_waiting_summary_goes_to_coordinators_once_a_day(app, coordinators):
    with app.app_context():
        make_application(name_th="รอนานแล้ว").submitted_at = utcnow() - timedelta(days=4)
        make_application(name_th="เพิ่งมาถึง", applicant_email="x@y.example")
        db.session.commit()
    runner = app.test_cli_runner()
    assert "1 applications wait more than 3 days" in runner.invoke(args=["applications", "remind"]).output
    runner.invoke(args=["applications", "remind"])
    with app.app_context():
        summaries = db.session.scalars(sa.select(OutboxMessage.body_text)
                                       .where(OutboxMessage.subject == "ใบสมัครสมาชิกที่รอพิจารณา")).all()
        assert len(summaries) == 2, "one per coordinator, not repeated the same day"
        assert "รอนานแล้ว" in summaries[0] and "เพิ่งมาถึง" not in summaries[0]


def test_queue_page_runs_a_constant_number_of_queries(app, coordinator):
    statements = []

    def count_statement(conn, cursor, statement, *args):
        statements.append(statement)

    def queries_for_queue():
        coordinator.get("/admin/applications")  # the navigation's counts, kept in the session a minute after this
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            assert coordinator.get("/admin/applications").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count_statement)
        return len(statements)

    with app.app_context():
        for n in range(5):
            make_application(applicant_email=f"a{n}@x.example")
        db.session.commit()
        few = queries_for_queue()
        for n in range(120):
            make_application(applicant_email=f"b{n}@x.example")
        db.session.commit()
        many = queries_for_queue()
    # The person, the page's applications, their counts per state, and the count of given-up mail that every
    # coordinator's page shows.
    assert few == many <= 4, (few, many)


def test_coordinators_hear_of_applications_waiting_too_long_in_their_own_language(app, coordinators):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == coordinators[1]).values(language="en"))
        old = make_application()
        old.submitted_at = utcnow() - timedelta(days=5)
        make_application(name_th="ชมรมใหม่", name_en="New Club", applicant_email="new@club.example")  # not yet
        db.session.commit()
        assert services.send_waiting_summary(days=3) == 1
        db.session.commit()
        thai, english = last_mail(coordinators[0]).body_text, last_mail(coordinators[1]).body_text
    assert "มีใบสมัครสมาชิก 1 รายการที่รอพิจารณานานกว่า 3 วัน" in thai and "(น่าน)" in thai
    assert "1 application has waited more than 3 days" in english
    assert "Nan Provincial PR Office (Nan)" in english and "ชมรมใหม่" not in english + thai


def test_each_coordinator_hears_of_a_new_application_in_their_own_language(app, coordinators):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == coordinators[1]).values(language="en"))
        db.session.commit()
        make_application()  # confirmed: the coordinators are told
        db.session.commit()
        thai, english = last_mail(coordinators[0]), last_mail(coordinators[1])
    assert thai.subject == "ใบสมัครสมาชิกใหม่: สำนักงานประชาสัมพันธ์จังหวัดน่าน"
    assert "สำนักงานประชาสัมพันธ์จังหวัดน่าน (น่าน) ได้ส่งใบสมัครเข้าร่วมเครือข่าย" in thai.body_text
    assert english.subject == "New application: Nan Provincial PR Office"
    assert "Nan Provincial PR Office (Nan) has applied to join the network." in english.body_text
