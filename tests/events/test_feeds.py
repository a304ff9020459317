"""Calendar feeds as calendar apps and people meet them: a personal feed of the events one is coming to at a secret
address (renewed or stopped, the old address is gone), a public feed of public events, and neither holding a link
that answers for anyone."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.auth.services import find_user_by_email
from portal.db import utcnow
from portal.events import feeds, rsvp, services
from portal.events.feed_models import CalendarFeed
from portal.events.models import Event, Reply, Visibility
from portal.extensions import db
from portal.i18n import in_language
from tests.support.databases import count
from tests.support.events import event_values, published_event
from tests.support.web import client_as, post

ONLINE = "https://meet.example/pr-seminar"  # every test event's online link (tests/support/events.py)


def event(network, title, **values):
    """home's published event with its title (in both languages unless told); return its id."""
    return published_event(network, **{"title_th": title, "title_en": title, **values}).id


def answer(event_id, email, reply=Reply.YES):
    invitation = services.join(db.session.get(Event, event_id), find_user_by_email(email))
    return rsvp.answer(invitation, reply)


def start_feed(app, email):
    """Log in as `email`, start their feed on the account page; return the client and the feed's path."""
    client = client_as(app, email)
    assert post(client, "/account/calendar", {"action": "start"}, page="/account/calendar").status_code == 303
    return client, feed_path(client)


def feed_path(client):
    page = client.get("/account/calendar").get_data(as_text=True)
    return urlsplit(re.search(r'id="feed-url" type="text" value="([^"]+)"', page).group(1)).path


def titles(response):
    assert response.status_code == 200, response.status_code
    return {str(entry["SUMMARY"]): str(entry["STATUS"])
            for entry in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def assert_holds_no_secret(content, *secrets):
    text = content.decode().lower()
    assert "/answer/" not in text and "token" not in text
    for secret in secrets:
        assert secret.lower() not in text


def test_the_personal_feed_holds_only_the_events_its_owner_is_coming_to(app, network):
    with app.app_context():
        coming = event(network, "Coming")
        maybe = event(network, "Maybe")
        event(network, "Not answered")
        full = event(network, "Full", capacity=1)
        theirs = event(network, "Someone else's")
        cancelled = event(network, "Cancelled")
        recent = event(network, "Ended a month ago")
        old = event(network, "Ended long ago")
        for event_id in (coming, cancelled, recent, old):
            answer(event_id, network["member"])
        answer(maybe, network["member"], Reply.MAYBE)
        answer(full, network["org_admin"])
        answer(full, network["member"])  # the waiting list: no seat, not in the calendar
        answer(theirs, network["org_admin"])
        services.cancel(db.session.get(Event, cancelled), by=find_user_by_email(network["org_admin"]))
        for event_id, days in ((recent, 30), (old, 100)):  # time has passed since
            past = db.session.get(Event, event_id)
            past.starts_at = utcnow() - timedelta(days=days)
            past.ends_at, past.rsvp_deadline = past.starts_at + timedelta(hours=2), past.starts_at - timedelta(days=1)
        db.session.commit()
        with in_language("th"):
            calendar_name = str(feeds.PERSONAL_CALENDAR_NAME)
    client, path = start_feed(app, network["member"])
    response = app.test_client().get(path)  # a calendar app: no session
    assert titles(response) == {"Coming": "CONFIRMED", "Cancelled": "CANCELLED", "Ended a month ago": "CONFIRMED"}
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == calendar_name
    by_title = {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}
    assert ONLINE in str(by_title["Coming"]["DESCRIPTION"])  # they are coming: how to join
    assert ONLINE not in str(by_title["Cancelled"].get("DESCRIPTION", "")) + str(by_title["Cancelled"]["LOCATION"])
    assert not [entry for entry in calendar.walk("VEVENT") if entry.get("ATTENDEE")]
    assert_holds_no_secret(response.data, path.rsplit("/", 1)[1].removesuffix(".ics"))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=900"


def test_an_english_speaker_s_feed_is_in_english(app, network):
    with app.app_context():
        find_user_by_email(network["member"]).language = "en"
        answer(event(network, "ไม่ใช้", title_en="In English"), network["member"])
        db.session.commit()
    _client, path = start_feed(app, network["member"])
    response = app.test_client().get(path)
    assert set(titles(response)) == {"In English"}
    assert str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]) == "PR Network: my events"


def test_renewing_or_stopping_ends_the_old_address_at_once(app, network):
    with app.app_context():
        answer(event(network, "Coming"), network["member"])
        db.session.commit()
    client, first = start_feed(app, network["member"])
    assert post(client, "/account/calendar", {"action": "start"}, page="/account/calendar").status_code == 303
    assert feed_path(client) == first  # starting again keeps the address
    calendar = app.test_client()
    assert calendar.get(first).status_code == 200
    assert post(client, "/account/calendar", {"action": "renew"}, page="/account/calendar").status_code == 303
    second = feed_path(client)
    assert second != first
    gone = calendar.get(first)
    assert gone.status_code == 404 and gone.mimetype == "text/plain" and b"Coming" not in gone.data
    assert set(titles(calendar.get(second))) == {"Coming"}
    stopped = post(client, "/account/calendar", {"action": "stop"}, page="/account/calendar")
    assert stopped.status_code == 303 and stopped.location.endswith("/account/calendar")
    assert calendar.get(second).status_code == 404
    assert 'id="feed-url"' not in client.get("/account/calendar").get_data(as_text=True)
    with app.app_context():
        assert count(CalendarFeed) == 0
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        details = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEvent)))
    assert [a for a in actions if "calendar_feed" in a] == [
        "event.calendar_feed_started", "event.calendar_feed_renewed", "event.calendar_feed_stopped"]
    for key in (first, second):
        assert key.rsplit("/", 1)[1].removesuffix(".ics") not in details  # the audit log never holds a key


def test_each_key_opens_its_own_owner_s_feed_only(app, network):
    with app.app_context():
        answer(event(network, "Member's"), network["member"])
        answer(event(network, "Admin's"), network["org_admin"])
        db.session.commit()
    _member, member_path = start_feed(app, network["member"])
    admin, admin_path = start_feed(app, network["org_admin"])
    assert set(titles(admin.get(member_path))) == {"Member's"}  # the key decides, not who is logged in
    assert set(titles(app.test_client().get(admin_path))) == {"Admin's"}


def test_a_deactivated_person_s_feed_is_gone_and_unknown_keys_are_not_found(app, network):
    _client, path = start_feed(app, network["member"])
    with app.app_context():
        find_user_by_email(network["member"]).active = False
        db.session.commit()
    visitor = app.test_client()
    assert visitor.get(path).status_code == 404
    assert visitor.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert visitor.get("/calendar/short.ics").status_code == 404


def test_the_public_feed_holds_public_published_events_without_online_links(app, network):
    with app.app_context():
        answer(event(network, "Public", visibility=Visibility.PUBLIC), network["member"])
        event(network, "Members only")
        cancelled = event(network, "Public, cancelled", visibility=Visibility.PUBLIC)
        services.cancel(db.session.get(Event, cancelled), by=find_user_by_email(network["org_admin"]))
        services.create(event_values(title_th="Draft", title_en="Draft", visibility=Visibility.PUBLIC),
                        by=find_user_by_email(network["coordinator"]))  # a draft
        db.session.commit()
        with in_language("th"):
            thai_name = str(feeds.PUBLIC_CALENDAR_NAME)
    visitor = app.test_client()
    response = visitor.get("/calendar/public.ics")
    assert titles(response) == {"Public": "CONFIRMED"}
    assert ONLINE.encode() not in response.data and b"ATTENDEE" not in response.data
    assert_holds_no_secret(response.data)
    assert str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]) == thai_name
    english = visitor.get("/calendar/public.ics?lang=en")
    assert str(icalendar.Calendar.from_ical(english.data)["X-WR-CALNAME"]) == "PR Network events"
    assert response.headers["Cache-Control"] == "public, max-age=900"


@pytest.mark.parametrize("feed", ["public", "personal"])
def test_a_calendar_that_has_the_feed_gets_304(app, network, feed):
    with app.app_context():
        answer(event(network, "Public", visibility=Visibility.PUBLIC), network["member"])
        db.session.commit()
    path = start_feed(app, network["member"])[1] if feed == "personal" else "/calendar/public.ics"
    calendar = app.test_client()
    first = calendar.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = calendar.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == first.headers["ETag"]
    with app.app_context():
        answer(event(network, "New", visibility=Visibility.PUBLIC), network["member"])
        db.session.commit()
    changed = calendar.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_public_is_never_taken_for_a_key(app):
    adapter = app.url_map.bind("portal.test")
    assert adapter.match("/calendar/public.ics") == ("calendar_feeds.public", {})
    key = "public" + "x" * 37
    assert adapter.match(f"/calendar/{key}.ics") == ("calendar_feeds.personal", {"key": key})


def test_the_page_is_for_members_and_its_buttons_need_the_form_s_token(app, network):
    visitor = app.test_client()
    page = visitor.get("/account/calendar")
    assert page.status_code == 302 and "/login" in page.location
    assert visitor.post("/account/calendar", data={"action": "start"}).status_code in (302, 400)
    member = client_as(app, network["member"])
    assert member.post("/account/calendar", data={"action": "start"}).status_code == 400
    assert post(member, "/account/calendar", {"action": "explode"}, page="/account/calendar").status_code == 400
    with app.app_context():
        assert count(CalendarFeed) == 0
    shown = member.get("/account/calendar")
    assert shown.status_code == 200 and 'value="start"' in shown.get_data(as_text=True)


def test_a_feed_key_never_reaches_the_logs():
    """A feed's key opens a person's calendar (their events and online links): request lines show [token]."""
    from portal.security import scrub_tokens

    key = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0_-x"
    assert scrub_tokens(f'"GET /calendar/{key}.ics HTTP/1.1" 200') == '"GET /calendar/[token].ics HTTP/1.1" 200'
    assert scrub_tokens("GET /calendar/public.ics") == "GET /calendar/public.ics"
