"""Password reset by mail: same answer for any address, a link that expires, works once and acts only on POST."""

import time

import pytest

from portal.auth.passwords import verify_password
from portal.auth.services import find_user_by_email
from portal.auth.tokens import make_token
from portal.mail.models import OutboxMessage
from tests.auth.conftest import NEW_PASSWORD, PASSWORD, last_mail, link_in, login, post, without_tokens
from tests.conftest import count


def ask(client, email):
    return post(client, "/password/reset", {"email": email}, page="/password/reset")


def test_answer_is_the_same_for_known_and_unknown_addresses(app, people):
    known = ask(app.test_client(), people["member"])
    unknown = ask(app.test_client(), "nobody@home.example")
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.get_data(as_text=True)).replace(people["member"], "X") == \
        without_tokens(unknown.get_data(as_text=True)).replace("nobody@home.example", "X")
    with app.app_context():
        assert count(OutboxMessage) == 1, "mail only for the real account"


def test_round_trip(app, people):
    client = app.test_client()
    ask(client, people["member"])
    with app.app_context():
        mail = last_mail(people["member"])
        assert mail.subject == "ตั้งรหัสผ่านใหม่" and "ภายใน 1 ชั่วโมง" in mail.body_text
        path = link_in(mail)
    page = client.get(path)  # what a mail scanner does: nothing must change
    assert page.status_code == 200 and "ตั้งรหัสผ่านใหม่" in page.get_data(as_text=True)
    with app.app_context():
        assert verify_password(find_user_by_email(people["member"]).password_hash, PASSWORD)
    response = post(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=path)
    assert response.status_code == 303
    assert "เปลี่ยนรหัสผ่านแล้ว" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert last_mail(people["member"]).subject == "รหัสผ่านของคุณถูกเปลี่ยนแล้ว"
    fresh = app.test_client()
    assert login(fresh, people["member"], PASSWORD).status_code == 422
    assert login(fresh, people["member"], NEW_PASSWORD).status_code == 303


def test_link_works_once(app, people):
    client = app.test_client()
    ask(client, people["member"])
    with app.app_context():
        path = link_in(last_mail(people["member"]))
    post(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=path)
    again = client.get(path)
    assert again.status_code == 400 and "ลิงก์นี้ถูกใช้ไปแล้ว" in again.get_data(as_text=True)


def test_expired_link_is_refused_and_changes_nothing(make_app, people):
    app = make_app(PASSWORD_RESET_MAX_AGE=1)
    client = app.test_client()
    ask(client, people["member"])
    with app.app_context():
        path = link_in(last_mail(people["member"]))
    time.sleep(2.1)
    response = client.get(path)
    assert response.status_code == 400 and "ลิงก์หมดอายุแล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert verify_password(find_user_by_email(people["member"]).password_hash, PASSWORD)


@pytest.mark.parametrize("forge", ["tampered", "other purpose", "other user"])
def test_forged_links_are_refused(app, people, forge):
    client = app.test_client()
    ask(client, people["member"])
    with app.app_context():
        token = link_in(last_mail(people["member"])).rsplit("/", 1)[1]
        member = find_user_by_email(people["member"])
        if forge == "tampered":
            token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        elif forge == "other purpose":  # an email-change token for the same user
            token = make_token("email-change", {"u": member.id, "p": token})
        else:  # a well-signed payload naming another user with a made-up fingerprint
            token = make_token("password-reset", {"u": find_user_by_email(people["coordinator"]).id, "p": "0" * 16})
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400 and "ไม่สามารถใช้ลิงก์นี้ได้" in response.get_data(as_text=True)


def test_weak_new_password_is_refused_with_a_clear_message(app, people):
    client = app.test_client()
    ask(client, people["member"])
    with app.app_context():
        path = link_in(last_mail(people["member"]))
    response = post(client, path, {"password": "qwertyuiop", "confirm": "qwertyuiop"}, page=path)
    assert response.status_code == 422 and "เดาได้ง่าย" in response.get_data(as_text=True)
    response = post(client, path, {"password": NEW_PASSWORD, "confirm": "something else entirely"}, page=path)
    assert response.status_code == 422 and "ไม่ตรงกัน" in response.get_data(as_text=True)


def test_reset_requests_are_rate_limited_per_account(app, people):
    client = app.test_client()
    for _ in range(3):
        assert ask(client, people["member"]).status_code == 200
    assert ask(client, people["member"]).status_code == 429
