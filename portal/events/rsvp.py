"""Answers and seats: yes, maybe or no until the deadline; a "yes" takes a seat or joins the waiting list; a freed
seat goes to the first on the list.

Every rule here is one conditional statement, checked by the database at the moment it changes the row, never a
Python check of a row read earlier: a seat is taken by `UPDATE event SET confirmed = confirmed + 1 WHERE confirmed <
capacity` (a CHECK backs it), and an invitee's status moves only from the status it was read in. Two requests at the
same moment (double clicks, 50 people at once, two withdrawals) find their statements waiting for each other, and the
second sees what the first did.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.db import claim, serialise, utcnow
from portal.events import emails
from portal.events.models import Event, EventState, Invitation, Reply, Status
from portal.extensions import db

ANSWERED = {Reply.YES: None, Reply.MAYBE: Status.MAYBE, Reply.NO: Status.DECLINED}


class RsvpError(ValueError):
    """The answer cannot be given now; the message (translatable) is for the person."""


def open_for_answers(event, now=None):
    """Tell whether answers are taken: published, and before the deadline."""
    return event.state == EventState.PUBLISHED and (now or utcnow()) <= event.rsvp_deadline


def take_seat(event_id):
    """Take one seat if one is free; tell whether it was taken."""
    result = db.session.execute(
        sa.update(Event).where(Event.id == event_id,
                               sa.or_(Event.capacity.is_(None), Event.confirmed < Event.capacity))
        .values(confirmed=Event.confirmed + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _give_back_seat(event_id):
    db.session.execute(sa.update(Event).where(Event.id == event_id, Event.confirmed > 0)
                       .values(confirmed=Event.confirmed - 1).execution_options(synchronize_session=False))


def answer(invitation, reply):
    """Record an invitee's answer and return their status now: confirmed or waiting for a "yes", maybe, declined.

    Giving up a seat (no, maybe, or leaving) promotes the first on the waiting list. Raises RsvpError after the
    deadline or when the event is not open. The caller commits.
    """
    serialise(db.session, f"event-seats:{invitation.event_id}")  # SQLite: the write lock before reading, below
    event = invitation.event
    if not open_for_answers(event):
        raise RsvpError(_l("This event no longer takes answers.") if event.state == EventState.PUBLISHED
                        else _l("This event is not open for answers."))
    before = invitation.status
    now = utcnow()
    if reply == Reply.YES:
        if before in (Status.CONFIRMED, Status.WAITING):
            return before  # said already: a second click changes nothing
        after = Status.CONFIRMED if take_seat(event.id) else Status.WAITING
    else:
        after = ANSWERED[reply]
        if before == after:
            return before
    values = {"status": after, "answered_at": now, "waiting_since": now if after == Status.WAITING else None}
    if not claim(db.session, Invitation, Invitation.id == invitation.id, Invitation.status == before, **values):
        # Answered meanwhile by another request (the same link clicked twice): this one changes nothing.
        db.session.rollback()
        db.session.refresh(invitation)
        return invitation.status
    if before == Status.CONFIRMED:
        _give_back_seat(event.id)
        promote(event)
    db.session.expire(invitation)
    db.session.expire(event)
    emails.tell_answer(invitation)
    return after


def leave_waiting_list(invitation):
    """Leave the waiting list (the answer becomes "no"). The caller commits."""
    serialise(db.session, f"event-seats:{invitation.event_id}")
    if invitation.status != Status.WAITING:
        raise RsvpError(_l("You are not on the waiting list."))
    if not claim(db.session, Invitation, Invitation.id == invitation.id, Invitation.status == Status.WAITING,
                 status=Status.DECLINED, answered_at=utcnow(), waiting_since=None):
        raise RsvpError(_l("You are not on the waiting list."))
    db.session.expire(invitation)


def waiting_place(invitation):
    """The person's place on the waiting list (1 is next), or None."""
    if invitation.status != Status.WAITING:
        return None
    ahead = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.event_id == invitation.event_id, Invitation.status == Status.WAITING,
        sa.or_(Invitation.waiting_since < invitation.waiting_since,
               sa.and_(Invitation.waiting_since == invitation.waiting_since, Invitation.id < invitation.id))))
    return ahead + 1


def promote(event):
    """Give free seats to the waiting list, first come first served; mail each person promoted. Return them."""
    promoted = []
    while True:
        first = db.session.scalar(
            sa.select(Invitation).where(Invitation.event_id == event.id, Invitation.status == Status.WAITING)
            .order_by(Invitation.waiting_since, Invitation.id).limit(1))
        if first is None or not take_seat(event.id):
            return promoted
        if claim(db.session, Invitation, Invitation.id == first.id, Invitation.status == Status.WAITING,
                 status=Status.CONFIRMED, waiting_since=None):
            db.session.expire(first)
            promoted.append(first)
            emails.tell_promoted(first)
        else:
            _give_back_seat(event.id)  # left or promoted by another request meanwhile: the next one, then
