"""Personal data under the PDPA: the notice and its acceptance, My data, leaving, erasing a former colleague, and
the retention run."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask_login import AnonymousUserMixin

from portal.agreements.models import PartyAnswer
from portal.applications import services as applications
from portal.applications.models import Application, ApplicationStatus
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.auth.services import find_user_by_email
from portal.db import utcnow
from portal.events import rsvp
from portal.events import services as events
from portal.events.models import Invitation, Reply
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.services import queue_mail
from portal.organisations import invitations
from portal.organisations.invitations import invite
from portal.organisations.models import Membership, MembershipInvitation, Organisation, Role
from tests.support.agreements import signed_agreement
from tests.support.applications import FORM
from tests.support.events import published_event
from tests.support.factories import make_user
from tests.support.network import NEW_PASSWORD, PASSWORD
from tests.support.web import client_as, csrf, login, post


def test_notice_in_both_languages_linked_from_footer_form_and_account(app, network):
    client = app.test_client()
    thai = client.get("/privacy").get_data(as_text=True)
    assert "<h1>ประกาศความเป็นส่วนตัว</h1>" in thai and "ฉบับที่ 1 มีผลตั้งแต่วันที่ 1 ธันวาคม 2569" in thai
    assert "privacy@prnetwork.example" in thai and "90 วัน" in thai
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get("/privacy").get_data(as_text=True)
    assert "<h1>Privacy notice</h1>" in english and "Version 1, in force from December 1, 2026" in english
    assert "ประกาศ" not in english
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)  # the footer
    assert 'href="/privacy"' in app.test_client().get("/apply").get_data(as_text=True)
    member = client_as(app, network["member"])
    account = member.get("/account").get_data(as_text=True)
    assert 'href="/account/my-data"' in account and 'href="/account/leave"' in account


def test_the_application_records_the_notice_and_the_account_carries_it(app, network):
    client = app.test_client()
    refused = client.post("/apply", data={**FORM, "privacy": "", "csrf_token": csrf(client, "/apply")})
    assert refused.status_code == 422
    assert "โปรดอ่านประกาศความเป็นส่วนตัวและทำเครื่องหมายในช่องนี้" in refused.get_data(as_text=True)
    assert client.post("/apply", data={**FORM, "csrf_token": csrf(client, "/apply")}).status_code == 303
    with app.app_context():
        application = db.session.scalar(sa.select(Application))
        assert application.privacy_version == 1 and utcnow() - application.privacy_accepted_at < timedelta(minutes=1)
        applications.confirm_application(application)
        applications.approve_application(application, "", by=find_user_by_email(network["coordinator"]))
        invitation = db.session.scalar(sa.select(MembershipInvitation).where(
            MembershipInvitation.email == application.applicant_email))
        person, _ = invitations.accept(invitation, AnonymousUserMixin(), name="มาลี ศรีน่าน", password=NEW_PASSWORD)
        assert (person.privacy_version, person.privacy_accepted_at) == (1, application.privacy_accepted_at)


def test_an_outdated_acceptance_is_asked_for_on_the_account_page(app, network):
    client = client_as(app, network["member"])
    assert "โปรดอ่านประกาศความเป็นส่วนตัว (ฉบับที่ 1) และกดยอมรับ" in client.get("/account").get_data(as_text=True)
    response = post(client, "/privacy/accept", {"next": "/account"}, page="/privacy")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    page = client.get("/account").get_data(as_text=True)
    assert "โปรดอ่านประกาศความเป็นส่วนตัว" not in page and "คุณยอมรับฉบับที่ 1 เมื่อ" in page
    assert "คุณยอมรับฉบับนี้เมื่อวันที่" in client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        person = find_user_by_email(network["member"])
        assert person.privacy_version == 1 and person.privacy_accepted_at is not None
        assert db.session.scalar(sa.select(AuditEvent.details).where(
            AuditEvent.action == "privacy.notice_accepted", AuditEvent.actor_id == person.id)) == {"version": 1}
    with app.app_context():  # a newer notice since: asked again, as a change
        db.session.execute(sa.update(User).where(User.email == network["member"]).values(privacy_version=0))
        db.session.commit()
    assert "ประกาศความเป็นส่วนตัวมีการเปลี่ยนแปลง" in client.get("/account").get_data(as_text=True)


def _zip(response):
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_my_data_holds_the_person_s_data_from_every_domain_and_nobody_else_s(app, network):
    with app.app_context():
        signed_agreement(network)
        event = published_event(network)
        admin = find_user_by_email(network["org_admin"])
        events.invite(event, by=admin, user_ids=[admin.id, find_user_by_email(network["member"]).id])
        rsvp.answer(db.session.scalar(sa.select(Invitation).where(Invitation.user_id == admin.id)), Reply.YES)
        queue_mail(network["member"], "main/announcement", "ข่าวถึงสมาชิก", kind="announcements", name="n",
                   message="ลับเฉพาะสมาชิก")
        db.session.commit()
    archive = _zip(client_as(app, network["org_admin"]).get("/account/my-data"))
    assert {"my-data.json", "account.csv", "memberships.csv", "event_answers.csv", "agreement_signatures.csv",
            "audit_events.csv", "mails.csv"} <= set(archive.namelist())
    data = json.loads(archive.read("my-data.json"))
    assert data["account"][0]["email"] == "admin@home.example"
    assert [m["organisation"] for m in data["memberships"]] == ["สำนักงานประชาสัมพันธ์บ้านเรา"]
    assert [(s["typed_name"], s["typed_position"]) for s in data["agreement_signatures"]] == [
        ("แอดมินบ้าน", "ผู้อำนวยการ")]
    assert [(a["email"], a["status"]) for a in data["event_answers"]] == [("admin@home.example", "confirmed")]
    assert data["audit_events"] and data["mails"]  # the invitation's mail, among others
    everything = json.dumps(data, ensure_ascii=False) + "".join(archive.read(n).decode() for n in archive.namelist())
    assert "member@home.example" not in everything and "ลับเฉพาะสมาชิก" not in everything
    assert "นกน้อย" not in everything and "signatory@listed.example" not in everything
    rows = list(csv.DictReader(io.StringIO(archive.read("agreement_signatures.csv").decode("utf-8-sig"))))
    assert rows[0]["typed_name"] == "แอดมินบ้าน"
    assert app.test_client().get("/account/my-data").status_code == 302  # visitors log in first


def test_leaving_erases_the_person_but_keeps_their_signature(app, network):
    with app.app_context():
        signed_agreement(network)
        member = find_user_by_email(network["member"])
        member.memberships[0].role = Role.ORG_ADMIN  # home keeps an admin when its first one leaves
        queue_mail(network["org_admin"], "main/announcement", "รอส่ง", kind="announcements", name="n", message="m")
        admin = find_user_by_email(network["org_admin"])
        sent = invite("newcomer@member.example", member.memberships[0].organisation, "member", by=admin)
        db.session.commit()
        admin_id, sent_id = admin.id, sent.id
    client = client_as(app, network["org_admin"])
    page = client.get("/account/leave").get_data(as_text=True)
    assert "การลงนามในบันทึกข้อตกลงความร่วมมือยังคงเก็บชื่อและตำแหน่งที่พิมพ์ไว้" in page
    wrong = post(client, "/account/leave", {"password": "not my password", "confirmed": "y"}, page="/account/leave")
    assert wrong.status_code == 422 and "รหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)
    unticked = post(client, "/account/leave", {"password": PASSWORD}, page="/account/leave")
    assert unticked.status_code == 422 and "โปรดทำเครื่องหมายในช่องเพื่อยืนยัน" in unticked.get_data(as_text=True)
    response = post(client, "/account/leave", {"password": PASSWORD, "confirmed": "y"}, page="/account/leave")
    assert response.status_code == 303
    assert client.get("/account").status_code == 302  # logged out
    assert login(app.test_client(), network["org_admin"]).status_code == 422
    with app.app_context():
        person = db.session.get(User, admin_id)
        assert (person.name, person.email, person.active) == ("Former member", f"deleted-{admin_id}@invalid", False)
        assert person.memberships == []
        signature = db.session.scalar(sa.select(PartyAnswer).where(PartyAnswer.user_id == admin_id))
        assert (signature.typed_name, signature.typed_position) == ("แอดมินบ้าน", "ผู้อำนวยการ")
        assert not db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == network["org_admin"])).all()
        for event in db.session.scalars(sa.select(AuditEvent)):
            assert "admin@home.example" not in json.dumps(event.details), event.action
        assert db.session.scalar(sa.select(AuditEvent.actor_id).where(
            AuditEvent.action == "privacy.account_erased")) == admin_id
        assert db.session.get(MembershipInvitation, sent_id).revoked_at is not None  # what they sent falls


def test_the_only_admin_and_coordinators_are_told_why_they_cannot_leave(app, network):
    client = client_as(app, network["org_admin"])
    page = client.get("/account/leave").get_data(as_text=True)
    assert "คุณเป็นผู้ดูแลข้อมูลองค์กรเพียงคนเดียวของ" in page and 'action="/account/leave"' not in page
    response = post(client, "/account/leave", {"password": PASSWORD, "confirmed": "y"}, page="/account")
    assert response.status_code == 422
    assert login(app.test_client(), network["org_admin"]).status_code == 303


def test_an_admin_erases_a_former_colleague_and_nobody_else(app, network):
    with app.app_context():
        home = db.session.get(Organisation, network["home_id"])
        other = db.session.get(Organisation, network["other_id"])
        in_two = make_user("both@member.example", home)
        gone = make_user("gone@member.example", home, active=False)  # deactivated: not in the people table
        db.session.add(Membership(user=in_two, organisation=other))
        ids = {key: db.session.scalar(sa.select(Membership.id).join(User).where(User.email == email))
               for key, email in (("member", network["member"]), ("admin", network["org_admin"]))}
        ids["in_two"] = in_two.memberships[0].id if in_two.memberships[0].organisation_id == home.id \
            else in_two.memberships[1].id
        ids["gone"] = gone.memberships[0].id
        db.session.commit()
    admin = client_as(app, network["org_admin"])
    profile = admin.get("/organisations/home").get_data(as_text=True)
    assert "อดีตเพื่อนร่วมงานที่บัญชีถูกระงับ 1 คน" in profile
    assert f'href="/privacy/colleagues/{ids["gone"]}/erase"' in profile
    for key in ("admin", "in_two"):  # oneself; someone who is still in another organisation
        assert admin.get(f"/privacy/colleagues/{ids[key]}/erase").status_code == 403
    for email in (network["other_admin"], network["coordinator"], network["member"]):
        assert client_as(app, email).get(f"/privacy/colleagues/{ids['member']}/erase").status_code == 403
    page = admin.get(f"/privacy/colleagues/{ids['member']}/erase").get_data(as_text=True)
    assert "นกน้อย สมาชิกบ้าน (member@home.example) จะถูกนำออกจาก" in page
    path = f"/privacy/colleagues/{ids['member']}/erase"
    assert post(admin, path, {"password": "wrong one"}, page=path).status_code == 422
    response = post(admin, path, {"password": PASSWORD}, page=path)
    assert response.status_code == 303 and response.headers["Location"].endswith("/organisations/home#people")
    assert "นกน้อย" not in admin.get("/organisations/home").get_data(as_text=True)
    assert login(app.test_client(), network["member"]).status_code == 422
    with app.app_context():
        assert find_user_by_email(network["member"]) is None
        assert db.session.scalar(sa.select(AuditEvent.details).where(
            AuditEvent.action == "privacy.colleague_erased")) == {"organisation": "home"}


@pytest.fixture
def old_data(app, network):
    """A sent mail, an audit event with an address and a declined application, all 400 days old; and new ones."""
    with app.app_context():
        with time_machine.travel(utcnow() - timedelta(days=400), tick=False):
            old_mail = queue_mail("x@member.example", "main/announcement", "เก่า", kind="announcements", name="n",
                                  message="ลิงก์เก่า", attachments=[("a.txt", "text/plain", b"a")])
            old_mail.status = OutboxStatus.SENT
            db.session.add(AuditEvent(action="test.old", ip="203.0.113.77"))
            db.session.add(AuditEvent(action="test.old6", ip="2001:db8:1234:5678::1"))
            declined = db.session.scalar(sa.select(Application).where(Application.id == applications.submit_application(
                "th", **{k: v for k, v in FORM.items() if k not in ("consent", "privacy")}).id))
            declined.status, declined.decided_at = ApplicationStatus.REJECTED, utcnow()
        new_mail = queue_mail("x@member.example", "main/announcement", "ใหม่", kind="announcements", name="n",
                              message="ลิงก์ใหม่")
        new_mail.status = OutboxStatus.SENT
        db.session.add(AuditEvent(action="test.new", ip="203.0.113.78"))
        db.session.commit()


def test_retention_run_removes_old_personal_data_once(app, old_data):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["retention", "run"])
    assert first.exit_code == 0, first.output
    assert "mail bodies blanked 1" in first.output and "audit IP addresses shortened 2" in first.output
    assert "applications deleted 1" in first.output
    second = runner.invoke(args=["retention", "run"])
    assert "mail bodies blanked 0" in second.output and "audit IP addresses shortened 0" in second.output
    assert "applications deleted 0" in second.output
    with app.app_context():
        mails = {m.subject: m for m in db.session.scalars(sa.select(OutboxMessage))}
        assert (mails["เก่า"].body_text, mails["เก่า"].body_html, mails["เก่า"].attachments) == ("", "", [])
        assert "ลิงก์ใหม่" in mails["ใหม่"].body_text
        ips = dict(db.session.execute(sa.select(AuditEvent.action, AuditEvent.ip)
                                      .where(AuditEvent.action.like("test.%"))).all())
        assert ips == {"test.old": "203.0.113.0", "test.old6": "2001:db8:1234::", "test.new": "203.0.113.78"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
        trail = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.submitted")).all()
        assert [(event.actor_name, event.details) for event in trail] == [("", {})]
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "privacy.retention_run")) == 1
