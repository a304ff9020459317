"""Urgent alerts: who they reach, acknowledgement links that only a POST acts on, reminders sent once, who may send
and see them, and an alert that leaves ahead of ten thousand queued messages."""

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from portal.alerts import services
from portal.alerts.models import Alert, Recipient
from portal.audit.models import AuditEvent
from portal.auth.services import find_user_by_email
from portal.db import utcnow
from portal.extensions import db
from portal.mail import worker
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.services import PRIORITY_BULK, PRIORITY_URGENT
from portal.organisations.models import Organisation
from tests.support.factories import make_user
from tests.support.mail import last_mail, tampered
from tests.support.web import client_as

VALUES = {"title_th": "แจ้งเตือนน้ำท่วม", "title_en": "Flood warning", "message_th": "โปรดเตรียมแถลงข่าวด่วน",
          "message_en": "Prepare an urgent statement", "remind_after_minutes": 60}


def send(network, **audience):
    coordinator = find_user_by_email(network["coordinator"])
    alert = services.send(coordinator, dict(VALUES), **audience)
    db.session.commit()
    return alert


def ack_path(email):
    return re.search(r"http://portal\.test(/alerts/ack/\S+)", last_mail(email).body_text).group(1)


def token_of(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_network_alert_reaches_each_active_person_once_in_their_language_at_urgent_priority(app, network):
    with app.app_context():
        home = db.session.get(Organisation, network["home_id"])
        other = db.session.get(Organisation, network["other_id"])
        both = make_user("both@home.example", home, language="en")
        from portal.organisations.models import Membership
        db.session.add(Membership(user=both, organisation=other))
        make_user("gone@home.example", home, active=False)
        db.session.commit()
        alert = send(network)
        emails = sorted(db.session.scalars(sa.select(Recipient.email).where(Recipient.alert_id == alert.id)))
        assert emails == sorted(["admin@home.example", "member@home.example", "admin@other.example",
                                 "both@home.example"])  # once each; not the inactive person, not the coordinator
        english = last_mail("both@home.example")
        assert english.subject == "Urgent: Flood warning" and "Prepare an urgent statement" in english.body_text
        thai = last_mail("member@home.example")
        assert thai.subject == "ด่วน: แจ้งเตือนน้ำท่วม" and thai.priority == PRIORITY_URGENT
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "alert.sent")) == 1


def test_the_acknowledgement_link_shows_on_get_acts_only_on_post_and_only_for_its_person(app, network):
    with app.app_context():
        alert = send(network)
        path = ack_path("member@home.example")
        alert_id = alert.id
    visitor = app.test_client()
    for _ in range(2):  # a mail scanner opens the link twice: nothing changes
        page = visitor.get(path)
        assert page.status_code == 200 and "แจ้งเตือนน้ำท่วม" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Recipient.acknowledged_at))
                                 .where(Recipient.alert_id == alert_id)) == 0
    token = token_of(visitor.get(path).get_data(as_text=True))
    assert visitor.post(path, data={"csrf_token": token}).status_code == 303
    assert visitor.post(path, data={"csrf_token": token}).status_code == 303  # twice: recorded once
    with app.app_context():
        acknowledged = db.session.scalars(sa.select(Recipient.email).where(
            Recipient.alert_id == alert_id, Recipient.acknowledged_at.is_not(None))).all()
        assert acknowledged == ["member@home.example"]  # only the link's own person
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "alert.acknowledged")) == 1
    assert "รับทราบแล้ว" in visitor.get(path).get_data(as_text=True)
    assert visitor.get(tampered(path)).status_code == 400
    assert visitor.post(path, data={}).status_code == 400  # no CSRF token: refused


def test_an_english_recipient_link_opens_in_english_without_a_login(app, network):
    with app.app_context():
        home = db.session.get(Organisation, network["home_id"])
        make_user("reader@home.example", home, language="en")
        db.session.commit()
        send(network)
        path = ack_path("reader@home.example")
    text = app.test_client().get(path).get_data(as_text=True)
    assert "Flood warning" in text and "Acknowledge" in text and "รับทราบ" not in text


def test_reminders_go_once_to_those_who_have_not_acknowledged_and_the_sender_hears_of_silent_organisations(app,
                                                                                                       network):
    with app.app_context():
        alert = send(network)
        member = db.session.scalar(sa.select(Recipient).where(Recipient.email == "member@home.example"))
        services.acknowledge(member)
        db.session.commit()
        assert services.remind_due() == 0  # not yet: an hour after sending
        with time_machine.travel(utcnow() + timedelta(minutes=61)):
            assert services.remind_due() == 2  # home's admin, other's admin
            assert services.remind_due() == 0  # idempotent
            result = app.test_cli_runner().invoke(args=["alerts", "remind"])
            assert "reminded 0" in result.output
        reminders = db.session.scalars(sa.select(OutboxMessage.recipient).where(
            OutboxMessage.idempotency_key.like(f"alert-{alert.id}-reminder:%"))).all()
        assert sorted(reminders) == ["admin@home.example", "admin@other.example"]
        told = last_mail(network["coordinator"])
        assert "มหาวิทยาลัยอื่น" in told.body_text and "สำนักงานประชาสัมพันธ์บ้านเรา" not in told.body_text


def test_an_organisation_admin_alerts_only_their_own_people_and_outsiders_cannot_see_it(app, network):
    with app.app_context():
        home_id, other_id = network["home_id"], network["other_id"]
    admin = client_as(app, network["org_admin"])
    page = admin.get("/alerts/new").get_data(as_text=True)
    form = {"csrf_token": token_of(page), "sender": str(other_id), "title_th": "ซ้อมแผน", "message_th": "พรุ่งนี้",
            "remind": ""}
    refused = admin.post("/alerts/new", data=form)
    assert refused.status_code == 422  # another organisation's people: not a choice
    assert admin.post("/alerts/new", data=form | {"sender": str(home_id), "chosen": str(other_id)}).status_code == 422
    review = admin.post("/alerts/new", data=form | {"sender": str(home_id)})
    text = review.get_data(as_text=True)
    assert review.status_code == 200 and "ผู้รับ 2 คน" in text  # asked first: home's two people
    back = admin.post("/alerts/new", data=form | {"sender": str(home_id), "edit": "1"}).get_data(as_text=True)
    assert "ตรวจทานและส่ง" in back and "ซ้อมแผน" in back  # back to the form, everything kept, nothing sent
    sent = admin.post("/alerts/new", data=form | {"sender": str(home_id), "confirmed": "yes"})
    assert sent.status_code == 303
    with app.app_context():
        alert = db.session.scalar(sa.select(Alert))
        assert sorted(db.session.scalars(sa.select(Recipient.email))) == ["admin@home.example",
                                                                         "member@home.example"]
        alert_id = alert.id
    assert client_as(app, network["other_admin"]).get(f"/alerts/{alert_id}").status_code == 404
    assert client_as(app, network["member"]).get(f"/alerts/{alert_id}").status_code == 200
    watch = admin.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "รับทราบแล้ว 0 จาก 2 คน" in watch
    refreshed = admin.get(f"/alerts/{alert_id}?part=watch", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert refreshed.lstrip().startswith('<section id="watch"') and "<html" not in refreshed  # the counts alone
    assert client_as(app, network["member"]).get("/alerts/new").status_code == 403


def test_an_alert_queued_behind_ten_thousand_messages_reaches_the_smtp_server_first(smtp_app, smtp, network):
    app = smtp_app
    with app.app_context():
        now = utcnow()
        db.session.execute(sa.insert(OutboxMessage.__table__), [
            {"recipient": f"bulk{n}@member.example", "subject": "เชิญร่วมงาน", "body_text": "เชิญ", "body_html": "<p>เชิญ</p>",
             "language": "th", "status": OutboxStatus.QUEUED, "attempts": 0, "next_attempt_at": now,
             "created_at": now, "idempotency_key": f"bulk-{n}", "priority": PRIORITY_BULK} for n in range(10_000)])
        db.session.commit()
        alert = send(network)
        reached = db.session.scalar(sa.select(sa.func.count()).where(Recipient.alert_id == alert.id))
        worker.deliver_batch(size=50)
    first = [m["To"] for m in smtp.messages]
    assert len(first) == 50 and reached == 3
    assert sorted(first[:reached]) == ["admin@home.example", "admin@other.example", "member@home.example"]
    assert all(address.startswith("bulk") for address in first[reached:])
