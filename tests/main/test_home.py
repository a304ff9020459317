"""The home page, the language switch and CSRF on every POST."""

import re
from datetime import datetime

import pytest

from portal.i18n import BANGKOK


def test_home_is_thai_by_default_with_buddhist_era_date(client):
    page = client.get("/").get_data(as_text=True)
    assert "<h1>พอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์</h1>" in page
    assert str(datetime.now(BANGKOK).year + 543) in page


def test_language_switch_needs_a_csrf_token(client):
    response = client.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 400
    assert "แบบฟอร์มนี้หมดอายุ" in response.get_data(as_text=True)
    assert "PR Network Portal</h1>" not in client.get("/").get_data(as_text=True), "nothing changed"


def csrf_token(client):
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_language_switch_with_the_form_token(client):
    response = client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in page and "<h1>PR Network Portal</h1>" in page
    assert str(datetime.now(BANGKOK).year) in page


def test_htmx_post_with_the_header_token_works(client):
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'hx-headers="\{&#34;X-CSRFToken&#34;: &#34;([^&]+)&#34;\}"', page).group(1)
    response = client.post("/language", data={"language": "en"}, headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/"), "accepted; htmx loads the page"


def test_unknown_language_is_refused(client):
    response = client.post("/language", data={"language": "fr", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"language": "en", "next": target, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page_it_came_from(client):
    response = client.post("/language", data={"language": "en", "next": "/dev/mailbox/?to=a",
                                              "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/dev/mailbox/?to=a"


def test_base_layout_loads_vendored_htmx_and_sets_its_config(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in page
    assert "&#34;allowEval&#34;: false" in page
    assert "<script>" not in page and " style=" not in page, "no inline script or style (CSP)"
    assert client.get("/static/vendor/htmx-2.0.11/htmx.min.js").status_code == 200


def test_a_member_s_language_choice_is_kept_on_their_account(app):
    from portal.auth.models import User
    from portal.extensions import db
    from tests.support.factories import log_in, make_user

    with app.app_context():
        session_id = make_user("nok@member.example", language="th").get_id()
        db.session.commit()
    client = app.test_client()
    log_in(client, session_id)
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    with app.app_context():
        assert db.session.scalar(db.select(User.language)) == "en"
    fresh = app.test_client()  # a new browser: no session choice, the account's language applies
    log_in(fresh, session_id)
    assert '<html lang="en"' in fresh.get("/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "plain http in tests; production sets Secure (see test_factory)"


def test_a_nul_character_anywhere_is_refused_before_any_view(client):
    """PostgreSQL cannot store NUL: a request holding one is answered 400, in the visitor's language."""
    for response in [client.get("/organisations?q=a%00b"),
                     client.post("/apply", data={"name_th": "ชื่อ\x00", "csrf_token": csrf_token(client)})]:
        assert response.status_code == 400 and "ระบบไม่เข้าใจคำขอนี้" in response.get_data(as_text=True)
    assert client.get("/organisations?q=ab").status_code == 200
