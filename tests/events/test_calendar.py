"""The .ics files people get: parsed back the way a calendar app reads them."""

import dataclasses
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from portal.events.calendar import CalendarEvent, cancellation_ics, feed_ics, invitation_ics

UTC = timezone.utc
THAI_TITLE = "งานสัมมนาเครือข่ายประชาสัมพันธ์ ครั้งที่ ๑: การสื่อสารในภาวะวิกฤต"


def make_event(**overrides) -> CalendarEvent:
    values = dict(
        uid="event-12@portal.example",
        sequence=2,
        title="PR Network Day",
        description="Talks and lunch.",
        starts_at=datetime(2026, 12, 15, 2, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 15, 5, 30, tzinfo=UTC),
        location="Siam Hall, Bangkok",
        map_url="https://maps.example/?q=siam+hall",
        url="https://portal.example/events/12",
        organiser_name="Thai PR Association",
        organiser_email="host@tpra.example",
        attendees=(("Somchai Jaidee", "somchai@member.example"),),
        updated_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
    )
    return CalendarEvent(**(values | overrides))


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def only_event(ics: bytes):
    (event,) = parse(ics).walk("VEVENT")
    return event


def invitation(**overrides) -> bytes:
    return invitation_ics(make_event(**overrides), calendar_name="PR Network")


def cancellation(**overrides) -> bytes:
    return cancellation_ics(make_event(**overrides), calendar_name="PR Network")


def feed(**overrides) -> bytes:
    return feed_ics([make_event(**overrides)], calendar_name="PR Network")


ALL_KINDS = pytest.mark.parametrize("build", [invitation, cancellation, feed], ids=["invite", "cancel", "feed"])


@pytest.mark.parametrize(
    "build, method",
    [(invitation, "PUBLISH"), (cancellation, "CANCEL"), (feed, "PUBLISH")],
    ids=["invite", "cancel", "feed"],
)
def test_method(build, method):
    assert parse(build())["METHOD"] == method


@ALL_KINDS
def test_calendar_header(build):
    calendar = parse(build())
    assert str(calendar["X-WR-CALNAME"]) == "PR Network"
    assert calendar["PRODID"] == "-//PR Network Portal//EN"
    assert calendar["VERSION"] == "2.0"


@ALL_KINDS
def test_same_event_gives_same_bytes_and_uid(build):
    assert build() == build()
    assert only_event(build())["UID"] == "event-12@portal.example"


@ALL_KINDS
def test_sequence_is_the_callers(build):
    assert only_event(build(sequence=7)).sequence == 7


@ALL_KINDS
def test_times_are_in_bangkok_with_its_vtimezone(build):
    ics = build()
    event = only_event(ics)
    assert event.start.tzinfo.key == "Asia/Bangkok"
    assert (event.start.hour, event.start.minute) == (9, 0)
    assert event.start == datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
    assert event.end == datetime(2026, 12, 15, 5, 30, tzinfo=UTC)
    assert b"DTSTART;TZID=Asia/Bangkok:20261215T090000\r\n" in ics
    assert [tz.tz_name for tz in parse(ics).timezones] == ["Asia/Bangkok"]


def test_multi_day_event():
    event = only_event(invitation(ends_at=datetime(2026, 12, 17, 10, 0, tzinfo=UTC)))
    assert event.start.date().isoformat() == "2026-12-15"
    assert event.end.date().isoformat() == "2026-12-17"
    assert (event.end.hour, event.end.tzinfo.key) == (17, "Asia/Bangkok")
    assert event.duration == timedelta(days=2, hours=8)


@ALL_KINDS
def test_organiser_and_attendee(build):
    event = only_event(build())
    assert event.organizer.email == "host@tpra.example"
    assert event.organizer.params["CN"] == "Thai PR Association"
    (attendee,) = event.attendees
    assert attendee.email == "somchai@member.example"
    assert attendee.params["CN"] == "Somchai Jaidee"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "FALSE"  # answers come through the portal


def test_invitation_has_one_reminder_an_hour_before():
    event = only_event(invitation())
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == -timedelta(hours=1)
    assert event["STATUS"] == "CONFIRMED"


@pytest.mark.parametrize("build", [cancellation, feed], ids=["cancel", "feed"])
def test_no_reminder_in_cancellation_or_feed(build):
    assert parse(build()).walk("VALARM") == []
    assert b"VALARM" not in build()


def test_cancellation_keeps_uid_and_sequence():
    event = only_event(cancellation(sequence=3))
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == "event-12@portal.example"
    assert event.sequence == 3


def test_thai_title_round_trips_in_nfc():
    event = only_event(invitation(title=THAI_TITLE, description="รายละเอียด\nบรรทัดที่สอง"))
    assert str(event["SUMMARY"]) == THAI_TITLE
    assert str(event["DESCRIPTION"]).startswith("รายละเอียด\nบรรทัดที่สอง\n\n")


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Café Société")
    assert str(only_event(invitation(title=decomposed))["SUMMARY"]) == "Café Société"


def test_location_description_and_url():
    event = only_event(invitation(online_url="https://meet.example/abc", url_label="หน้ากิจกรรม"))
    assert str(event["LOCATION"]) == "Siam Hall, Bangkok / https://meet.example/abc"
    assert str(event["URL"]) == "https://portal.example/events/12"
    description = str(event["DESCRIPTION"])
    assert "Map: https://maps.example/?q=siam+hall" in description.splitlines()
    assert "Online: https://meet.example/abc" in description.splitlines()
    assert "หน้ากิจกรรม: https://portal.example/events/12" in description.splitlines()


def test_online_only_event_uses_the_link_as_location():
    event = only_event(invitation(location="", online_url="https://meet.example/abc"))
    assert str(event["LOCATION"]) == "https://meet.example/abc"


@ALL_KINDS
def test_no_online_link_unless_given(build):
    ics = build()
    assert b"meet.example" not in ics
    assert "Online" not in str(only_event(ics)["DESCRIPTION"])


@pytest.mark.parametrize("field", ["title", "location", "organiser_name"])
def test_newline_in_one_line_text_cannot_add_a_property(field):
    payload = "Day\r\nATTENDEE:mailto:evil@x"
    event = only_event(invitation(**{field: payload}))
    assert [attendee.email for attendee in event.attendees] == ["somchai@member.example"]
    assert b"\nATTENDEE:mailto:evil@x" not in invitation(**{field: payload})


def test_injected_attendee_stays_inside_summary():
    event = only_event(invitation(title="Day\r\nATTENDEE:mailto:evil@x"))
    assert str(event["SUMMARY"]) == "Day ATTENDEE:mailto:evil@x"


def test_injected_attendee_stays_inside_description():
    event = only_event(invitation(description="Hello,\r\nATTENDEE:mailto:evil@x; END:VEVENT"))
    assert str(event["DESCRIPTION"]).startswith("Hello,\nATTENDEE:mailto:evil@x; END:VEVENT\n\n")
    assert len(event.attendees) == 1


def test_calendar_name_cannot_add_a_property():
    calendar = parse(invitation_ics(make_event(), calendar_name="PR\r\nX-EVIL:1"))
    assert "X-EVIL" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "PR X-EVIL:1"


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "javascript:alert(1)"},
        {"map_url": "https://maps.example/\r\nX-EVIL:1"},
        {"online_url": "meet.example/abc"},
        {"organiser_email": "host@tpra.example\r\nX-EVIL:1"},
        {"attendees": (("Evil", "a@x.example\nX-EVIL:1"),)},
    ],
)
def test_bad_links_and_addresses_are_refused(overrides):
    with pytest.raises(ValueError):
        invitation(**overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts_at": datetime(2026, 12, 15, 9, 0)},
        {"updated_at": datetime(2026, 11, 30, 8, 0)},
        {"ends_at": datetime(2026, 12, 15, 2, 0, tzinfo=UTC)},
    ],
    ids=["naive-start", "naive-stamp", "ends-at-start"],
)
def test_bad_times_are_refused(overrides):
    with pytest.raises(ValueError):
        invitation(**overrides)


def test_feed_lists_every_event_with_one_timezone():
    events = [
        make_event(uid="event-1@portal.example"),
        make_event(uid="event-2@portal.example", starts_at=datetime(2027, 1, 5, 1, 0, tzinfo=UTC),
                   ends_at=datetime(2027, 1, 6, 1, 0, tzinfo=UTC)),
        make_event(uid="event-3@portal.example", cancelled=True, sequence=4),
    ]
    ics = feed_ics(events, calendar_name="ปฏิทินกิจกรรม")
    calendar = parse(ics)
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [event.uid for event in events]
    assert [str(event["STATUS"]) for event in calendar.walk("VEVENT")] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert str(calendar["X-WR-CALNAME"]) == "ปฏิทินกิจกรรม"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in ics
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics


def test_empty_feed_is_still_a_calendar():
    calendar = parse(feed_ics([], calendar_name="PR Network"))
    assert calendar.walk("VEVENT") == []
    assert calendar["METHOD"] == "PUBLISH"


def test_cancelled_event_invitation_has_no_reminder():
    event = only_event(invitation(cancelled=True))
    assert event["STATUS"] == "CANCELLED"
    assert event.walk("VALARM") == []


def test_crlf_and_folding_within_75_octets():
    ics = invitation(title=THAI_TITLE * 3, description=THAI_TITLE * 5)
    lines = ics.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert ics.endswith(b"END:VCALENDAR\r\n")
    assert max(len(line) for line in lines) <= 75
    assert str(only_event(ics)["SUMMARY"]) == THAI_TITLE * 3


def test_event_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_event().title = "Changed"
