"""Check-in at the door on a phone: the host opens the event's check-in page, finds a person by their organisation's
Thai name, taps once to check them in and sees the count change without a page load, then undoes it."""

import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.auth.services import find_user_by_email
from portal.events import rsvp, services
from portal.events.models import Invitation, Reply
from portal.extensions import db
from tests.support.browser import log_in
from tests.support.events import invite_members, published_event
from tests.support.network import PASSWORD, build_network

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server(make_live_server):
    return make_live_server()


@pytest.fixture
def live_server(server):
    return server.url


def an_event_with_people_coming(server, network):
    """home's event with three of home's people and other's admin (of มหาวิทยาลัยอื่น) coming; return its id and the
    invitation id of other's admin."""
    with server.app.app_context():
        event = published_event(network, capacity=10)
        invite_members(event, 3, network["org_admin"])
        other = find_user_by_email(network["other_admin"])
        services.invite(event, by=find_user_by_email(network["org_admin"]), user_ids=[other.id])
        for invitation in db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id)):
            rsvp.answer(invitation, Reply.YES)
        db.session.commit()
        return event.id, db.session.scalar(sa.select(Invitation.id).where(Invitation.user_id == other.id))


def test_a_host_checks_a_person_in_at_the_door_on_a_phone_and_undoes_it(server, new_page, screenshot):
    network = build_network(server.app)
    event_id, other = an_event_with_people_coming(server, network)
    host = new_page(viewport=PHONE)
    host.goto("/login")
    log_in(host, network["org_admin"], PASSWORD)
    host.goto(f"/events/{event_id}/check-in")
    counts = host.locator("#checkin-counts strong")
    expect(counts).to_have_attribute("data-checked", "0")
    expect(host.locator("#attendees article")).to_have_count(4)
    host.evaluate("() => { window.samePage = true; }")  # gone if the page loads again

    host.get_by_role("searchbox").fill("มหาวิทยาลัยอื่น")
    expect(host.locator("#attendees article")).to_have_count(1)
    row = host.locator(f"#attendee-{other}")
    expect(row).to_contain_text("มหาวิทยาลัยอื่น")
    row.get_by_role("button").click()
    expect(counts).to_have_attribute("data-checked", "1")
    expect(row.locator("form")).to_have_attribute("action", re.compile(r"/undo$"))
    expect(row.locator(".status")).to_be_visible()  # the time of the check-in
    assert host.evaluate("() => window.samePage === true")
    assert unquote(host.url).endswith("?q=มหาวิทยาลัยอื่น")  # the search is in the address

    row.get_by_role("button").click()  # undo
    expect(counts).to_have_attribute("data-checked", "0")
    expect(row.locator("form")).not_to_have_attribute("action", re.compile(r"/undo$"))
    assert host.evaluate("() => window.samePage === true")
    with server.app.app_context():
        assert db.session.get(Invitation, other).checked_in_at is None
    screenshot(host, "phone")
