"""iCalendar (.ics) files for events: the invitation, the cancellation and the subscription feed.

Pure: no database, no Flask. The caller gives everything in the recipient's language and this module only arranges it.
It puts in exactly the links it is given, so callers must never pass secret links (RSVP answer links, sign-in
tokens): an .ics file gets forwarded, synced to phones and shared calendars, and read by other apps. Pass
`online_url` only to people who said yes, and in a feed only the feed owner's own attendance.

Times are shown in Asia/Bangkok with a VTIMEZONE. Answers come through the portal, not calendar replies, so
invitations are METHOD:PUBLISH and attendees are listed with RSVP=FALSE.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vDuration, vText

PRODID = "-//PR Network Portal//EN"
TZID = "Asia/Bangkok"
REMINDER_BEFORE = timedelta(hours=1)
FEED_REFRESH = timedelta(hours=1)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in iCalendar TEXT; \t and \n are handled apart
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, kw_only=True)
class CalendarEvent:
    """One event as a recipient sees it; build one per recipient language (and per attendee list)."""

    uid: str  # stable, e.g. "event-12@portal.example"
    sequence: int  # raised by the caller on every change
    title: str
    description: str  # plain text
    starts_at: datetime  # aware
    ends_at: datetime  # aware; may be days after starts_at
    location: str = ""
    map_url: str = ""
    online_url: str = ""  # only for people who said yes
    url: str = ""  # the event's page in the portal
    organiser_name: str
    organiser_email: str
    attendees: tuple[tuple[str, str], ...] = ()  # (name, email)
    cancelled: bool = False
    updated_at: datetime  # aware; DTSTAMP and LAST-MODIFIED
    # Labels for the link lines added to DESCRIPTION, translated by the caller.
    map_label: str = "Map"
    online_label: str = "Online"
    url_label: str = "Event page"


def invitation_ics(event: CalendarEvent, *, calendar_name: str) -> bytes:
    """Return an invitation to add to a calendar, with a reminder an hour before."""
    calendar = _calendar("PUBLISH", calendar_name)
    calendar.add_component(_vevent(event, cancelled=event.cancelled, alarm=not event.cancelled))
    return calendar.to_ical()


def cancellation_ics(event: CalendarEvent, *, calendar_name: str) -> bytes:
    """Return a cancellation that removes the invitation with the same UID from calendars."""
    calendar = _calendar("CANCEL", calendar_name)
    calendar.add_component(_vevent(event, cancelled=True, alarm=False))
    return calendar.to_ical()


def feed_ics(events: list[CalendarEvent], *, calendar_name: str) -> bytes:
    """Return a subscription feed of events, cancelled ones kept with STATUS:CANCELLED."""
    calendar = _calendar("PUBLISH", calendar_name)
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    for event in events:
        calendar.add_component(_vevent(event, cancelled=event.cancelled, alarm=False))
    return calendar.to_ical()


@cache
def _vtimezone() -> Timezone:
    # Built from the system's tz database; takes ~25 ms, so build it once and share it (only ever serialised).
    return Timezone.from_tzid(TZID)


def _calendar(method: str, name: str) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, method=method)
    # Calendar.new always adds a random UID: drop it so the same input gives the same bytes (ETags, snapshots).
    del calendar["UID"]
    # Not Calendar.new(name=...): it stores NAME and X-WR-CALNAME unescaped, so a newline would start a new property.
    calendar.add("NAME", vText(_line(name)))
    calendar.add("X-WR-CALNAME", vText(_line(name)))
    calendar.add_component(_vtimezone())
    return calendar


def _vevent(event: CalendarEvent, *, cancelled: bool, alarm: bool) -> Event:
    starts_at, ends_at = _local(event.starts_at), _local(event.ends_at)
    if ends_at <= starts_at:
        raise ValueError("An event must end after it starts.")
    vevent = Event.new(
        uid=event.uid,
        sequence=event.sequence,
        summary=_line(event.title),
        description=_description(event),
        start=starts_at,
        end=ends_at,
        stamp=_utc(event.updated_at),
        last_modified=_utc(event.updated_at),
        location=_location(event) or None,
        url=_url(event.url) or None,
        organizer=vCalAddress.new(event.organiser_email, cn=_line(event.organiser_name)),
        attendees=[_attendee(name, email) for name, email in event.attendees],
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    if alarm:
        vevent.add_component(Alarm.new_display(description=_line(event.title), trigger=-REMINDER_BEFORE))
    return vevent


def _attendee(name: str, email: str) -> vCalAddress:
    return vCalAddress.new(email, cn=_line(name), role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=False)


def _description(event: CalendarEvent) -> str:
    links = [
        (event.map_label, _url(event.map_url)),
        (event.online_label, _url(event.online_url)),
        (event.url_label, _url(event.url)),
    ]
    lines = [f"{_line(label)}: {url}" for label, url in links if url]
    return "\n\n".join(part for part in (_text(event.description), "\n".join(lines)) if part)


def _location(event: CalendarEvent) -> str:
    return " / ".join(part for part in (_line(event.location), _url(event.online_url)) if part)


def _text(value: str) -> str:
    """Return NFC text with Unix newlines and no control characters; icalendar escapes the rest."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def _line(value: str) -> str:
    """Return text on one line, for titles, names and places."""
    return _WHITESPACE.sub(" ", _text(value)).strip()


def _url(value: str) -> str:
    value = value.strip()
    if value and (not value.startswith(("https://", "http://")) or _CONTROL.search(value) or _WHITESPACE.search(value)):
        raise ValueError(f"Not a web address: {value!r}")
    return value


def _local(moment: datetime) -> datetime:
    return _utc(moment).astimezone(ZoneInfo(TZID))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Calendar times must be timezone-aware.")
    return moment.astimezone(timezone.utc)
