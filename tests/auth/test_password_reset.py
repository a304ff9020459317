"""Password reset by mail: same answer for any address, a link that expires, works once and acts only on POST."""


import pytest
import sqlalchemy as sa

from portal.auth.passwords import verify_password
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.tokens import make_token
from tests.support.databases import count
from tests.support.mail import last_mail, link_in, token_in
from tests.support.network import NEW_PASSWORD, PASSWORD
from tests.support.race import race
from tests.support.web import csrf, login, post, without_tokens


def ask(client, email):
    return post(client, "/password/reset", {"email": email}, page="/password/reset")


def test_answer_is_the_same_for_known_and_unknown_addresses(app, network):
    known = ask(app.test_client(), network["member"])
    unknown = ask(app.test_client(), "nobody@home.example")
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.get_data(as_text=True)).replace(network["member"], "X") == \
        without_tokens(unknown.get_data(as_text=True)).replace("nobody@home.example", "X")
    with app.app_context():
        assert count(OutboxMessage) == 1, "mail only for the real account"


def test_round_trip(app, network):
    client = app.test_client()
    ask(client, network["member"])
    with app.app_context():
        mail = last_mail(network["member"])
        assert mail.subject == "ตั้งรหัสผ่านใหม่" and "ภายใน 1 ชั่วโมง" in mail.body_text
        path = link_in(mail)
    page = client.get(path)  # what a mail scanner does: nothing must change
    assert page.status_code == 200 and "ตั้งรหัสผ่านใหม่" in page.get_data(as_text=True)
    with app.app_context():
        assert verify_password(find_user_by_email(network["member"]).password_hash, PASSWORD)
    response = post(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=path)
    assert response.status_code == 303
    assert "เปลี่ยนรหัสผ่านแล้ว" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert last_mail(network["member"]).subject == "รหัสผ่านของคุณถูกเปลี่ยนแล้ว"
    fresh = app.test_client()
    assert login(fresh, network["member"], PASSWORD).status_code == 422
    assert login(fresh, network["member"], NEW_PASSWORD).status_code == 303


def test_link_works_once(app, network):
    client = app.test_client()
    ask(client, network["member"])
    with app.app_context():
        path = link_in(last_mail(network["member"]))
    post(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=path)
    again = client.get(path)
    assert again.status_code == 400 and "ลิงก์นี้ถูกใช้ไปแล้ว" in again.get_data(as_text=True)
    # It says what happened and leads to the login, not to a new link as a broken one does.
    assert "รหัสผ่านของบัญชีนี้ถูกเปลี่ยนแล้ว" in again.get_data(as_text=True)
    assert 'href="/login"' in again.get_data(as_text=True)


def test_expired_link_is_refused_and_changes_nothing(make_app, network):
    app = make_app(PASSWORD_RESET_MAX_AGE=-1)  # every link is already too old
    client = app.test_client()
    ask(client, network["member"])
    with app.app_context():
        path = link_in(last_mail(network["member"]))
    response = client.get(path)
    assert response.status_code == 400 and "ลิงก์หมดอายุแล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert verify_password(find_user_by_email(network["member"]).password_hash, PASSWORD)


@pytest.mark.parametrize("forge", ["tampered", "other purpose", "other user"])
def test_forged_links_are_refused(app, network, forge):
    client = app.test_client()
    ask(client, network["member"])
    with app.app_context():
        token = token_in(link_in(last_mail(network["member"])))
        member = find_user_by_email(network["member"])
        if forge == "tampered":
            token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        elif forge == "other purpose":  # an email-change token for the same user
            token = make_token("email-change", {"u": member.id, "p": token})
        else:  # a well-signed payload naming another user with a made-up fingerprint
            token = make_token("password-reset", {"u": find_user_by_email(network["coordinator"]).id, "p": "0" * 16})
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400 and "ไม่สามารถใช้ลิงก์นี้ได้" in response.get_data(as_text=True)


def test_weak_new_password_is_refused_with_a_clear_message(app, network):
    client = app.test_client()
    ask(client, network["member"])
    with app.app_context():
        path = link_in(last_mail(network["member"]))
    response = post(client, path, {"password": "qwertyuiop", "confirm": "qwertyuiop"}, page=path)
    assert response.status_code == 422 and "เดาได้ง่าย" in response.get_data(as_text=True)
    response = post(client, path, {"password": NEW_PASSWORD, "confirm": "something else entirely"}, page=path)
    assert response.status_code == 422 and "ไม่ตรงกัน" in response.get_data(as_text=True)


def test_reset_requests_are_rate_limited_per_account(app, network):
    client = app.test_client()
    for _ in range(3):
        assert ask(client, network["member"]).status_code == 200
    refused = ask(client, network["member"])
    assert refused.status_code == 429
    # The refusal says how long to wait, in words (the limit is per hour), not "a moment".
    assert "โปรดลองใหม่อีกครั้งในอีกประมาณ" in refused.get_data(as_text=True)
    assert "ชั่วโมง" in refused.get_data(as_text=True) or "นาที" in refused.get_data(as_text=True)


def test_reset_requests_are_limited_per_account_however_the_address_is_spelled(app, network):
    """The limit counts the address the portal stores, not what was typed: full-width letters, an ideographic full
    stop or a combining mark in the domain name the same mailbox."""
    client = app.test_client()
    spellings = ["member@home.example", "member@home.ｅｘａｍｐｌｅ", "member@home。example", "member@ho\u034fme.example"]
    answers = [ask(client, spelling).status_code for spelling in spellings]
    assert answers == [200, 200, 200, 429]
    with app.app_context():
        assert count(OutboxMessage) == 3


def test_a_reset_link_stops_working_when_the_address_changes(app, network):
    client = app.test_client()
    ask(client, network["member"])
    with app.app_context():
        path = link_in(last_mail(network["member"]))
        find_user_by_email(network["member"]).email = "moved@home.example"
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 400 and "ไม่สามารถใช้ลิงก์นี้ได้" in response.get_data(as_text=True)


def test_one_link_posted_three_times_at_once_sets_one_password(app, network):
    ask(app.test_client(), network["member"])
    with app.app_context():
        path = link_in(last_mail(network["member"]))
    clients = [app.test_client() for _ in range(3)]
    tokens = [csrf(client, path) for client in clients]
    answers = race(*(lambda client=client, token=token, n=n: client.post(path, data={
        "password": f"{NEW_PASSWORD} {n}", "confirm": f"{NEW_PASSWORD} {n}", "csrf_token": token})
        for n, (client, token) in enumerate(zip(clients, tokens))))
    codes = [answer.status_code for answer in answers]
    assert sorted(codes) == [303, 400, 400], codes
    for answer in answers:
        if answer.status_code == 400:
            assert "ลิงก์นี้ถูกใช้ไปแล้ว" in answer.get_data(as_text=True)
    winner = codes.index(303)
    with app.app_context():
        member = find_user_by_email(network["member"])
        assert verify_password(member.password_hash, f"{NEW_PASSWORD} {winner}")
        changed = db.session.scalars(sa.select(OutboxMessage.subject).where(
            OutboxMessage.recipient == network["member"])).all()
        assert changed.count("รหัสผ่านของคุณถูกเปลี่ยนแล้ว") == 1


def test_known_and_unknown_addresses_cost_the_same_work(app, network):
    """The answer's time must not tell which addresses have accounts: the same templates are rendered and the same
    statements run, but for the one INSERT of the mail that only a real account gets."""
    from flask import template_rendered
    from sqlalchemy import event

    def work(email):
        client = app.test_client()
        token = csrf(client, "/password/reset")
        templates, statements = [], []

        def on_render(sender, template, context, **extra):
            templates.append(template.name)

        def on_execute(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement.split()[0] + " " + statement.split()[2 if statement.startswith(
                ("INSERT", "DELETE")) else 1])

        with template_rendered.connected_to(on_render, app):
            event.listen(sa.engine.Engine, "before_cursor_execute", on_execute)
            try:
                client.post("/password/reset", data={"email": email, "csrf_token": token})
            finally:
                event.remove(sa.engine.Engine, "before_cursor_execute", on_execute)
        return templates, statements

    known_templates, known_statements = work(network["member"])
    unknown_templates, unknown_statements = work("nobody@home.example")
    assert known_templates == unknown_templates
    assert "mail/auth/password_reset.html" in known_templates
    extra = list(known_statements)
    for statement in unknown_statements:
        extra.remove(statement)
    assert extra == ["INSERT outbox_message"], (known_statements, unknown_statements)

