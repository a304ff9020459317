"""Logging in and out: answers, next, remember me, rate limits, enumeration."""

import re

import pytest

from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.support.databases import count
from tests.support.network import PASSWORD
from tests.support.web import csrf, login, post, without_tokens


def test_login_with_any_letter_case_lands_on_home(client, network):
    response = login(client, "Member@HOME.example")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "นกน้อย" in page and "ออกจากระบบ" in page


def test_wrong_password_shows_the_form_again_with_a_message(client, network):
    response = login(client, network["member"], "not the password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in page and 'aria-invalid="true"' in page
    assert "ออกจากระบบ" not in client.get("/").get_data(as_text=True)


def test_unknown_address_and_wrong_password_get_the_same_answer(make_app, network):
    known = login(make_app().test_client(), network["member"], "wrong password")
    unknown = login(make_app().test_client(), "nobody@home.example", "wrong password")
    assert known.status_code == unknown.status_code == 422
    assert without_tokens(known.get_data(as_text=True)).replace(network["member"], "X") == \
        without_tokens(unknown.get_data(as_text=True)).replace("nobody@home.example", "X")


def test_deactivated_account_cannot_log_in(app, client, network):
    from portal.auth.services import find_user_by_email

    with app.app_context():
        find_user_by_email(network["member"]).active = False
        db.session.commit()
    assert login(client, network["member"]).status_code == 422


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "javascript:alert(1)", "http:evil.example", "\\\\evil.example"])
def test_next_never_leads_off_site(client, network, target):
    assert login(client, network["member"], next_url=target).headers["Location"] == "/"


def test_next_leads_back_to_the_page_asked_for(client, network):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert login(client, network["member"], next_url="/account").headers["Location"] == "/account"


def test_remember_me_lasts_thirty_days_at_most(client, network):
    response = login(client, network["member"], remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1)) if "Max-Age" in cookie else None
    assert max_age is None or max_age <= 30 * 86400
    assert "Expires=" in cookie


def test_login_is_recorded(app, client, network):
    login(client, network["member"])
    with app.app_context():
        assert count(AuditEvent) == 1


def test_logout_needs_post_and_ends_the_session(client, network):
    login(client, network["member"])
    assert client.get("/logout").status_code == 405
    response = post(client, "/logout")
    assert response.status_code == 303
    assert "ออกจากระบบแล้ว" in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_too_many_wrong_passwords_for_one_account_are_refused_with_the_wait(client, network):
    for _ in range(5):
        assert login(client, network["member"], "wrong password").status_code == 422
    response = login(client, network["member"], PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 429, "not even the right password is checked now"
    assert "ใส่รหัสผ่านผิดหลายครั้งเกินไป โปรดลองใหม่อีกครั้งในอีกประมาณ" in page and "นาที" in page
    assert 'value="member@home.example"' in page, "the form comes back with the address"
    assert login(client, network["coordinator"]).status_code == 303, "another account is not blocked"


def test_only_wrong_passwords_count(client, network):
    for _ in range(6):
        assert login(client, network["member"]).status_code == 303
        post(client, "/logout")
        assert client.post("/login", data={"email": network["member"], "password": "",
                                           "csrf_token": csrf(client)}).status_code == 422
    assert login(client, network["member"]).status_code == 303


def test_too_many_attempts_from_one_address_get_the_429_page(make_app, network):
    app = make_app(LOGIN_RATE_LIMIT_IP="3 per minute")
    client = app.test_client()
    for n in range(3):
        login(client, f"guess{n}@home.example", "wrong password")
    assert login(client, network["member"]).status_code == 429


def test_logged_in_person_visiting_login_goes_on(client, network):
    login(client, network["member"])
    assert client.get("/login").status_code == 303


def test_login_page_is_thai_and_english(client):
    assert "เข้าสู่ระบบ" in client.get("/login").get_data(as_text=True)
    post(client, "/language", {"language": "en"})
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "Forgot password?" in page


def test_rate_limits_can_live_in_redis(make_app, network):
    """Several web processes share their counters through Redis (RATELIMIT_STORAGE_URI)."""
    import os
    import uuid

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url} (set TEST_REDIS_URL)")
    store = redis.Redis.from_url(url)
    ip_counters = "*127.0.0.1/*login-ip/2/1/minute"
    for key in store.keys(ip_counters):  # left by an earlier run within the minute
        store.delete(key)
    guesser = f"guess-{uuid.uuid4().hex}@home.example"
    client = make_app(RATELIMIT_STORAGE_URI=url, LOGIN_RATE_LIMIT_IP="2 per minute").test_client()
    login(client, guesser, "wrong password")
    login(client, guesser, "wrong password")
    assert login(client, network["member"]).status_code == 429
    keys = store.keys(f"*{guesser}*")
    assert keys, "the counters are in Redis, where every web process sees them"
    store.delete(*keys, *store.keys(ip_counters))


def test_an_overlong_password_is_answered_in_thai(client):
    response = client.post("/login", data={"email": "somebody@member.example", "password": "ก" * 5000,
                                           "csrf_token": csrf(client)})
    assert response.status_code == 422
    assert "ใช้ได้ไม่เกิน 512 ตัวอักษร" in response.get_data(as_text=True)


def test_the_account_limit_holds_however_the_address_is_spelled(client, network):
    """Full-width letters, an ideographic full stop or a combining mark in the domain reach the same account: they
    count in its one budget (on main each spelling had five fresh tries)."""
    spellings = ["member@home.example", "member@home.ｅｘａｍｐｌｅ", "member@home。example", "member@ho\u034fme.example",
                 "MEMBER@HOME.EXAMPLE"]
    for spelling in spellings:
        assert login(client, spelling, "wrong password").status_code == 422
    assert login(client, "member@home。ｅｘａｍｐｌｅ", PASSWORD).status_code == 429

