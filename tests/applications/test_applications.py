"""Applying to join: the public form, confirmation, the status page, and the decisions the applicant sees."""

import pytest
import sqlalchemy as sa

from portal.applications import services
from portal.applications.models import Application, ApplicationStatus
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.organisations.models import (
    MembershipInvitation,
    Organisation,
    Region,
    Sector,
)
from tests.support.applications import (
    FORM,
    application_of_status_link,
    make_application,
)
from tests.support.databases import count
from tests.support.factories import make_org
from tests.support.mail import last_mail, link_in, mail_subjects
from tests.support.web import csrf, login, post


def apply(client, **changes):
    return client.post("/apply", data={**FORM, **changes, "csrf_token": csrf(client, "/apply")})


def test_apply_confirm_and_follow_the_status(app, coordinators):
    client = app.test_client()
    response = apply(client)
    assert response.status_code == 303 and response.headers["Location"] == "/apply/sent"
    assert "โปรดเปิดลิงก์ภายใน 3 วัน" in client.get("/apply/sent").get_data(as_text=True)
    with app.app_context():
        application = db.session.scalar(sa.select(Application))
        assert application.status == ApplicationStatus.UNCONFIRMED and application.applicant_email == "malee@nan-pr.example"
        mail = last_mail("malee@nan-pr.example")
        assert mail.subject == "ยืนยันใบสมัครสมาชิกเครือข่ายประชาสัมพันธ์"
        confirm_path = link_in(mail)
        assert last_mail(coordinators[0]) is None, "coordinators hear nothing before the address is confirmed"
    assert client.get(confirm_path).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(Application.status)) == ApplicationStatus.UNCONFIRMED, "GET changes nothing"
    response = post(client, confirm_path, page=confirm_path)
    assert response.status_code == 303 and response.headers["Location"].startswith("/apply/status/")
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "รอพิจารณา" in status_page and "ผู้ประสานงานเครือข่ายกำลังพิจารณาใบสมัครของคุณ" in status_page
    with app.app_context():
        receipt = last_mail("malee@nan-pr.example")
        assert receipt.subject == "เราได้รับใบสมัครของคุณแล้ว"
        assert application_of_status_link(link_in(receipt)) == application_of_status_link(
            response.headers["Location"]) == application.id, "the receipt carries the private status link"
        notice = last_mail(coordinators[0])
        assert notice.subject == "ใบสมัครสมาชิกใหม่: สำนักงานประชาสัมพันธ์จังหวัดน่าน"
        assert f"/admin/applications/{application.id}" in notice.body_text
    used = client.get(confirm_path)
    page = used.get_data(as_text=True)
    assert used.status_code == 200 and "ใบสมัครสมาชิกของคุณได้รับการยืนยันแล้ว" in page, "a used link says what happened"
    assert 'href="/apply/status/' in page and "รอพิจารณา" in page, "and leads to the status page"
    with app.app_context():
        assert mail.body_text.count("คุณได้รับอีเมลนี้เนื่องจากมีการใช้ที่อยู่อีเมลนี้สมัครเป็นสมาชิก") == 1
        assert "คุณได้รับอีเมลนี้เนื่องจากคุณเป็นส่วนหนึ่ง" not in mail.body_text + mail.body_html, "not yet a member"


def test_a_website_typed_without_https_is_taken_with_it(app):
    client = app.test_client()
    form = client.get("/apply").get_data(as_text=True)
    assert 'type="url"' not in form  # the browser's url input would refuse "www.…" before the form could help
    assert apply(client, website="www.nan-pr.example").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Application.website)) == "https://www.nan-pr.example"
    page = apply(app.test_client(), website="javascript:alert(1)").get_data(as_text=True)
    assert "โปรดกรอกที่อยู่เว็บไซต์ให้ครบ" in page


def test_english_applicant_gets_english_mail(app):
    client = app.test_client()
    post(client, "/language", {"language": "en"})
    apply(client)
    with app.app_context():
        assert last_mail("malee@nan-pr.example").subject == "Confirm your application to the PR Network"


@pytest.mark.parametrize("field, value, message", [
    ("name_th", "", "โปรดกรอกข้อมูลช่องนี้"),
    ("name_th", "Nan Office", "โปรดกรอกชื่อภาษาไทยเป็นภาษาไทย"),
    ("applicant_email", "malee-at-nan", "โปรดกรอกอีเมลให้ถูกต้อง"),
    ("website", "nan-pr", "โปรดกรอกที่อยู่เว็บไซต์ให้ครบ"),
    ("sector", "army", "ตัวเลือกไม่ถูกต้อง"),
    ("region", "", "โปรดเลือกหนึ่งรายการ"),  # a choice left empty: "choose", not "fill in"
    ("motivation", "ก" * 3001, "ใช้ได้ไม่เกิน 3000 ตัวอักษร"),
    ("consent", "", "โปรดยอมรับข้อตกลงเพื่อสมัครสมาชิก"),
])
def test_bad_input_is_answered_with_the_form_and_nothing_is_saved(app, field, value, message):
    client = app.test_client()
    response = apply(client, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'aria-invalid="true"' in page
    assert FORM["applicant_name"] in page, "what was typed is kept"
    with app.app_context():
        assert count(Application) == 0 and count(OutboxMessage) == 0


def test_oversized_request_gets_the_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=64 * 1024)
    client = app.test_client()
    response = apply(client, description="ก" * 40000)
    assert response.status_code == 413 and "ไฟล์มีขนาดใหญ่เกินไป" in response.get_data(as_text=True)


def test_bot_filling_the_hidden_field_gets_the_same_answer_and_nothing_is_saved(app):
    client = app.test_client()
    response = apply(client, fax_number="02-123-4567")
    assert response.status_code == 303 and response.headers["Location"] == "/apply/sent"
    with app.app_context():
        assert count(Application) == 0 and count(OutboxMessage) == 0


def test_only_sent_applications_count_and_a_refusal_keeps_the_form(make_app):
    app = make_app(APPLICATION_RATE_LIMIT="2 per hour")
    client = app.test_client()
    for _ in range(3):
        assert apply(client, name_th="").status_code == 422, "a form sent back for a correction costs nothing"
    assert apply(client).status_code == 303
    assert apply(client).status_code == 303, "the same form sent again is the same application: it costs nothing"
    assert apply(client, applicant_email="other@nan-pr.example").status_code == 303
    response = apply(client, applicant_email="third@nan-pr.example")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "โปรดลองใหม่อีกครั้งในอีกประมาณ 60 นาที" in page, "the wait, in words"
    assert "third@nan-pr.example" in page and FORM["motivation"] in page, "what was typed is kept"
    with app.app_context():
        assert count(Application) == 2


def test_the_form_sent_twice_makes_one_application_and_one_mail(app):
    client = app.test_client()
    assert apply(client).status_code == 303
    again = app.test_client()  # Back and resubmit, or the same form from another tab
    response = apply(again)
    assert response.status_code == 303 and response.headers["Location"] == "/apply/sent"
    assert "malee@nan-pr.example" in again.get("/apply/sent").get_data(as_text=True)
    assert apply(client, motivation="อีกเหตุผลหนึ่ง").status_code == 303, "a changed form is a new application"
    with app.app_context():
        assert count(Application) == 2
        assert len(mail_subjects("malee@nan-pr.example")) == 2


def test_check_your_email_names_the_address_and_sends_the_link_again_a_few_times(app):
    client = app.test_client()
    apply(client)
    page = client.get("/apply/sent").get_data(as_text=True)
    assert "เราได้ส่งลิงก์ไปที่ malee@nan-pr.example แล้ว" in page and "ส่งลิงก์อีกครั้ง" in page
    for _ in range(3):
        response = post(client, "/apply/sent/resend", page="/apply/sent")
        assert response.status_code == 303
    assert "เราได้ส่งลิงก์ไปที่ malee@nan-pr.example อีกครั้งแล้ว" in client.get("/apply/sent").get_data(as_text=True)
    refused = post(client, "/apply/sent/resend", page="/apply/sent")
    assert refused.status_code == 429 and "โปรดลองใหม่อีกครั้งในอีกประมาณ" in refused.get_data(as_text=True)
    with app.app_context():
        subjects = mail_subjects("malee@nan-pr.example")
        assert subjects == ["ยืนยันใบสมัครสมาชิกเครือข่ายประชาสัมพันธ์"] * 4
        confirm_path = link_in(last_mail("malee@nan-pr.example"))
    assert post(client, confirm_path, page=confirm_path).status_code == 303, "the resent link confirms"
    page = client.get("/apply/sent").get_data(as_text=True)
    assert "ได้รับการยืนยันแล้ว" in page and "ส่งลิงก์อีกครั้ง" not in page
    assert app.test_client().get("/apply/sent").status_code == 200, "another browser sees the page without an address"


def test_duplicates_are_flagged_for_the_coordinator(app, coordinators):
    with app.app_context():
        make_org(name_th="สำนักงานประชาสัมพันธ์ จังหวัดน่าน", name_en="Nan PR", website="http://other.example")
        make_org(name_th="มูลนิธิอื่น", name_en="Another Foundation", website="https://nan-pr.example/about")
        first = make_application()
        second = make_application(name_th="สนง.ประชาสัมพันธ์น่าน", name_en="Nan Provincial PR Office",
                                  website="", applicant_email="other@nan.example")
        clean = make_application(name_th="สมาคมนักข่าวภาคใต้", name_en="Southern Journalists", website="",
                                 applicant_email="south@news.example")
        db.session.commit()
        reasons = {(d["kind"], d["name"]): d["reasons"] for d in first.possible_duplicates}
        assert reasons[("organisation", "สำนักงานประชาสัมพันธ์ จังหวัดน่าน")] == ["name"]
        assert reasons[("organisation", "มูลนิธิอื่น")] == ["website"]
        assert [(d["kind"], d["id"]) for d in second.possible_duplicates] == [("application", first.id)]
        assert clean.possible_duplicates == []
        first_id = first.id
    client = app.test_client()
    login(client, coordinators[0])
    review = client.get(f"/admin/applications/{first_id}").get_data(as_text=True)
    assert "อาจซ้ำกับข้อมูลที่มีอยู่" in review and "เว็บไซต์เดียวกัน" in review and "ชื่อคล้ายกัน" in review
    queue = client.get("/admin/applications").get_data(as_text=True)
    assert queue.count("อาจซ้ำกับข้อมูลที่มีอยู่</span>") == 2


def test_withdrawing_takes_the_application_out_of_the_queue(app):
    with app.app_context():
        from portal.applications.services import status_token

        application = make_application()
        db.session.commit()
        path = f"/apply/status/{status_token(application)}"
    client = app.test_client()
    assert 'action="/apply/status/' not in client.get(path).get_data(as_text=True).split("withdraw-form")[1].split(
        "</section>")[0], "the status page only links to the question"
    question = client.get(f"{path}/withdraw")
    assert question.status_code == 200 and "การถอนใบสมัครไม่สามารถย้อนกลับได้" in question.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Application.status)) == ApplicationStatus.PENDING, "asking changes nothing"
    assert post(client, f"{path}/withdraw", page=f"{path}/withdraw").status_code == 303
    assert "คุณได้ถอนใบสมัครนี้แล้ว" in client.get(path).get_data(as_text=True)
    assert client.get(f"{path}/withdraw").headers["Location"] == path, "nothing left to withdraw"
    with app.app_context():
        assert db.session.scalar(sa.select(Application.status)) == ApplicationStatus.WITHDRAWN


def test_tampered_status_link_is_refused(app):
    response = app.test_client().get("/apply/status/not-a-token")
    assert response.status_code == 400 and "ไม่สามารถใช้ลิงก์นี้ได้" in response.get_data(as_text=True)


def test_region_and_sector_are_stored_as_their_codes(app):
    with app.app_context():
        application = make_application()
        db.session.commit()
        assert (application.region, application.sector) == (Region.NORTH, Sector.GOVERNMENT)
        assert count(Organisation) == 0


# The applicant acts on an application a coordinator decided on after the applicant's request loaded it.

@pytest.fixture
def coordinator_elsewhere(make_app, coordinators):
    """A coordinator logged in to another app on the same database: another worker, with its own connection."""
    client = make_app().test_client()
    login(client, coordinators[0])
    return client


def decide(client, application_id, decision, note=""):
    page = f"/admin/applications/{application_id}"
    return post(client, f"{page}/decide", {"decision": decision, "note": note}, page=page)


def stored(app, application_id):
    """What the database holds: the application's state and decision, organisations, invitations, mail, audit."""
    with app.app_context():
        application = db.session.get(Application, application_id)
        return {
            "application": (application.status, application.decided_at, application.decision_note,
                            application.applicant_reply, application.organisation_id),
            "organisations": count(Organisation), "invitations": count(MembershipInvitation),
            "mail": db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.subject)
                                       .order_by(OutboxMessage.id)).all(),
            "audit": db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all(),
        }


def as_the_view_does(action, *args):
    """Run an applicant's action as its view does, committing only when allowed; return the refusal's message."""
    try:
        action(*args)
    except services.ApplicationError as error:
        return str(error)
    db.session.commit()
    return None


def _pending_application(app):
    """An application in the queue: its id and the applicant's private status page."""
    with app.app_context():
        application = make_application()
        db.session.commit()
        return application.id, f"/apply/status/{services.status_token(application)}"


def test_withdrawal_loses_to_an_approval_made_after_the_application_was_loaded(app, coordinator_elsewhere):
    application_id, status_page = _pending_application(app)
    applicant = app.test_client()
    token = csrf(applicant, status_page)  # the applicant has the page open with the withdraw button
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == ApplicationStatus.PENDING  # the withdrawal has loaded the application...
        assert decide(coordinator_elsewhere, application_id, "approve", "ยินดีต้อนรับ").status_code == 303
        approved = stored(coordinator_elsewhere.application, application_id)  # ...a coordinator approved...
        refusal = as_the_view_does(services.withdraw_application, application)  # ...then the withdrawal writes
    assert stored(app, application_id) == approved, "the approval stands; nothing of the withdrawal is saved"
    status, decided_at, note, _, organisation_id = approved["application"]
    assert (status, note) == (ApplicationStatus.APPROVED, "ยินดีต้อนรับ") and decided_at and organisation_id
    assert approved["organisations"] == approved["invitations"] == 1
    assert "application.withdrawn" not in approved["audit"]
    assert refusal == "ไม่สามารถถอนใบสมัครนี้ได้แล้ว"
    response = applicant.post(f"{status_page}/withdraw", data={"csrf_token": token})
    assert response.status_code == 303
    page = applicant.get(status_page).get_data(as_text=True)
    assert "ไม่สามารถถอนใบสมัครนี้ได้แล้ว" in page and "อนุมัติแล้ว" in page
    assert stored(app, application_id) == approved


def test_reply_loses_to_a_rejection_made_after_the_application_was_loaded(app, coordinator_elsewhere):
    application_id, status_page = _pending_application(app)
    assert decide(coordinator_elsewhere, application_id, "ask_info", "โปรดส่งหนังสือรับรอง").status_code == 303
    applicant = app.test_client()
    token = csrf(applicant, status_page)  # the applicant has the page open with the reply form
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == ApplicationStatus.NEEDS_INFO  # the reply has loaded the application...
        assert decide(coordinator_elsewhere, application_id, "reject", "ไม่ตรงเงื่อนไข").status_code == 303
        rejected = stored(coordinator_elsewhere.application, application_id)  # ...a coordinator rejected it...
        refusal = as_the_view_does(services.reply_to_info_request, application, "แนบหนังสือแล้ว")  # ...the reply writes
    assert stored(app, application_id) == rejected, "the rejection stands; nothing of the reply is saved"
    status, decided_at, note, reply, _ = rejected["application"]
    assert (status, note, reply) == (ApplicationStatus.REJECTED, "ไม่ตรงเงื่อนไข", "") and decided_at
    assert rejected["mail"][-1] == ("malee@nan-pr.example", "เกี่ยวกับใบสมัครสมาชิกเครือข่ายประชาสัมพันธ์ของคุณ")
    assert "application.replied" not in rejected["audit"]
    assert refusal == "ใบสมัครนี้ไม่ได้รอคำตอบ"
    response = applicant.post(f"{status_page}/reply", data={"reply": "แนบหนังสือแล้ว", "csrf_token": token})
    assert response.status_code == 303
    page = applicant.get(status_page).get_data(as_text=True)
    assert "ใบสมัครนี้ไม่ได้รอคำตอบ" in page and "ไม่ตรงเงื่อนไข" in page
    assert stored(app, application_id) == rejected
