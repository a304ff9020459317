"""The development mailbox: for coordinators (or debug mode) only, mail shown safely."""

import pytest

from portal.extensions import db
from portal.mail import worker
from portal.mail.services import queue_mail
from tests.support.factories import log_in, make_user


@pytest.fixture
def mailbox(app):
    with app.app_context():
        coordinator = make_user("coordinator@network.example", is_admin=True)
        member = make_user("member@network.example")
        message = queue_mail("somchai@member.example", "main/announcement", "ประกาศ <b>สำคัญ</b>", name="สมชาย",
                             message='<script>alert("x")</script> ขอเชิญประชุม',
                             attachments=[("agenda.txt", "text/plain", "วาระการประชุม".encode())], kind="announcements")
        db.session.commit()
        worker.deliver_batch()
        return {"coordinator": coordinator.get_id(), "member": member.get_id(), "message_id": message.id,
                "attachment_id": message.attachments[0].id}


def test_coordinator_reads_the_mailbox(app, mailbox):
    client = app.test_client()
    log_in(client, mailbox["coordinator"])
    index = client.get("/dev/mailbox/").get_data(as_text=True)
    assert "somchai@member.example" in index and "ส่งแล้ว" in index
    assert "ประกาศ &lt;b&gt;สำคัญ&lt;/b&gt;" in index, "subjects are escaped"
    page = client.get(f"/dev/mailbox/{mailbox['message_id']}").get_data(as_text=True)
    assert "เรียน คุณสมชาย" in page
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;' in page
    assert "<script>alert" not in page


def test_mail_html_is_served_escaped_in_a_sandbox(app, mailbox):
    client = app.test_client()
    log_in(client, mailbox["coordinator"])
    response = client.get(f"/dev/mailbox/{mailbox['message_id']}/html")
    assert response.headers["Content-Security-Policy"].startswith("sandbox allow-same-origin;")
    assert "<script>alert" not in response.get_data(as_text=True)


def test_attachment_download(app, mailbox):
    client = app.test_client()
    log_in(client, mailbox["coordinator"])
    response = client.get(f"/dev/mailbox/{mailbox['message_id']}/attachments/{mailbox['attachment_id']}")
    assert response.data.decode() == "วาระการประชุม"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/dev/mailbox/{mailbox['message_id'] + 1}/attachments/{mailbox['attachment_id']}").status_code == 404


def test_filter_by_recipient_as_htmx_fragment(app, mailbox):
    client = app.test_client()
    log_in(client, mailbox["coordinator"])
    response = client.get("/dev/mailbox/?to=nobody@member.example", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results">') and "<html" not in fragment
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_mailbox_is_hidden_from_everyone_else(app, mailbox, who):
    client = app.test_client()
    if who == "member":
        log_in(client, mailbox["member"])
    assert client.get("/dev/mailbox/").status_code == 404
    assert client.get(f"/dev/mailbox/{mailbox['message_id']}/html").status_code == 404


def test_debug_mode_opens_the_mailbox_for_the_developer(make_app):
    app = make_app()
    app.debug = True
    assert app.test_client().get("/dev/mailbox/").status_code == 200


def test_mailbox_is_gone_when_a_mail_server_is_configured(make_app):
    app = make_app(MAIL_SERVER="smtp.example", MAILBOX_ENABLED=False)
    app.debug = True
    assert app.test_client().get("/dev/mailbox/").status_code == 404
