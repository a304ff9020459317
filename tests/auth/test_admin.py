"""Coordinators' tools: network, deactivation, the coordinator role, the audit log."""

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.auth.services import find_user_by_email
from portal.extensions import db
from tests.support.race import race
from tests.support.web import csrf, login, post


def user_id(app, email):
    with app.app_context():
        return find_user_by_email(email).id


def test_people_list_and_live_search(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    page = client.get("/admin/people").get_data(as_text=True)
    assert all(network[role] in page for role in ("member", "org_admin", "other_admin"))
    fragment = client.get("/admin/people?q=นกน้อย", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="results">') and network["member"] in fragment
    assert network["org_admin"] not in fragment
    underscore = client.get("/admin/people?q=_", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert network["member"] not in underscore, "a typed _ is a character, not any character"


def test_deactivate_and_reactivate_are_audited(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    member_id = user_id(app, network["member"])
    row = post(client, f"/admin/people/{member_id}/deactivate", page="/admin/people")
    assert row.status_code == 303
    assert login(app.test_client(), network["member"]).status_code == 422
    post(client, f"/admin/people/{member_id}/reactivate", page="/admin/people")
    assert login(app.test_client(), network["member"]).status_code == 303
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.target_id == member_id,
                                                                        AuditEvent.target_type == "user")).all()
        assert "auth.user_deactivated" in actions and "auth.user_reactivated" in actions
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "ระงับบัญชี" in audit and "เปิดใช้บัญชีอีกครั้ง" in audit


def test_htmx_action_returns_the_row(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    member_id = user_id(app, network["member"])
    page = client.get("/admin/people").get_data(as_text=True)
    import re

    token = re.search(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;', page).group(1)
    response = client.post(f"/admin/people/{member_id}/make-coordinator",
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="person-{member_id}">') and "ผู้ประสานงานเครือข่าย" in row
    assert "นกน้อย สมาชิกบ้าน เป็นผู้ประสานงานเครือข่ายแล้ว" in row, "said in the row"
    assert f'hx-post="/admin/people/{member_id}/remove-coordinator"' in row and "ย้อนกลับ" in row, "with its undo"


def test_coordinator_cannot_lock_themselves_out(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    me = user_id(app, network["coordinator"])
    post(client, f"/admin/people/{me}/deactivate", page="/admin/people")
    assert "คุณไม่สามารถระงับบัญชีของตนเองได้" in client.get("/admin/people").get_data(as_text=True)
    post(client, f"/admin/people/{me}/remove-coordinator", page="/admin/people")
    assert "คุณไม่สามารถยกเลิกบทบาทผู้ประสานงานของตนเองได้" in client.get("/admin/people").get_data(as_text=True)
    with app.app_context():
        coordinator = find_user_by_email(network["coordinator"])
        assert coordinator.active and coordinator.is_admin


def test_non_coordinators_get_403(app, network):
    client = app.test_client()
    login(client, network["org_admin"])
    assert client.get("/admin/people").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def _second_coordinator(app, network):
    with app.app_context():
        find_user_by_email(network["org_admin"]).is_admin = True
        db.session.commit()


@pytest.mark.parametrize("action", ["remove-coordinator", "deactivate"])
def test_two_coordinators_removing_each_other_at_once_leave_one(app, network, action):
    _second_coordinator(app, network)
    first, second = app.test_client(), app.test_client()
    login(first, network["coordinator"])
    login(second, network["org_admin"])
    targets = user_id(app, network["org_admin"]), user_id(app, network["coordinator"])
    tokens = csrf(first, "/admin/people"), csrf(second, "/admin/people")
    answers = race(*(lambda client=client, target=target, token=token: client.post(
        f"/admin/people/{target}/{action}", data={"csrf_token": token})
        for client, target, token in zip((first, second), targets, tokens)))
    assert [answer.status_code for answer in answers] == [303, 303]
    with app.app_context():
        left = db.session.scalars(sa.select(User.email).where(User.is_admin, User.active)).all()
    assert len(left) == 1, "the network keeps one active coordinator"
    refused = second if left == [network["coordinator"]] else first
    assert "คุณไม่ได้เป็นผู้ประสานงานเครือข่ายแล้ว" in refused.get("/").get_data(as_text=True)



def _row(page, person_id):
    import re

    return re.search(rf'<tr id="person-{person_id}">.*?</tr>', page, re.S).group(0)


def test_deactivating_asks_first_then_says_so_in_the_row_with_an_undo(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    member_id = user_id(app, network["member"])
    asking = client.get(f"/admin/people/{member_id}/confirm-deactivation")  # the page, without JavaScript
    row = _row(asking.get_data(as_text=True), member_id)
    assert asking.status_code == 200 and "ระงับบัญชีของ นกน้อย สมาชิกบ้าน หรือไม่" in row
    assert f'method="post" action="/admin/people/{member_id}/deactivate"' in row
    assert login(app.test_client(), network["member"]).status_code == 303, "asking changed nothing"

    done = post(client, f"/admin/people/{member_id}/deactivate", page="/admin/people")
    assert done.status_code == 303 and done.location.endswith(f"#person-{member_id}")
    row = _row(client.get(done.location).get_data(as_text=True), member_id)
    assert "ระงับบัญชีของ นกน้อย สมาชิกบ้าน แล้ว" in row and f'action="/admin/people/{member_id}/reactivate"' in row
    assert login(app.test_client(), network["member"]).status_code == 422
    post(client, f"/admin/people/{member_id}/reactivate", page="/admin/people")  # the undo: no question asked
    assert login(app.test_client(), network["member"]).status_code == 303


def test_giving_the_coordinator_role_asks_first_in_the_row(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    member_id = user_id(app, network["member"])
    asking = client.get(f"/admin/people/{member_id}/confirm-coordinator", headers={"HX-Request": "true"})
    assert asking.get_data(as_text=True).lstrip().startswith(f'<tr id="person-{member_id}">')
    assert "แต่งตั้ง นกน้อย สมาชิกบ้าน เป็นผู้ประสานงานเครือข่ายหรือไม่" in asking.get_data(as_text=True)
    cancelled = client.get(f"/admin/people/{member_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "หรือไม่" not in cancelled and f'href="/admin/people/{member_id}/confirm-coordinator' in cancelled
    with app.app_context():
        assert not find_user_by_email(network["member"]).is_admin


def test_a_coordinator_s_own_row_offers_nothing_that_would_be_refused(app, network):
    client = app.test_client()
    login(client, network["coordinator"])
    me = user_id(app, network["coordinator"])
    row = _row(client.get("/admin/people").get_data(as_text=True), me)
    assert "/deactivate" not in row and "/remove-coordinator" not in row
    assert "นี่คือบัญชีของคุณ" in row
