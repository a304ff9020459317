"""What the events domain draws on the network at a glance: the answers to the coming events the person may see."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from portal.db import utcnow
from portal.events.access import may_see
from portal.events.models import Event, EventState, Invitation, Status
from portal.extensions import db
from portal.glance import BAD, GOOD, MAYBE, NONE, ON_HOLD, STACKED, Bar, Chart, Series, labels
from portal.i18n import page_language

SHOWN, LOOKED_AT = 6, 60
# The answers, in the order they are drawn (the series of the chart).
ANSWERS = ((Status.CONFIRMED, GOOD), (Status.WAITING, ON_HOLD), (Status.MAYBE, MAYBE), (Status.DECLINED, BAD),
           (Status.INVITED, NONE))


def _coming(user):
    """The next published events the person may see, soonest first (one query)."""
    rows = db.session.execute(
        sa.select(Event, Invitation.id)
        .outerjoin(Invitation, sa.and_(Invitation.event_id == Event.id, Invitation.user_id == user.id))
        .options(joinedload(Event.host_organisation))
        .where(Event.state == EventState.PUBLISHED, Event.ends_at >= utcnow())
        .order_by(Event.starts_at, Event.id).limit(LOOKED_AT)).all()
    seen, found = set(), []
    for event, invitation_id in rows:
        if event.id not in seen and may_see(user, event, invitation_id):
            seen.add(event.id)
            found.append(event)
    return found[:SHOWN]


def charts(user):
    """Two queries whatever the numbers: the coming events the person may see, and their answers counted."""
    if not user.is_authenticated:
        return []
    events = _coming(user)
    if not events:
        return []
    counts = {}
    for event_id, status, count in db.session.execute(
            sa.select(Invitation.event_id, Invitation.status, sa.func.count())
            .where(Invitation.event_id.in_([event.id for event in events]))
            .group_by(Invitation.event_id, Invitation.status)):
        counts[(event_id, status)] = count
    language, names = page_language(), labels("rsvp_states")
    coming = sum(counts.get((event.id, Status.CONFIRMED), 0) for event in events)
    return [Chart(
        "events.answers", _("Answers to coming events"),
        [Bar(event.title_in(language), counts.get((event.id, Status.CONFIRMED), 0),
             parts=tuple(counts.get((event.id, status), 0) for status, _tone in ANSWERS)) for event in events],
        kind=STACKED, series=tuple(Series(names[status.value], tone) for status, tone in ANSWERS),
        url=url_for("events.index"), link_text=_("See the events"),
        summary=ngettext("%(num)d person coming to the next events.", "%(num)d people coming to the next events.",
                         coming),
        unit=_("People invited"), category=_("Event"))]
