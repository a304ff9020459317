"""Invitations: sent by coordinators and organisation admins, accepted once, resent, revoked, expiring."""

import re

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.organisations.models import Membership, MembershipInvitation, Role
from tests.support.databases import count
from tests.support.mail import last_mail, link_in
from tests.support.network import NEW_PASSWORD, PASSWORD
from tests.support.race import race
from tests.support.web import csrf, login, post


def invite(client, email, organisation_id, role="member", language="th"):
    return post(client, "/invitations", {"email": email, "organisation": organisation_id, "role": role,
                                         "language": language}, page="/invitations")


def accept(client, path, name="สมหญิง ใจดี", password=NEW_PASSWORD):
    return post(client, path, {"name": name, "password": password, "confirm": password}, page=path)


def test_org_admin_invites_and_the_person_sets_up_their_account(app, network):
    admin = app.test_client()
    login(admin, network["org_admin"])
    response = invite(admin, "New.Person@Home.example", network["home_id"])
    assert response.status_code == 303
    assert "ส่งคำเชิญไปที่ new.person@home.example แล้ว" in admin.get("/invitations").get_data(as_text=True)
    with app.app_context():
        mail = last_mail("new.person@home.example")
        assert mail.subject == "คำเชิญเข้าร่วมพอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์"
        assert "สำนักงานประชาสัมพันธ์บ้านเรา" in mail.body_text and "ใช้ได้ครั้งเดียว" in mail.body_text
        path = link_in(mail)

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "new.person@home.example" in page.get_data(as_text=True)
    with app.app_context():
        assert find_user_by_email("new.person@home.example") is None, "opening the link changes nothing"
    assert accept(newcomer, path).status_code == 303
    assert "สมหญิง ใจดี" in newcomer.get("/").get_data(as_text=True), "logged in at once"
    with app.app_context():
        user = find_user_by_email("new.person@home.example")
        [membership] = user.memberships
        assert (membership.organisation_id, membership.role) == (network["home_id"], Role.MEMBER)
        assert user.email_confirmed_at is not None and user.language == "th"
    again = app.test_client().get(path).get_data(as_text=True)
    assert "คุณตอบรับคำเชิญนี้แล้ว" in again and "สร้างบัญชีของฉัน" not in again, "used once: it says so, and leads on"


def test_coordinator_can_invite_into_any_organisation_as_org_admin(app, network):
    coordinator = app.test_client()
    login(coordinator, network["coordinator"])
    assert invite(coordinator, "boss@other.example", network["other_id"], role="org_admin", language="en").status_code == 303
    with app.app_context():
        mail = last_mail("boss@other.example")
        assert mail.subject == "Invitation to the PR Network Portal" and mail.language == "en"
        path = link_in(mail)
    client = app.test_client()
    accept(client, path, name="Boss")
    with app.app_context():
        assert find_user_by_email("boss@other.example").memberships[0].role == Role.ORG_ADMIN


def test_org_admin_cannot_invite_into_another_organisation(app, network):
    admin = app.test_client()
    login(admin, network["org_admin"])
    response = invite(admin, "sneaky@other.example", network["other_id"])
    assert response.status_code == 422
    with app.app_context():
        assert count(MembershipInvitation) == 0


def test_member_cannot_invite(app, network):
    member = app.test_client()
    login(member, network["member"])
    assert member.get("/invitations").status_code == 403
    response = member.post("/invitations", data={"email": "x@home.example", "organisation": network["home_id"],
                                                 "role": "org_admin", "csrf_token": "whatever"})
    assert response.status_code in (400, 403)
    with app.app_context():
        assert count(MembershipInvitation) == 0


def test_bad_input_is_answered_with_the_form(app, network):
    admin = app.test_client()
    login(admin, network["org_admin"])
    response = invite(admin, "not an address", network["home_id"])
    assert response.status_code == 422 and "โปรดกรอกอีเมลให้ถูกต้อง" in response.get_data(as_text=True)
    response = invite(admin, network["member"], network["home_id"])
    assert response.status_code == 422 and "บุคคลนี้อยู่ในองค์กรแล้ว" in response.get_data(as_text=True)
    invite(admin, "twice@home.example", network["home_id"])
    response = invite(admin, "twice@home.example", network["home_id"])
    assert response.status_code == 422 and "รอตอบรับอยู่แล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert count(MembershipInvitation) == 1


def _invitation_path_and_id(app, email):
    with app.app_context():
        return link_in(last_mail(email)), db.session.scalar(sa.select(MembershipInvitation.id).where(MembershipInvitation.email == email))


def test_resend_replaces_the_link(app, network):
    admin = app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "slow@home.example", network["home_id"])
    old_path, invitation_id = _invitation_path_and_id(app, "slow@home.example")
    assert post(admin, f"/invitations/{invitation_id}/resend", page="/invitations").status_code == 303
    new_path, _ = _invitation_path_and_id(app, "slow@home.example")
    assert new_path != old_path
    assert app.test_client().get(old_path).status_code == 400
    assert app.test_client().get(new_path).status_code == 200


def test_revoked_invitation_cannot_be_accepted(app, network):
    admin = app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "gone@home.example", network["home_id"])
    path, invitation_id = _invitation_path_and_id(app, "gone@home.example")
    revoked = post(admin, f"/invitations/{invitation_id}/revoke", page="/invitations")
    assert revoked.status_code == 303 and revoked.location.endswith(f"/invitations#invitation-{invitation_id}")
    row = re.search(rf'<tr id="invitation-{invitation_id}">.*?</tr>', admin.get("/invitations").get_data(as_text=True),
                    re.S).group(0)
    assert "gone@home.example" in row and 'class="row-notice' in row, "said in the invitation's row"
    client = app.test_client()
    assert client.get(path).status_code == 400
    with app.app_context():
        assert find_user_by_email("gone@home.example") is None


def test_another_organisation_s_admin_cannot_resend_or_revoke(app, network):
    admin, stranger = app.test_client(), app.test_client()
    login(admin, network["org_admin"])
    login(stranger, network["other_admin"])
    invite(admin, "mine@home.example", network["home_id"])
    _, invitation_id = _invitation_path_and_id(app, "mine@home.example")
    assert post(stranger, f"/invitations/{invitation_id}/revoke", page="/invitations").status_code == 403
    assert post(stranger, f"/invitations/{invitation_id}/resend", page="/invitations").status_code == 403
    with app.app_context():
        assert db.session.get(MembershipInvitation, invitation_id).revoked_at is None


def test_expired_invitation_says_so(make_app, network):
    app = make_app(INVITATION_MAX_AGE=-1)  # every link is already too old
    admin = app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "late@home.example", network["home_id"])
    path, _ = _invitation_path_and_id(app, "late@home.example")
    response = app.test_client().get(path)
    assert response.status_code == 400 and "ลิงก์หมดอายุแล้ว" in response.get_data(as_text=True)


def test_existing_account_accepts_by_logging_in(app, network):
    coordinator = app.test_client()
    login(coordinator, network["coordinator"])
    invite(coordinator, network["member"], network["other_id"])
    path, _ = _invitation_path_and_id(app, network["member"])
    member = app.test_client()
    page = member.get(path).get_data(as_text=True)
    assert "คุณมีบัญชีที่ใช้อีเมลนี้อยู่แล้ว" in page
    response = post(member, path, page=path)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    login(member, network["member"], PASSWORD)
    assert post(member, path, page=path).status_code == 303
    with app.app_context():
        user = find_user_by_email(network["member"])
        assert {m.organisation_id for m in user.memberships} == {network["home_id"], network["other_id"]}
        assert count(User) == 4


@pytest.mark.parametrize("payload", ['<script>alert("x")</script>', "สมชาย\" onmouseover=\"alert(1)"])
def test_names_are_escaped(app, network, payload):
    admin = app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "xss@home.example", network["home_id"])
    path, _ = _invitation_path_and_id(app, "xss@home.example")
    client = app.test_client()
    accept(client, path, name=payload)
    page = client.get("/").get_data(as_text=True)
    assert payload not in page and "&lt;script&gt;" in page or "&#34; onmouseover" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Membership).join(User).where(User.email == "xss@home.example"))


def test_a_suspended_organisation_takes_in_nobody_until_reactivated(app, network):
    admin, coordinator, newcomer = app.test_client(), app.test_client(), app.test_client()
    login(admin, network["org_admin"])
    login(coordinator, network["coordinator"])
    invite(admin, "waiting@home.example", network["home_id"])
    path, invitation_id = _invitation_path_and_id(app, "waiting@home.example")
    post(coordinator, "/organisations/home/suspend", {"reason": "ค้างค่าบำรุง"})

    on_hold = newcomer.get(path)
    text = on_hold.get_data(as_text=True)
    assert on_hold.status_code == 409 and "ถูกระงับสมาชิกภาพจากเครือข่ายอยู่ในขณะนี้" in text
    assert 'name="password"' not in text
    assert newcomer.post(path, data={"name": "รอ", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                     "csrf_token": csrf(newcomer)}).status_code == 409
    assert admin.get("/invitations").status_code == 403, "its admins invite nobody while it is suspended"
    assert 'href="/invitations"' not in admin.get("/account").get_data(as_text=True), "nor see a link to it"
    assert post(admin, f"/invitations/{invitation_id}/resend", page="/account").status_code == 403
    with app.app_context():
        assert find_user_by_email("waiting@home.example") is None

    post(coordinator, "/organisations/home/reactivate")
    assert accept(newcomer, path).status_code == 303, "the same link works again"
    with app.app_context():
        [membership] = find_user_by_email("waiting@home.example").memberships
        assert membership.organisation_id == network["home_id"]


def test_a_second_invitation_into_the_same_organisation_is_answered(app, network):
    admin, newcomer = app.test_client(), app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "twice@home.example", network["home_id"])
    with app.app_context():  # the first invitation lapses; the admin invites again, then resends the first
        first = db.session.scalar(sa.select(MembershipInvitation).where(MembershipInvitation.email == "twice@home.example"))
        first.expires_at, first_id = first.expires_at.replace(year=2000), first.id
        db.session.commit()
    invite(admin, "twice@home.example", network["home_id"])
    second_path, _ = _invitation_path_and_id(app, "twice@home.example")
    assert post(admin, f"/invitations/{first_id}/resend", page="/invitations").status_code == 303
    first_path, _ = _invitation_path_and_id(app, "twice@home.example")
    assert first_path != second_path
    assert accept(newcomer, second_path).status_code == 303
    response = post(newcomer, first_path, page=first_path)
    assert response.status_code == 409 and "คุณเป็นสมาชิกขององค์กรนี้อยู่แล้ว" in response.get_data(as_text=True)
    with app.app_context():
        assert len(find_user_by_email("twice@home.example").memberships) == 1


def _membership_id(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(Membership.id).join(User).where(User.email == email))


def _take_rights_away(app, network, loss, coordinator):
    """Take away, through the portal as a coordinator would, the org admin's right to invite into 'home'."""
    admin_id = _membership_id(app, network["org_admin"])
    with app.app_context():
        admin = find_user_by_email(network["org_admin"])
        if loss == "coordinator role removed":
            return post(coordinator, f"/admin/people/{admin.id}/remove-coordinator", page="/admin/people")
        if loss == "deactivated":
            return post(coordinator, f"/admin/people/{admin.id}/deactivate", page="/admin/people")
    if loss == "demoted":
        return post(coordinator, f"/organisations/home/people/{admin_id}", {"role": "member", "position": ""})
    return post(coordinator, f"/organisations/home/people/{admin_id}/remove")


@pytest.mark.parametrize("loss", ["deactivated", "demoted", "removed", "coordinator role removed"])
def test_an_invitation_falls_when_its_inviter_loses_the_right_to_send_it(app, network, loss):
    with app.app_context():  # a second admin keeps 'home' administered; for the last case the inviter coordinates
        find_user_by_email(network["member"]).memberships[0].role = Role.ORG_ADMIN
        find_user_by_email(network["org_admin"]).is_admin = loss == "coordinator role removed"
        db.session.commit()
    admin, coordinator, outsider = app.test_client(), app.test_client(), app.test_client()
    login(admin, network["org_admin"])
    login(coordinator, network["coordinator"])
    into = network["other_id"] if loss == "coordinator role removed" else network["home_id"]
    assert invite(admin, "outsider@elsewhere.example", into, role="org_admin").status_code == 303
    path, invitation_id = _invitation_path_and_id(app, "outsider@elsewhere.example")
    assert outsider.get(path).status_code == 200

    assert _take_rights_away(app, network, loss, coordinator).status_code == 303
    assert outsider.get(path).status_code == 400
    assert accept(outsider, path).status_code == 400
    with app.app_context():
        assert find_user_by_email("outsider@elsewhere.example") is None
        invitation = db.session.get(MembershipInvitation, invitation_id)
        assert invitation.revoked_at is not None
        revoked = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organisation.invitation_revoked",
                                                                AuditEvent.target_id == invitation_id))
        assert revoked.details["reason"] == "inviter_lost_rights"


def test_an_inviter_s_rights_are_checked_again_at_acceptance(app, network):
    """Even where nothing revoked the invitation (rights changed outside the portal's services), it is refused."""
    admin, outsider = app.test_client(), app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "outsider@elsewhere.example", network["home_id"], role="org_admin")
    path, _ = _invitation_path_and_id(app, "outsider@elsewhere.example")
    with app.app_context():
        find_user_by_email(network["org_admin"]).memberships[0].role = Role.MEMBER
        db.session.commit()
    assert accept(outsider, path).status_code == 400
    with app.app_context():
        assert find_user_by_email("outsider@elsewhere.example") is None


def test_an_approval_s_invitation_outlives_the_approving_coordinator_s_role(app, network):
    from portal.applications.services import approve_application
    from tests.support.applications import make_application

    with app.app_context():
        second = find_user_by_email(network["org_admin"])
        second.is_admin = True
        application = make_application()
        approve_application(application, "", by=second)
        db.session.commit()
        path = link_in(db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == "malee@nan-pr.example", OutboxMessage.subject.like("คำเชิญ%"))))
    coordinator = app.test_client()
    login(coordinator, network["coordinator"])
    with app.app_context():
        second_id = find_user_by_email(network["org_admin"]).id
    assert post(coordinator, f"/admin/people/{second_id}/remove-coordinator", page="/admin/people").status_code == 303
    assert accept(app.test_client(), path).status_code == 303, "the network's decision stands"


def test_one_invitation_accepted_twice_at_once_makes_one_account(app, network):
    admin = app.test_client()
    login(admin, network["org_admin"])
    invite(admin, "eager@home.example", network["home_id"])
    path, _ = _invitation_path_and_id(app, "eager@home.example")
    clients = [app.test_client() for _ in range(2)]
    tokens = [csrf(client, path) for client in clients]
    answers = race(*(lambda client=client, token=token: client.post(path, data={
        "name": "ใจร้อน", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
        for client, token in zip(clients, tokens)))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [303, 400], codes
    refused = next(answer for answer in answers if answer.status_code == 400)
    assert "ลิงก์นี้ถูกใช้ไปแล้ว" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                 .where(User.email == "eager@home.example")) == 1
        assert len(find_user_by_email("eager@home.example").memberships) == 1
