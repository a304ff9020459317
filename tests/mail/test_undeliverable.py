"""Undeliverable mail: `flask outbox retry`, the coordinators' page and the notice on every page they see."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.db import utcnow
from portal.extensions import db
from portal.mail import services, worker
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.services import PAGE_SIZE, queue_mail
from tests.support.factories import log_in, make_user


def undeliverable(to, status=OutboxStatus.DEAD, attempts=8, age=timedelta(minutes=5),
                  error="451 4.3.0 Try again later"):
    """Queue a message and leave it as the worker would have: given up (dead) or refused (failed)."""
    message = queue_mail(to, "main/announcement", "ประกาศ", name="สมชาย", message="ขอเชิญประชุม", kind="announcements")
    db.session.flush()
    message.status, message.attempts, message.last_error = status, attempts, error
    message.created_at = message.next_attempt_at = utcnow() - age
    return message


def states():
    return {m.recipient: (m.status, m.attempts) for m in db.session.scalars(sa.select(OutboxMessage))}


def retry(app, *args):
    result = app.test_cli_runner().invoke(args=["outbox", "retry", *args])
    return result.exit_code, result.output


def test_retry_command_queues_dead_messages_again_once(app):
    with app.app_context():
        for to in ("a@member.example", "b@member.example"):
            undeliverable(to)
        undeliverable("refused@member.example", OutboxStatus.FAILED, attempts=1, error="550 5.1.1 No such user")
        sent = undeliverable("sent@member.example", OutboxStatus.SENT, attempts=1, error=None).id
        db.session.commit()
        before = utcnow()

    assert retry(app) == (0, "queued again: 2\n")
    with app.app_context():
        assert states() == {"a@member.example": (OutboxStatus.QUEUED, 0), "b@member.example": (OutboxStatus.QUEUED, 0),
                            "refused@member.example": (OutboxStatus.FAILED, 1),
                            "sent@member.example": (OutboxStatus.SENT, 1)}
        due = db.session.scalars(sa.select(OutboxMessage.next_attempt_at)
                                 .where(OutboxMessage.status == OutboxStatus.QUEUED)).all()
        assert all(before <= when <= utcnow() for when in due), "due now: the next batch takes them"
        [event] = db.session.scalars(sa.select(AuditEvent)).all()
        assert (event.action, event.actor_id, event.details) == ("outbox.retried", None, {"count": 2, "status": "dead"})

    assert retry(app) == (0, "queued again: 0\n"), "a second run changes nothing"
    assert retry(app, "--id", str(sent)) == (0, "queued again: 0\n"), "nor does naming a sent message"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_retry_command_chooses_by_id_status_and_age(app):
    with app.app_context():
        old = undeliverable("old@member.example", age=timedelta(days=3)).id
        recent = undeliverable("recent@member.example", age=timedelta(hours=1)).id
        other = undeliverable("other@member.example", age=timedelta(hours=1)).id
        refused = undeliverable("refused@member.example", OutboxStatus.FAILED, attempts=1).id
        db.session.commit()

    assert retry(app, "--id", str(refused)) == (0, "queued again: 0\n"), "dead ones only, unless told"
    assert retry(app, "--status", "failed", "--id", str(refused)) == (0, "queued again: 1\n")
    assert retry(app, "--since", "2h", "--id", str(recent)) == (0, "queued again: 1\n")
    assert retry(app, "--older-than", "1d") == (0, "queued again: 1\n")
    assert retry(app, "--since", "1d", "--older-than", "2h") == (0, "queued again: 0\n")
    assert retry(app, "--status", "dead", "--status", "failed") == (0, "queued again: 1\n")
    with app.app_context():
        assert {id_: status for id_, status in db.session.execute(
            sa.select(OutboxMessage.id, OutboxMessage.status))} == dict.fromkeys(
            [old, recent, other, refused], OutboxStatus.QUEUED)
        details = [e.details for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
        assert details[0] == {"count": 1, "status": "failed", "messages": [refused]}
        assert set(details[2]) == {"count", "status", "queued_before"}


@pytest.mark.parametrize("args, complaint", [
    (["--since", "soon"], "is not an age"),
    (["--older-than", "9999999w"], "longer ago than any message"),
    (["--status", "queued"], "'queued' is not one of"),
    (["--id", "0"], "is not in the range"),
    (["--id", str(10**20)], "is not in the range"),
])
def test_retry_command_refuses_what_it_cannot_mean(app, args, complaint):
    code, output = retry(app, *args)
    assert code == 2 and complaint in output, output


@pytest.fixture
def outbox(make_app, smtp):
    """An app delivering to the test's SMTP server, a coordinator, a member, and mail in every state that matters."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAILBOX_ENABLED=False)
    with app.app_context():
        coordinator = make_user("coordinator@network.example", is_admin=True)
        member = make_user("member@network.example")
        old = undeliverable("old@member.example", age=timedelta(days=2), error="421 4.4.2 Connection timed out")
        refused = undeliverable("nobody@member.example", OutboxStatus.FAILED, attempts=1, age=timedelta(days=1),
                                error="550 5.1.1 <nobody@member.example>: no such user")
        sent = undeliverable("sent@member.example", OutboxStatus.SENT, attempts=1, error=None)
        new = undeliverable("new@member.example", error="451 4.3.0 <b>greylisted</b>")
        new.subject = "ประกาศ <script>alert(1)</script>"
        db.session.commit()
        return app, {"coordinator": coordinator.get_id(), "member": member.get_id(), "old": old.id,
                     "refused": refused.id, "sent": sent.id, "new": new.id}


def client_of(app, person):
    client = app.test_client()
    if person:
        log_in(client, person)
    return client


def token(client, path="/admin/outbox"):
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def test_coordinator_sees_undeliverable_mail_newest_first(outbox):
    app, ids = outbox
    page = client_of(app, ids["coordinator"]).get("/admin/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(r'<tr id="outbox-message-(\d+)">', html)
    assert rows == [str(ids["new"]), str(ids["refused"]), str(ids["old"])], "dead and failed, newest first"
    assert "sent@member.example" not in html
    assert "550 5.1.1 &lt;nobody@member.example&gt;: no such user" in html and "&lt;b&gt;greylisted" in html
    assert "ประกาศ &lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "หยุดส่งแล้ว" in html and "ส่งไม่สำเร็จ" in html, "states named in Thai"
    assert html.count(">ส่งอีกครั้ง</button>") == 3
    assert "ส่งอีเมลที่หยุดส่งแล้วทั้งหมดอีกครั้ง (2 ฉบับ)" in html


def test_coordinator_sends_one_again_and_the_worker_delivers_it(outbox, smtp):
    app, ids = outbox
    client = client_of(app, ids["coordinator"])
    response = client.post(f"/admin/outbox/{ids['old']}/retry", data={"csrf_token": token(client)})
    assert response.status_code == 303 and response.location.endswith("/admin/outbox")
    assert "เข้าคิวส่งอีกครั้งแล้ว" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        message = db.session.get(OutboxMessage, ids["old"])
        assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 0)
        [event] = db.session.scalars(sa.select(AuditEvent)).all()
        assert (event.action, event.target_type, event.target_id) == ("outbox.retried", "outboxmessage", ids["old"])
        assert event.actor.email == "coordinator@network.example"
        assert worker.work(until_empty=True, poll_seconds=0).sent == 1
        assert db.session.get(OutboxMessage, ids["old"]).status == OutboxStatus.SENT
    assert [m["To"] for m in smtp.messages] == ["old@member.example"]

    again = client.post(f"/admin/outbox/{ids['old']}/retry", data={"csrf_token": token(client)})
    assert again.status_code == 303 and "ไม่มีการเปลี่ยนแปลง" in client.get(again.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(OutboxMessage, ids["old"]).status == OutboxStatus.SENT, "a sent message stays sent"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_coordinator_sends_every_given_up_message_again(outbox):
    app, ids = outbox
    client = client_of(app, ids["coordinator"])
    response = client.post("/admin/outbox/retry-dead", data={"csrf_token": token(client)})
    assert response.status_code == 303
    assert "อีเมลที่เข้าคิวส่งอีกครั้ง: 2 ฉบับ" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert {id_: (status, attempts) for id_, status, attempts in db.session.execute(
            sa.select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts))} == {
            ids["old"]: (OutboxStatus.QUEUED, 0), ids["new"]: (OutboxStatus.QUEUED, 0),
            ids["refused"]: (OutboxStatus.FAILED, 1), ids["sent"]: (OutboxStatus.SENT, 1)}
        [event] = db.session.scalars(sa.select(AuditEvent)).all()
        assert event.action == "outbox.retried" and event.details == {"count": 2, "status": "dead"}


def test_sending_again_with_htmx_replaces_the_row(outbox):
    app, ids = outbox
    client = client_of(app, ids["coordinator"])
    page = client.get("/admin/outbox").get_data(as_text=True)
    header_token = re.search(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;', page)[1]
    response = client.post(f"/admin/outbox/{ids['refused']}/retry",
                           headers={"HX-Request": "true", "X-CSRFToken": header_token})
    row = response.get_data(as_text=True)
    assert response.status_code == 200
    assert row.lstrip().startswith(f'<tr id="outbox-message-{ids["refused"]}">') and "รอส่ง" in row
    assert "ส่งอีกครั้ง" not in row, "nothing left to send again"


def test_sending_again_needs_the_form_s_token(outbox):
    app, ids = outbox
    client = client_of(app, ids["coordinator"])
    assert client.post(f"/admin/outbox/{ids['old']}/retry").status_code == 400
    assert client.post("/admin/outbox/retry-dead").status_code == 400
    with app.app_context():
        assert db.session.get(OutboxMessage, ids["old"]).status == OutboxStatus.DEAD


@pytest.mark.parametrize("person, status", [("member", 403), (None, 302)])
def test_only_coordinators_see_or_retry_undeliverable_mail(outbox, person, status):
    app, ids = outbox
    client = client_of(app, ids.get(person))
    csrf_token = token(client, "/")
    assert client.get("/admin/outbox").status_code == status
    assert client.post(f"/admin/outbox/{ids['old']}/retry", data={"csrf_token": csrf_token}).status_code == status
    assert client.post("/admin/outbox/retry-dead", data={"csrf_token": csrf_token}).status_code == status
    with app.app_context():
        assert db.session.get(OutboxMessage, ids["old"]).status == OutboxStatus.DEAD
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_the_list_is_paged(app):
    with app.app_context():
        coordinator = make_user(is_admin=True).get_id()
        for n in range(PAGE_SIZE + 1):
            undeliverable(f"m{n}@member.example")
        db.session.commit()
    client = client_of(app, coordinator)
    first = client.get("/admin/outbox").get_data(as_text=True)
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    assert first.count('<tr id="outbox-message-') == PAGE_SIZE and "/admin/outbox?page=2" in first
    assert second.count('<tr id="outbox-message-') == 1 and "m0@member.example" in second


def test_coordinators_see_a_notice_of_given_up_mail_on_every_page(outbox):
    app, ids = outbox
    coordinator = client_of(app, ids["coordinator"])
    for path in ("/", "/admin/people", "/account"):
        html = coordinator.get(path).get_data(as_text=True)
        assert re.search(r'<a href="/admin/outbox">\s*มีอีเมล 2 ฉบับที่ส่งไม่ถึงผู้รับ</a>', html), path
    assert "ส่งไม่ถึงผู้รับ</a>" not in client_of(app, ids["member"]).get("/").get_data(as_text=True)
    assert "ส่งไม่ถึงผู้รับ</a>" not in client_of(app, None).get("/").get_data(as_text=True)
    coordinator.post("/language", data={"language": "en", "next": "/", "csrf_token": token(coordinator, "/")})
    assert "2 messages could not be delivered." in coordinator.get("/").get_data(as_text=True)
    with app.app_context():
        services.retry_messages(ids=[ids["old"]])
        db.session.commit()
    assert "1 message could not be delivered." in coordinator.get("/").get_data(as_text=True)
    with app.app_context():
        services.retry_messages()
        db.session.commit()
    html = coordinator.get("/").get_data(as_text=True)
    assert "could not be delivered" not in html, "refused (failed) messages alone raise no notice"
