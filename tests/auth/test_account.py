"""Account settings: name and language, password, email change confirmed through the new address."""

import re

from portal.auth.services import find_user_by_email
from tests.support.mail import last_mail, link_in
from tests.support.network import NEW_PASSWORD, PASSWORD
from tests.support.web import csrf, login, post


def test_profile_name_and_language(app, network):
    client = app.test_client()
    login(client, network["member"])
    response = post(client, "/account/profile", {"name": "นกใหญ่", "language": "en"}, page="/account")
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en"' in page and "Your profile has been saved." in page and "นกใหญ่" in page
    with app.app_context():
        assert find_user_by_email(network["member"]).language == "en"


def test_profile_errors_come_back_as_the_htmx_fragment(app, network):
    client = app.test_client()
    login(client, network["member"])
    token = re.search(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;', client.get("/account").get_data(as_text=True)).group(1)
    response = client.post("/account/profile", data={"name": "", "language": "th"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 422
    assert fragment.lstrip().startswith('<section id="profile">') and "<html" not in fragment
    assert "โปรดกรอกข้อมูลช่องนี้" in fragment


def test_wrong_current_password_changes_nothing(app, network):
    client = app.test_client()
    login(client, network["member"])
    response = post(client, "/account/password", {"current": "not it at all", "password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD}, page="/account")
    assert response.status_code == 422 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in response.get_data(as_text=True)
    assert login(app.test_client(), network["member"], PASSWORD).status_code == 303


def test_email_change_is_confirmed_through_the_new_address(app, network):
    client = app.test_client()
    login(client, network["member"])
    response = post(client, "/account/email", {"email": "Nok.New@Home.example", "current": PASSWORD}, page="/account")
    assert response.status_code == 303
    with app.app_context():
        mail = last_mail("nok.new@home.example")
        assert mail.subject == "ยืนยันอีเมลใหม่ของคุณ"
        path = link_in(mail)
        assert find_user_by_email(network["member"]) is not None, "nothing changes before the link is followed"
    assert client.get(path).status_code == 200
    with app.app_context():
        assert find_user_by_email("nok.new@home.example") is None, "GET changes nothing"
    assert post(client, path, page=path).status_code == 303
    with app.app_context():
        assert find_user_by_email("nok.new@home.example") is not None
        assert find_user_by_email(network["member"]) is None
        assert last_mail(network["member"]).subject == "อีเมลของคุณถูกเปลี่ยนแล้ว", "the old address is told"
    again = app.test_client().get(path)
    assert again.status_code == 400, "the link works once"
    # Followed again, it says the address is already confirmed, not that the link is broken.
    assert "ยืนยันที่อยู่อีเมลนี้แล้ว บัญชีใช้ nok.new@home.example" in again.get_data(as_text=True)
    assert login(app.test_client(), "nok.new@home.example").status_code == 303


def test_the_current_address_hears_of_a_change_and_a_new_password_voids_it(app, network):
    """Someone with a session and the password asks to move the account; the owner is told at once, and changing
    the password (which ends every session) makes the link to the new address useless."""
    intruder, owner = app.test_client(), app.test_client()
    login(intruder, network["member"])
    login(owner, network["member"])
    post(intruder, "/account/email", {"email": "taker@elsewhere.example", "current": PASSWORD}, page="/account")
    with app.app_context():
        notice = last_mail(network["member"])
        assert notice.subject == "มีคำขอเปลี่ยนอีเมลของบัญชีคุณ" and "taker@elsewhere.example" in notice.body_text
        path = link_in(last_mail("taker@elsewhere.example"))
    assert post(owner, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                page="/account").status_code == 303
    assert intruder.get(path).status_code == 400
    assert intruder.post(path, data={"csrf_token": csrf(intruder, "/login")}).status_code == 400
    with app.app_context():
        assert find_user_by_email(network["member"]) is not None
        assert find_user_by_email("taker@elsewhere.example") is None


def test_a_session_guesses_the_password_no_faster_than_the_login_form(app, network):
    client = app.test_client()
    login(client, network["member"])  # a right password costs nothing
    for _ in range(6):  # nor does a form sent back for a missing field
        assert post(client, "/account/email", {"email": "", "current": ""}, page="/account").status_code == 422
    for _ in range(5):
        assert post(client, "/account/email", {"email": "other@home.example", "current": "a wrong guess"},
                    page="/account").status_code == 422
    for path, data in [("/account/email", {"email": "other@home.example", "current": PASSWORD}),
                       ("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})]:
        response = post(client, path, data, page="/account")
        page = response.get_data(as_text=True)
        assert response.status_code == 429 and "โปรดลองใหม่อีกครั้งในอีกประมาณ" in page, "the account page, with the wait"
    assert login(app.test_client(), network["member"]).status_code == 429, "the login form counts the same guesses"
    assert login(app.test_client(), network["coordinator"]).status_code == 303, "another account is not blocked"


def test_email_change_to_a_taken_address_is_refused(app, network):
    client = app.test_client()
    login(client, network["member"])
    response = post(client, "/account/email", {"email": network["coordinator"], "current": PASSWORD}, page="/account")
    assert response.status_code == 422 and "อีเมลนี้ถูกใช้กับบัญชีอื่นแล้ว" in response.get_data(as_text=True)


def test_profile_saved_through_htmx_reloads_the_page_with_its_message(app, network):
    client = app.test_client()
    login(client, network["member"])
    token = re.search(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;', client.get("/account").get_data(as_text=True)).group(1)
    response = client.post("/account/profile", data={"name": "นกกลาง", "language": "th"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/account"
    assert "บันทึกข้อมูลส่วนตัวแล้ว" in client.get("/account").get_data(as_text=True)
