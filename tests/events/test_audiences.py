"""Inviting a wider audience: the network's events invite everyone, a region or a sector at once; a member
organisation's event asks a coordinator, who approves (the invitations go, once) or declines with a reason."""

import sqlalchemy as sa

from portal.events.models import AudienceRequest, Invitation, RequestState
from portal.extensions import db
from portal.organisations.models import Organisation, Region, Role
from tests.support.events import published_event
from tests.support.factories import make_org, make_user
from tests.support.mail import mail_subjects
from tests.support.web import client_as, csrf


def invited(event_id):
    return sorted(db.session.scalars(sa.select(Invitation.email).where(Invitation.event_id == event_id)))


def north_and_south(app):
    with app.app_context():
        north = make_org(slug="north-pr", name_th="ประชาสัมพันธ์ภาคเหนือ", region=Region.NORTH)
        south = make_org(slug="south-pr", name_th="ประชาสัมพันธ์ภาคใต้", region=Region.SOUTH)
        make_user("pr@north.example", north, Role.ORG_ADMIN)
        make_user("pr@south.example", south, Role.ORG_ADMIN)
        db.session.commit()


def test_a_member_organisation_asks_and_a_coordinator_approves_a_region(app, network):
    north_and_south(app)
    with app.app_context():
        event_id = published_event(network).id
        db.session.commit()
    host = client_as(app, network["org_admin"])
    page = f"/events/{event_id}"
    asked = host.post(f"/events/{event_id}/invite-audience", data={"csrf_token": csrf(host, page),
                                                                   "regions": ["north"]})
    assert asked.status_code == 303
    with app.app_context():
        assert invited(event_id) == []  # nobody yet: it waits for a coordinator
        request_id = db.session.scalar(sa.select(AudienceRequest.id))
    coordinator = client_as(app, network["coordinator"])
    queue = coordinator.get("/events/approvals").get_data(as_text=True)
    assert "ภาคเหนือ" in queue
    assert host.get("/events/approvals").status_code == 403
    token = csrf(coordinator, "/events/approvals")
    approved = coordinator.post(f"/events/approvals/{request_id}", data={"csrf_token": token, "decision": "approve"})
    assert approved.status_code == 303
    again = coordinator.post(f"/events/approvals/{request_id}", data={"csrf_token": token, "decision": "approve"})
    assert again.status_code == 422 and "ตัดสินแล้ว" in again.get_data(as_text=True) or again.status_code == 422
    with app.app_context():
        assert invited(event_id) == ["pr@north.example"]  # the north only, and once
        assert any(s.startswith("อนุมัติแล้ว") for s in mail_subjects(network["org_admin"]))


def test_a_decline_needs_a_reason_the_organisation_reads(app, network):
    with app.app_context():
        event = published_event(network)
        request = AudienceRequest(event=event, regions=[], sectors=[], requested_by_id=None)
        db.session.add(request)
        db.session.commit()
        event_id, request_id = event.id, request.id
    coordinator = client_as(app, network["coordinator"])
    token = csrf(coordinator, "/events/approvals")
    no_reason = coordinator.post(f"/events/approvals/{request_id}", data={"csrf_token": token, "decision": "decline"})
    assert no_reason.status_code == 422 and "โปรดระบุเหตุผล" in no_reason.get_data(as_text=True)
    declined = coordinator.post(f"/events/approvals/{request_id}", data={
        "csrf_token": token, "decision": "decline", "note": "กลุ่มเป้าหมายกว้างเกินไป"})
    assert declined.status_code == 303
    with app.app_context():
        assert db.session.get(AudienceRequest, request_id).state == RequestState.DECLINED
        assert invited(event_id) == []


def test_the_network_s_event_invites_everyone_at_once(app, network):
    north_and_south(app)
    with app.app_context():
        from portal.auth.services import find_user_by_email
        from portal.events import audiences, services
        from tests.support.events import event_values

        coordinator = find_user_by_email(network["coordinator"])
        event = services.create(event_values(), by=coordinator)
        services.publish(event, by=coordinator)
        made = audiences.invite_audience(event, by=coordinator)
        db.session.commit()
        active = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
        assert made == 5 and active == 5  # every active person, each once
        assert audiences.invite_audience(event, by=coordinator) == 0  # nobody invited twice
