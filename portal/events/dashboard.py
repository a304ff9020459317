"""What the events domain puts on the dashboard: invitations to answer, wide invitations waiting for a coordinator,
the person's events of the coming month and answer deadlines, and events published lately."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from portal.dashboard import COMING, LATELY, NOW, Item
from portal.db import UTCDateTime, utcnow
from portal.events.access import may_see
from portal.events.models import AudienceRequest, Event, EventState, Invitation, RequestState, Status
from portal.extensions import db
from portal.i18n import page_language

AHEAD_DAYS, LATELY_DAYS = 31, 30


def waiting(user):
    """One query (two for coordinators): the person's invitations to answer, with the nearest deadline; wide
    invitations waiting for a coordinator's approval, with the oldest's time."""
    if not user.is_authenticated:
        return []
    now = utcnow()
    count, due = db.session.execute(
        sa.select(sa.func.count(), sa.type_coerce(sa.func.min(Event.rsvp_deadline), UTCDateTime()))
        .select_from(Invitation).join(Event, Event.id == Invitation.event_id)
        .where(*_open_to_answer(user, now))).one()
    found = [Item(NOW, _("event invitations to answer"), url_for("events.index"), count, due, "events.to_answer",
                  due=True)]
    if user.is_admin:
        count, oldest = db.session.execute(
            sa.select(sa.func.count(), sa.type_coerce(sa.func.min(AudienceRequest.created_at), UTCDateTime()))
            .where(AudienceRequest.state == RequestState.PENDING)).one()
        found.append(Item(NOW, _("wide event invitations waiting for approval"), url_for("events.approvals"),
                          count, oldest, "events.approvals"))
    return found


def _open_to_answer(user, now):
    return (Invitation.user_id == user.id, Invitation.status == Status.INVITED, Event.state == EventState.PUBLISHED,
            Event.ends_at >= now, Event.rsvp_deadline >= now)


def items(user):
    """Two queries, whatever the number of events and invitations: the person's events of the coming month and the
    deadlines of those they have not answered; the events published lately."""
    if not user.is_authenticated:
        return []
    now, language = utcnow(), page_language()
    found = []
    mine = db.session.execute(
        sa.select(Event, Invitation.status).join(Invitation, Invitation.event_id == Event.id)
        .where(Invitation.user_id == user.id, Event.state == EventState.PUBLISHED, Event.ends_at >= now,
               Event.starts_at <= now + timedelta(days=AHEAD_DAYS))
        .order_by(Event.starts_at)).all()
    to_answer = [event for event, status in mine if status == Status.INVITED and event.rsvp_deadline >= now]
    for event, status in mine:
        if status == Status.CONFIRMED:
            found.append(Item(COMING, event.title_in(language), url_for("events.show", event_id=event.id),
                              when=event.starts_at, kind="events.coming"))
    for event in to_answer:
        found.append(Item(COMING, _("Answers close: %(title)s", title=event.title_in(language)),
                          url_for("events.show", event_id=event.id), when=event.rsvp_deadline,
                          kind="events.deadline"))
    published = db.session.scalars(
        sa.select(Event).where(Event.state == EventState.PUBLISHED, Event.starts_at >= now,
                               Event.created_at >= now - timedelta(days=LATELY_DAYS))
        .options(joinedload(Event.host_organisation)).order_by(Event.created_at.desc()).limit(10)).all()
    for event in [e for e in published if may_see(user, e)][:5]:
        found.append(Item(LATELY, _("New event: %(title)s", title=event.title_in(language)),
                          url_for("events.show", event_id=event.id), when=event.created_at, kind="events.new"))
    return found

