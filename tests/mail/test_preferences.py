"""Kinds of mail, a person's choices, and the one-click unsubscribe link (RFC 8058) of non-essential mail."""

import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from portal.auth.services import confirm_email_change, find_user_by_email
from portal.extensions import db
from portal.mail import kinds, worker
from portal.mail.models import MailPreference, OutboxMessage
from portal.mail.preferences import OFF, choices_of, move_preferences, set_choice
from portal.mail.services import queue_mail, queue_many, queue_notice_to
from portal.tokens import make_token
from tests.support.databases import count
from tests.support.factories import log_in, make_user
from tests.support.web import csrf

ROOT = Path(__file__).resolve().parents[2]
QUEUE_FUNCTIONS = {"queue_mail", "queue_many", "queue_notice", "queue_notice_to", "_queue"}
ESSENTIAL = {"account", "applicant", "invitations", "signing", "event-answers", "alerts"}
OPTIONAL = {"announcements", "applications", "membership", "agreements", "events", "shares", "digest"}
DIGESTIBLE = {"announcements", "applications", "agreements", "events", "shares"}


def announce(to, kind="announcements", language="th", **extra):
    return queue_mail(to, "main/announcement", "ประกาศ", kind=kind, language=language, name="สมชาย",
                      message="ข้อความ", **extra)


def test_every_kind_is_registered_in_one_place_and_marked_essential_or_not(app):
    registered = {kind.name: kind for kind in kinds.registered_kinds(app)}
    assert {name for name, kind in registered.items() if kind.essential is True} == ESSENTIAL
    assert {name for name, kind in registered.items() if kind.essential is False} == OPTIONAL
    assert {name for name, kind in registered.items() if kind.digestible} == DIGESTIBLE
    assert all(str(kind.label) for kind in registered.values())
    with pytest.raises(TypeError):
        kinds.MailKind(name="unmarked", label="Unmarked")  # essential has no default: say it


def test_every_queue_call_in_the_portal_names_a_registered_kind(app):
    """Read every call of the queue functions in the source: each passes kind=, a registered one where written."""
    registered = {kind.name for kind in kinds.registered_kinds(app)}
    missing, unknown, calls = [], [], 0
    for path in (ROOT / "portal").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in QUEUE_FUNCTIONS:
                continue
            calls += 1
            kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if kind is None and name != "_queue":  # events' _queue defaults to "events"
                missing.append(where)
            elif isinstance(kind, ast.Constant) and kind.value not in registered:
                unknown.append(f"{where} {kind.value!r}")
    assert calls >= 28
    assert not missing, f"queue calls without kind=: {missing}"
    assert not unknown, f"queue calls with an unregistered kind: {unknown}"


def test_an_unregistered_kind_raises_when_queued(app_ctx):
    user = make_user()
    for queue in (lambda: announce("a@member.example", kind="newsletter"),
                  lambda: queue_many("main/announcement", "s", [], kind="newsletter", message="m"),
                  lambda: queue_notice_to(user, "k", "s", ["p"], kind="newsletter")):
        with pytest.raises(kinds.UnknownMailKind):
            queue()
    with pytest.raises(TypeError):
        queue_mail("a@member.example", "main/announcement", "s", name="n", message="m")  # no kind at all


def test_an_opted_out_person_gets_no_mail_of_that_kind_but_still_essential_mail(app_ctx):
    set_choice("Somchai@Member.example", "announcements", OFF)  # stored as the normalised address
    assert choices_of("somchai@member.example") == {"announcements": OFF}
    assert announce("somchai@member.example") is None
    assert announce("somchai@member.example", kind="account") is not None
    assert announce("other@member.example") is not None
    queued = queue_many("main/announcement", "ประกาศ", [(f"{who}@member.example", "th", {"name": who})
                                                         for who in ("somchai", "malee", "panu")],
                        kind="announcements", message="m")
    assert queued == 2
    db.session.commit()
    recipients = db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "announcements"))
    assert sorted(recipients) == ["malee@member.example", "other@member.example", "panu@member.example"]
    with pytest.raises(ValueError):
        set_choice("somchai@member.example", "account", OFF)  # essential mail cannot be turned off


def test_preferences_cost_one_query_per_call_whatever_the_recipients(app_ctx):
    for n in range(0, 40, 2):
        set_choice(f"m{n}@member.example", "announcements", OFF)
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        queued = queue_many("main/announcement", "ประกาศ", [(f"m{n}@member.example", "th", {"name": "n"})
                                                             for n in range(40)], kind="announcements", message="m")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert queued == 20
    assert sum("mail_preference" in sql for sql in statements) == 1


def test_preferences_follow_a_changed_address(app_ctx):
    user = make_user("before@member.example")
    set_choice("before@member.example", "events", OFF)
    set_choice("before@member.example", "shares", OFF)
    set_choice("after@member.example", "shares", OFF)  # the new address had a choice of its own
    db.session.commit()
    confirm_email_change(user, "after@member.example")
    db.session.commit()
    assert choices_of("after@member.example") == {"events": OFF, "shares": OFF}
    assert choices_of("before@member.example") == {}
    move_preferences("after@member.example", "after@member.example")  # to itself: nothing lost
    assert count(MailPreference) == 2


def _path(url):
    return urlsplit(url).path


def test_unsubscribe_link_get_changes_nothing_and_one_click_post_needs_no_login_nor_csrf(app):
    with app.app_context():
        message = announce("somchai@member.example")
        db.session.commit()
        path = _path(message.unsubscribe_url)
    client = app.test_client()
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
        assert "ประกาศจากเครือข่าย" in page.get_data(as_text=True), "in the recipient's language (Thai)"
    with app.app_context():
        assert count(MailPreference) == 0
    # A mailbox provider's one-click POST: no session, no CSRF token.
    done = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "คุณจะไม่ได้รับ “ประกาศจากเครือข่าย” ที่ somchai@member.example อีกต่อไป" in done.get_data(as_text=True)
    with app.app_context():
        assert choices_of("somchai@member.example") == {"announcements": OFF}
        assert announce("somchai@member.example") is None
    assert app.test_client().post(path).status_code == 200  # twice: still off, still fine
    # The undo is a form of the page, with its CSRF token.
    browser = app.test_client()
    token = csrf(browser, path)
    assert browser.post(path + "/undo").status_code == 400
    with app.app_context():
        assert choices_of("somchai@member.example") == {"announcements": OFF}
    undone = browser.post(path + "/undo", data={"csrf_token": token})
    assert undone.status_code == 200 and "อีกครั้ง" in undone.get_data(as_text=True)
    with app.app_context():
        assert choices_of("somchai@member.example") == {}


def test_the_unsubscribe_page_speaks_the_recipients_language(app):
    with app.app_context():
        path = _path(announce("john@member.example", language="en").unsubscribe_url)
        db.session.commit()
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Stop sending “Announcements from the network” to john@member.example?" in page


def test_a_tampered_or_foreign_unsubscribe_link_is_refused(app):
    with app.app_context():
        message = announce("somchai@member.example")
        db.session.commit()
        good = _path(message.unsubscribe_url)
        essential = "/mail/unsubscribe/" + make_token("mail-unsubscribe", {"a": "somchai@member.example",
                                                                           "k": "account", "l": "th"})
        unknown = "/mail/unsubscribe/" + make_token("mail-unsubscribe", {"a": "somchai@member.example",
                                                                         "k": "gone", "l": "th"})
        foreign = "/mail/unsubscribe/" + make_token("password-reset", {"a": "somchai@member.example",
                                                                       "k": "announcements"})
    token = good.rsplit("/", 1)[1]
    tampered = good[:-len(token)] + token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    client = app.test_client()
    for path in (tampered, essential, unknown, foreign, "/mail/unsubscribe/x"):
        assert client.get(path).status_code == 400, path
        assert client.post(path).status_code == 400, path
        assert client.post(path + "/undo").status_code == 400, path
    assert "ไม่สามารถใช้ลิงก์นี้ได้" in client.get(tampered).get_data(as_text=True)  # the house's invalid-link page
    with app.app_context():
        assert count(MailPreference) == 0


def test_headers_present_on_non_essential_mail_and_absent_on_essential_at_a_real_smtp_server(smtp_app, smtp):
    with smtp_app.app_context():
        announce("somchai@member.example")
        announce("malee@member.example", attachments=[("กำหนดการ.ics", "text/calendar", b"BEGIN:VCALENDAR")])
        announce("somchai@member.example", kind="account")
        db.session.commit()
        assert worker.deliver_batch().sent == 3
    by_kind = {(m["To"], bool(list(m.iter_attachments())), "List-Unsubscribe" in m): m for m in smtp.messages}
    assert set(by_kind) == {("somchai@member.example", False, True), ("malee@member.example", True, True),
                            ("somchai@member.example", False, False)}
    assert b"\r\nList-Unsubscribe: <http://portal.test/mail/unsubscribe/" in b"".join(smtp.raw), "one line"
    for (to, _, has), message in by_kind.items():
        if not has:
            assert "List-Unsubscribe-Post" not in message
            continue
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = re.fullmatch(r"<(http://portal\.test/mail/unsubscribe/[^>\s]+)>", str(message["List-Unsubscribe"]))
        assert link, message["List-Unsubscribe"]
        # What a mailbox provider does with the header: POST the link, no session, no token.
        assert smtp_app.test_client().post(_path(link[1]),
                                           data={"List-Unsubscribe": "One-Click"}).status_code == 200
        with smtp_app.app_context():
            assert choices_of(to) == {"announcements": OFF}


def test_the_account_page_lists_the_kinds_and_saves_the_choices(app, network):
    client = app.test_client()
    with app.app_context():
        log_in(client, find_user_by_email(network["member"]))
    page = client.get("/account").get_data(as_text=True)
    assert 'id="notifications"' in page
    assert 'value="membership" checked' in page and "แจ้งเตือนด่วน" in page  # an essential kind: listed, no box
    assert 'name="choice-events" value="each" checked' in page  # a digestible kind: each mail, digest or off
    assert 'value="alerts"' not in page
    token = csrf(client, "/account")
    wanted = sorted(OPTIONAL - DIGESTIBLE - {"membership"})
    saved = client.post("/account/notifications", data={"csrf_token": token, "on": wanted, "choice-events": "off"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/account#notifications")
    with app.app_context():
        assert choices_of(network["member"]) == {"events": OFF, "membership": OFF}
    page = client.get("/account").get_data(as_text=True)
    assert 'value="membership">' in page and 'name="choice-events" value="off" checked' in page
    assert 'name="choice-shares" value="each" checked' in page
    fragment = client.post("/account/notifications", data={"csrf_token": token, "on": sorted(OPTIONAL),
                                                           "choice-events": "each"},
                           headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert "บันทึกการตั้งค่าการแจ้งเตือนแล้ว" in body and 'name="choice-events" value="each" checked' in body
    with app.app_context():
        assert choices_of(network["member"]) == {}
    assert client.post("/account/notifications", data={"on": []}).status_code == 400  # no CSRF token
