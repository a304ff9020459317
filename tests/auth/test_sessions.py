"""A copied session or remember cookie stops working after logout, password reset and deactivation."""

from portal.auth.services import find_user_by_email
from portal.extensions import db
from tests.support.factories import log_in
from tests.support.mail import last_mail, link_in
from tests.support.network import NEW_PASSWORD, PASSWORD
from tests.support.web import login, post


def forget_session(client):
    """Drop the session cookie, as a browser does when it is closed; the remember cookie stays."""
    for cookie in list(client._cookies.values()):
        if cookie.key == "session":
            client.delete_cookie("session", domain=cookie.domain, path=cookie.path)


def copy_cookies(source, target):
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain)


def test_copied_cookie_dies_at_logout(app, network):
    victim, thief = app.test_client(), app.test_client()
    login(victim, network["member"], remember=True)
    copy_cookies(victim, thief)
    assert thief.get("/account").status_code == 200, "the copy works while the session lives"
    post(victim, "/logout")
    assert thief.get("/account").status_code == 302


def test_copied_cookie_dies_after_a_password_reset_elsewhere(app, network):
    victim, thief = app.test_client(), app.test_client()
    login(thief, network["member"], remember=True)
    post(victim, "/password/reset", {"email": network["member"]}, page="/password/reset")
    with app.app_context():
        path = link_in(last_mail(network["member"]))
    post(victim, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=path)
    assert victim.get("/account").status_code == 200, "the person who reset stays logged in"
    assert thief.get("/account").status_code == 302
    forget_session(thief)  # even the remember cookie alone no longer logs in
    assert thief.get("/account").status_code == 302


def test_copied_cookie_dies_when_a_coordinator_deactivates_the_account(app, network):
    member = app.test_client()
    login(member, network["member"], remember=True)
    coordinator = app.test_client()
    login(coordinator, network["coordinator"])
    with app.app_context():
        user_id = find_user_by_email(network["member"]).id
    assert post(coordinator, f"/admin/people/{user_id}/deactivate").status_code == 303
    assert member.get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(app, network):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, network["member"])
    login(elsewhere, network["member"])
    response = post(here, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD}, page="/account")
    assert response.status_code == 303
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    with app.app_context():
        assert last_mail(network["member"]).subject == "รหัสผ่านของคุณถูกเปลี่ยนแล้ว"


def test_session_restored_from_remember_cookie_must_confirm_the_password(app, network):
    client = app.test_client()
    login(client, network["member"], remember=True)
    forget_session(client)  # the browser was closed; the remember cookie brings the person back
    assert client.get("/account").status_code == 200
    response = post(client, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD}, page="/account")
    assert response.status_code == 303 and response.headers["Location"].startswith("/reauthenticate")
    with app.app_context():
        assert find_user_by_email(network["member"]).password_hash is not None
    assert post(client, "/reauthenticate?next=/account", {"password": PASSWORD},
                page="/reauthenticate").headers["Location"] == "/account"
    response = post(client, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD}, page="/account")
    assert response.headers["Location"] == "/account"


def test_login_starts_a_new_session(app, network):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, network["member"])
    with client.session_transaction() as session:
        assert "planted" not in session


def test_stale_session_token_is_anonymous(app, network):
    client = app.test_client()
    with app.app_context():
        user = find_user_by_email(network["member"])
        log_in(client, f"{user.id}:not-the-token")
        db.session.rollback()
    assert client.get("/account").status_code == 302
