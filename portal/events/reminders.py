"""Reminders and the host's messages: the day before, to the people coming; three days before answers close, to
the people who have not answered; and whatever the host writes to the groups they choose. Safe to run twice: each
reminder has its own key in the outbox."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.audit.services import record as audit
from portal.db import utcnow
from portal.events import emails
from portal.events.models import Event, EventState, Invitation, Status
from portal.extensions import db

DAY_BEFORE = timedelta(days=1)
BEFORE_DEADLINE = timedelta(days=3)
GROUPS = (Status.CONFIRMED, Status.MAYBE, Status.INVITED, Status.WAITING, Status.DECLINED)


def _invitees(event_ids, status):
    return db.session.scalars(sa.select(Invitation).where(Invitation.event_id.in_(event_ids),
                                                          Invitation.status == status)
                              .options(joinedload(Invitation.event)).order_by(Invitation.id)).all()


def send_reminders(now=None):
    """Queue the reminders due now; return how many people were reminded (a second run reminds nobody again)."""
    from portal.events.services import answer_token

    now = now or utcnow()
    published = sa.select(Event.id).where(Event.state == EventState.PUBLISHED)
    tomorrow = db.session.scalars(published.where(Event.starts_at > now, Event.starts_at <= now + DAY_BEFORE)).all()
    closing = db.session.scalars(published.where(Event.rsvp_deadline > now,
                                                 Event.rsvp_deadline <= now + BEFORE_DEADLINE)).all()
    reminded = 0
    for invitation in _invitees(tomorrow, Status.CONFIRMED):
        reminded += emails.remind_coming(invitation)
    for invitation in _invitees(closing, Status.INVITED):
        reminded += emails.remind_to_answer(invitation, answer_token(invitation))
    return reminded


def message(event, groups, text, by):
    """The host's message to the chosen groups (statuses) of the event's invitees; return how many it went to.
    People who have not answered get their answer links with it."""
    from portal.events.services import answer_token

    people = db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id,
                                                            Invitation.status.in_(list(groups)))
                                .order_by(Invitation.id)).all()
    for invitation in people:
        emails.send_message(invitation, text, by,
                            answer_token(invitation) if invitation.status == Status.INVITED else None)
    audit("event.messaged", event, actor=by, people=len(people), groups=",".join(status.value for status in groups))
    return len(people)
