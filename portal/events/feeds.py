"""Calendar feeds: a personal one per member, at a secret address they can renew or stop, with the events they are
coming to; and a public one of the network's public events.

Calendar apps read a feed with no login and sync it to phones and shared calendars, so a feed holds only what whoever
has its address may see: never an answer link or any other token. The personal feed gives the online link (its owner
is coming); the public feed has no online link and no attendees. Neither lists attendees: a subscribed calendar is
read-only, and answers are given in the portal.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.audit import Action
from portal.audit.services import record as audit
from portal.db import serialise, utcnow
from portal.events.calendar import CalendarEvent, feed_ics
from portal.events.emails import CALENDAR_NAME as PUBLIC_CALENDAR_NAME
from portal.events.feed_models import CalendarFeed, new_key
from portal.events.models import Event, EventState, Invitation, Status, Visibility
from portal.extensions import db
from portal.i18n import in_language, supported_language
from portal.mail.services import mail_url

PERSONAL_CALENDAR_NAME = _l("PR Network: my events")
KEPT_AFTER = timedelta(days=90)  # an event stays in the feeds this long after it ended
USE_NOTED_EVERY = timedelta(hours=1)  # calendars poll often: note a feed's use at most this often

AUDIT_ACTIONS = {
    "event.calendar_feed_started": Action(_l("Calendar feed started"), _l("%(actor)s started a calendar feed"),
                                          "events"),
    "event.calendar_feed_renewed": Action(_l("Calendar feed address renewed"),
                                          _l("%(actor)s renewed the address of their calendar feed"), "events"),
    "event.calendar_feed_stopped": Action(_l("Calendar feed stopped"), _l("%(actor)s stopped their calendar feed"),
                                          "events"),
}


def calendar_event(event, language, with_online_link=False):
    """The event as a feed gives it, in a language: its page, place and map; the online link only when asked for
    (a person coming) and while the event is on. A cancelled event is kept, marked so, for calendars to drop it."""
    host = event.host_organisation
    cancelled = event.state == EventState.CANCELLED
    with in_language(language):
        return CalendarEvent(
            uid=f"event-{event.id}@{current_app.config['SERVER_NAME']}", sequence=event.sequence,
            title=event.title_in(language), description=event.description_in(language), starts_at=event.starts_at,
            ends_at=event.ends_at, location=event.place, map_url=event.map_url,
            online_url=event.online_url if with_online_link and not cancelled else "",
            url=mail_url("events.show", event_id=event.id),
            organiser_name=host.name_in(language) if host else str(_l("PR Network")),
            organiser_email=host.public_email if host and host.public_email else _network_address(),
            cancelled=cancelled, updated_at=event.updated_at,
            map_label=str(_l("Map")), online_label=str(_l("Online")), url_label=str(_l("Open the event")))


def _network_address():
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@localhost"
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


# The personal feed's address

def feed_of(user):
    """The person's calendar feed, or None."""
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def start_feed(user):
    """Give the person a calendar feed, or return the one they have. The caller commits."""
    serialise(db.session, f"calendar-feed:{user.id}")  # two clicks at once make one feed
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, key=new_key(), created_at=utcnow())
        db.session.add(feed)
        audit("event.calendar_feed_started", feed, actor=user)
    return feed


def renew_feed(user):
    """Give the person's feed a new address: the old one stops working at once. The caller commits."""
    serialise(db.session, f"calendar-feed:{user.id}")
    feed = feed_of(user)
    if feed is None:  # stopped meanwhile (another tab): a new address is what was asked for
        return start_feed(user)
    feed.key, feed.created_at, feed.used_at = new_key(), utcnow(), None
    audit("event.calendar_feed_renewed", feed, actor=user)
    return feed


def stop_feed(user):
    """End the person's feed: its address stops working. Tell whether there was one. The caller commits."""
    serialise(db.session, f"calendar-feed:{user.id}")
    feed = feed_of(user)
    if feed is None:
        return False
    audit("event.calendar_feed_stopped", feed, actor=user)
    db.session.delete(feed)
    return True


# The feeds

def personal_ics(key, now=None):
    """The feed at the address with `key`: the events its owner is coming to (cancelled ones marked so) that are
    upcoming or ended less than 90 days ago, in the owner's language. None for no feed, or an inactive owner."""
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.key == key))
    if feed is None or not feed.user.active:
        return None
    now = now or utcnow()
    if feed.used_at is None or feed.used_at <= now - USE_NOTED_EVERY:
        feed.used_at = now  # the caller commits
    user = feed.user
    coming = sa.select(Invitation.event_id).where(
        sa.or_(Invitation.user_id == user.id, Invitation.email == user.email), Invitation.status == Status.CONFIRMED)
    events = _events(Event.id.in_(coming), Event.state.in_([EventState.PUBLISHED, EventState.CANCELLED]), now=now)
    language = supported_language(user.language) or "th"
    with in_language(language):
        name = str(PERSONAL_CALENDAR_NAME)
    return feed_ics([calendar_event(event, language, with_online_link=True) for event in events], calendar_name=name)


def public_ics(language="th", now=None):
    """The public feed: published public events, upcoming or ended less than 90 days ago; no online links."""
    events = _events(Event.state == EventState.PUBLISHED, Event.visibility == Visibility.PUBLIC, now=now or utcnow())
    with in_language(language):
        name = str(PUBLIC_CALENDAR_NAME)
    return feed_ics([calendar_event(event, language) for event in events], calendar_name=name)


def _events(*conditions, now):
    return db.session.scalars(
        sa.select(Event).where(*conditions, Event.ends_at > now - KEPT_AFTER).order_by(Event.starts_at, Event.id)
        .options(selectinload(Event.host_organisation))).all()
