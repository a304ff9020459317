"""Check-in on the day: one tap (and undo) by a host, the counts, the search, walk-ins within the capacity, the QR
record that only the event's managers may open, and two hosts tapping one person at once."""

import io
import re
from urllib.parse import unquote

import sqlalchemy as sa
from PIL import Image
from sqlalchemy import event as sa_event

from portal.audit.models import AuditEvent
from portal.auth.services import find_user_by_email
from portal.events import checkin, rsvp, services
from portal.events.models import Event, Invitation, Reply, Status
from portal.extensions import db
from portal.i18n import in_language
from tests.support.events import event_values, invite_members, published_event
from tests.support.race import race
from tests.support.web import client_as, csrf

HTMX = {"HX-Request": "true"}


def coming(event, count, network, language="th"):
    """Invite `count` people of home (named สมาชิก <n>) and have each say yes; return their invitation ids."""
    invite_members(event, count, network["org_admin"], language=language)
    people = db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id)
                                .order_by(Invitation.id)).all()
    for person in people:
        rsvp.answer(person, Reply.YES)
    db.session.commit()
    return [person.id for person in people]


def invite_and_answer(event, network, role, reply=Reply.YES):
    """Invite one person of the network by hand and record their answer; return the invitation's id."""
    person = find_user_by_email(network[role])
    services.invite(event, by=find_user_by_email(network["org_admin"]), user_ids=[person.id])
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.event_id == event.id,
                                                               Invitation.user_id == person.id))
    if reply is not None:
        rsvp.answer(invitation, reply)
    db.session.commit()
    return invitation.id


def audit_actions(event_id):
    return db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.target_type == "event", AuditEvent.target_id == event_id,
        AuditEvent.action.like("event.%check%")).order_by(AuditEvent.id)).all()


def checked_count(page):
    return int(re.search(r'data-checked="(\d+)"', page).group(1))


def in_thai(app, message):
    with app.test_request_context(), in_language("th"):
        return str(message)


def test_a_host_checks_a_person_in_and_undoes_it_and_htmx_gets_only_the_row_and_the_counts(app, network):
    with app.app_context():
        event = published_event(network)
        first, second = coming(event, 2, network)
        event_id = event.id
    host = client_as(app, network["org_admin"])
    page = host.get(f"/events/{event_id}/check-in")
    assert page.status_code == 200 and checked_count(page.get_data(as_text=True)) == 0
    token = csrf(host, f"/events/{event_id}/check-in")

    tapped = host.post(f"/events/{event_id}/check-in/{first}", data={"csrf_token": token, "q": "สมาชิก"},
                       headers=HTMX)
    fragment = tapped.get_data(as_text=True)
    assert tapped.status_code == 200 and "<html" not in fragment and "walk-in" not in fragment
    assert fragment.lstrip().startswith(f'<article id="attendee-{first}"')  # the row, to replace itself
    assert 'id="checkin-counts"' in fragment and 'hx-swap-oob="true"' in fragment and checked_count(fragment) == 1
    assert f"/check-in/{first}/undo" in fragment and f'id="attendee-{second}"' not in fragment
    with app.app_context():
        assert checkin.counts(db.session.get(Event, event_id)) == (1, 2)
        assert db.session.get(Invitation, first).checked_in_at is not None

    undone = host.post(f"/events/{event_id}/check-in/{first}/undo", data={"csrf_token": token}, headers=HTMX)
    assert undone.status_code == 200 and checked_count(undone.get_data(as_text=True)) == 0
    with app.app_context():
        assert checkin.counts(db.session.get(Event, event_id)) == (0, 2)
        assert db.session.get(Invitation, first).checked_in_at is None
        assert audit_actions(event_id) == ["event.checked_in", "event.check_in_undone"]

    # Without JavaScript: the form posts, and the page comes back with its search.
    plain = host.post(f"/events/{event_id}/check-in/{second}", data={"csrf_token": token, "q": "สมาชิก 1"})
    assert plain.status_code == 303 and unquote(plain.location).endswith(f"/events/{event_id}/check-in?q=สมาชิก+1")
    assert checked_count(host.get(plain.location).get_data(as_text=True)) == 1


def test_the_search_finds_by_name_address_or_organisation_in_thai_or_english_in_one_query(app, network):
    with app.app_context():
        event = published_event(network)
        coming(event, 3, network)
        other = invite_and_answer(event, network, "other_admin")  # of มหาวิทยาลัยอื่น
        invite_and_answer(event, network, "member", reply=Reply.NO)  # not coming: not on the list
        guest = checkin.walk_in(event, "John SMITH", "", by=find_user_by_email(network["org_admin"]))
        db.session.commit()
        assert [p.id for p in checkin.attendees(event, "มหาวิทยาลัยอื่น")] == [other]
        assert [p.id for p in checkin.attendees(event, "smith")] == [guest.id]  # any letter case
        assert len(checkin.attendees(event, "บ้านเรา")) == 3  # home's Thai name
        assert len(checkin.attendees(event, "guests.example")) == 3  # their addresses
        assert checkin.attendees(event, "นกน้อย") == []
        assert checkin.attendees(event, "%") == []  # the user's % is a character, not a wildcard
        everyone = checkin.attendees(event)
        assert len(everyone) == 5 and [p.display_name for p in everyone][0] == "John SMITH"

        db.session.expire_all()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            shown = [(p.display_name, p.organisation.name_th if p.organisation else "") for p in
                     checkin.attendees(db.session.get(Event, event.id), "")]
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        assert len(shown) == 5 and len([s for s in statements if "event_invitation" in s]) == 1


def test_people_who_may_not_manage_the_event_are_refused(app, network):
    with app.app_context():
        event = published_event(network)
        [person] = coming(event, 1, network)
        draft = services.create(event_values(), by=find_user_by_email(network["org_admin"]),
                                host=event.host_organisation)
        elsewhere = published_event(network)
        db.session.commit()
        event_id, draft_id, elsewhere_id = event.id, draft.id, elsewhere.id
    for role in ("member", "other_admin"):  # they see the event, and may not run its door
        client = client_as(app, network[role])
        token = csrf(client, "/")
        assert client.get(f"/events/{event_id}/check-in").status_code == 403
        assert client.post(f"/events/{event_id}/check-in/{person}", data={"csrf_token": token}).status_code == 403
        assert client.post(f"/events/{event_id}/walk-in", data={"csrf_token": token, "name": "x"}).status_code == 403
        assert client.get(f"/events/{draft_id}/check-in").status_code == 404  # a draft is its hosts' alone
    visitor = app.test_client()
    answer = visitor.get(f"/events/{event_id}/check-in")
    assert answer.status_code == 302 and "/login" in answer.location
    refused = visitor.post(f"/events/{event_id}/check-in/{person}", data={"csrf_token": csrf(visitor)})
    assert refused.status_code == 302 and "/login" in refused.location
    host = client_as(app, network["org_admin"])
    # An invitation of another event is not found through this one.
    assert host.post(f"/events/{elsewhere_id}/check-in/{person}",
                     data={"csrf_token": csrf(host, "/")}).status_code == 404
    with app.app_context():
        assert db.session.get(Invitation, person).checked_in_at is None


def test_the_qr_record_opens_for_the_hosts_only_and_a_tampered_code_is_a_bad_link(app, network):
    with app.app_context():
        event = published_event(network)
        member = invite_and_answer(event, network, "member")
        invitation = db.session.get(Invitation, member)
        token = checkin.checkin_token(invitation)
        link = checkin.checkin_link(invitation)
        png = checkin.qr_png(link)
        event_id = event.id
    assert link == f"http://portal.test/events/check-in/{token}"
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and 200 <= image.width <= 290 and image.width == image.height
    path = f"/events/check-in/{token}"

    visitor = app.test_client().get(path)
    assert visitor.status_code == 302 and "/login" in visitor.location
    for role in ("member", "other_admin"):  # the attendee themselves included: nothing about them is shown
        refused = client_as(app, network[role]).get(path)
        assert refused.status_code == 404 and f"attendee-{member}" not in refused.get_data(as_text=True)
    for role in ("org_admin", "coordinator"):
        shown = client_as(app, network[role]).get(path)
        page = shown.get_data(as_text=True)
        assert shown.status_code == 200 and "นกน้อย สมาชิกบ้าน" in page and "member@home.example" in page
        assert f'action="/events/{event_id}/check-in/{member}"' in page
    host = client_as(app, network["org_admin"])
    assert host.get(path.replace("/check-in/", "/check-in/x")).status_code == 400
    # Checked in from the record (no JavaScript): back to the record.
    answer = host.post(f"/events/{event_id}/check-in/{member}", data={"csrf_token": csrf(host, path), "next": path})
    assert answer.status_code == 303 and answer.location.endswith(path)
    assert "/undo" in host.get(path).get_data(as_text=True)


def test_a_walk_in_takes_a_seat_and_is_checked_in_and_an_invited_address_is_checked_in_under_its_invitation(
        app, network):
    with app.app_context():
        event = published_event(network, capacity=3)
        coming(event, 1, network)
        invited = invite_and_answer(event, network, "member", reply=Reply.MAYBE)
        event_id = event.id
    host = client_as(app, network["org_admin"])
    token = csrf(host, f"/events/{event_id}/check-in")
    added = host.post(f"/events/{event_id}/walk-in", data={"csrf_token": token, "name": "ผู้สื่อข่าว หน้างาน",
                                                            "email": ""})
    assert added.status_code == 303 and f"/events/{event_id}/check-in?q=" in added.location
    assert "ผู้สื่อข่าว หน้างาน" in host.get(added.location).get_data(as_text=True)
    again = host.post(f"/events/{event_id}/walk-in", data={"csrf_token": token, "name": "นกน้อย",
                                                            "email": "Member@Home.example"}, headers=HTMX)
    assert again.status_code == 200 and again.headers["HX-Redirect"].startswith(f"/events/{event_id}/check-in")
    with app.app_context():
        event = db.session.get(Event, event_id)
        walk_in = db.session.scalar(sa.select(Invitation).where(Invitation.name == "ผู้สื่อข่าว หน้างาน"))
        assert walk_in.status == Status.CONFIRMED and walk_in.checked_in_at is not None
        assert not checkin.has_address(walk_in)
        member = db.session.get(Invitation, invited)
        assert member.status == Status.CONFIRMED and member.checked_in_at is not None
        assert event.confirmed == 3 and checkin.counts(event) == (2, 3)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
            Invitation.event_id == event_id)) == 3  # nobody twice
        assert audit_actions(event_id).count("event.checked_in") == 2


def test_a_walk_in_at_a_full_event_is_refused_with_the_reason_and_the_input_kept(app, network):
    with app.app_context():
        event = published_event(network, capacity=1)
        coming(event, 1, network)
        event_id = event.id
    full = in_thai(app, checkin.FULL)
    host = client_as(app, network["org_admin"])
    token = csrf(host, f"/events/{event_id}/check-in")
    data = {"csrf_token": token, "name": "คนมาใหม่ ไม่ได้ลงชื่อ", "email": "newcomer@guests.example"}
    refused = host.post(f"/events/{event_id}/walk-in", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and full in page and "<html" in page
    assert 'value="คนมาใหม่ ไม่ได้ลงชื่อ"' in page and 'value="newcomer@guests.example"' in page
    fragment = host.post(f"/events/{event_id}/walk-in", data=data, headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and body.lstrip().startswith('<section id="walk-in"') and full in body
    wrong = host.post(f"/events/{event_id}/walk-in", data={"csrf_token": token, "name": "", "email": "not an address"},
                      headers=HTMX)
    assert wrong.status_code == 422 and wrong.get_data(as_text=True).count('class="field-error"') == 2
    with app.app_context():
        assert db.session.get(Event, event_id).confirmed == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
            Invitation.event_id == event_id)) == 1


def test_two_hosts_tapping_one_person_at_once_leave_one_check_in_time(app, network):
    with app.app_context():
        event = published_event(network)
        [person] = coming(event, 1, network)
        event_id = event.id
    hosts = [client_as(app, network[role]) for role in ("org_admin", "coordinator")]
    tokens = [csrf(host, f"/events/{event_id}/check-in") for host in hosts]

    def tap(host, token):
        return host.post(f"/events/{event_id}/check-in/{person}", data={"csrf_token": token},
                         headers=HTMX).status_code

    results = race(*(lambda h=h, t=t: tap(h, t) for h, t in zip(hosts, tokens)))
    assert results == [200, 200], results
    with app.app_context():
        assert audit_actions(event_id) == ["event.checked_in"]
        checked_at = db.session.get(Invitation, person).checked_in_at
        assert checked_at is not None and checkin.counts(db.session.get(Event, event_id)) == (1, 1)
