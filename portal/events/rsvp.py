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
from sqlalchemy.orm import aliased

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


def take_seat(event_id, organisation_id=None):
    """Take one seat if one is free (and, for a person of a member organisation, if the organisation has not used
    the event's seats per organisation); tell whether it was taken.

    Both limits are conditions of the one UPDATE. The count of an organisation's seats is a subquery, which
    PostgreSQL does not read again when another transaction changed the row meanwhile: every caller holds the
    event's seats lock (`serialise(..., "event-seats:<id>")`), so no two of them count at the same moment.
    """
    conditions = [Event.id == event_id, sa.or_(Event.capacity.is_(None), Event.confirmed < Event.capacity)]
    if organisation_id is not None:
        conditions.append(sa.or_(Event.seats_per_organisation.is_(None),
                                 _seats_of(event_id, organisation_id) < Event.seats_per_organisation))
    result = db.session.execute(sa.update(Event).where(*conditions).values(confirmed=Event.confirmed + 1)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _seats_of(event_id, organisation_id):
    """The seats an organisation's people hold at an event (a scalar subquery)."""
    return (sa.select(sa.func.count()).select_from(Invitation)
            .where(Invitation.event_id == event_id, Invitation.organisation_id == organisation_id,
                   Invitation.status == Status.CONFIRMED).scalar_subquery())


def organisation_is_full(event, organisation_id):
    """Whether an organisation's people hold all the seats the event gives one organisation."""
    if event.seats_per_organisation is None or organisation_id is None:
        return False
    return db.session.scalar(sa.select(_seats_of(event.id, organisation_id))) >= event.seats_per_organisation


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
        after = Status.CONFIRMED if take_seat(event.id, invitation.organisation_id) else Status.WAITING
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


def waiting_message(invitation):
    """Why a "yes" waits, and where the person stands (for the page and the mail, in the reader's language)."""
    event, place = invitation.event, waiting_place(invitation) or 1
    if event.seats_left != 0 and organisation_is_full(event, invitation.organisation_id):
        return _l("Your organisation holds all the seats one organisation may have (%(seats)d): you are number "
                  "%(place)d on the waiting list.", seats=event.seats_per_organisation, place=place)
    return _l("The event is full: you are number %(place)d on the waiting list.", place=place)


def promote(event):
    """Give free seats to the waiting list, first come first served (passing over people whose organisation holds
    all the seats it may); mail each person promoted. Return them. The caller holds the seats lock and commits."""
    promoted = []
    while True:
        waiting = sa.select(Invitation).where(Invitation.event_id == event.id, Invitation.status == Status.WAITING)
        if event.seats_per_organisation is not None:
            holding = aliased(Invitation)
            seats = (sa.select(sa.func.count()).select_from(holding)
                     .where(holding.event_id == event.id, holding.organisation_id == Invitation.organisation_id,
                            holding.status == Status.CONFIRMED).correlate(Invitation).scalar_subquery())
            waiting = waiting.where(sa.or_(Invitation.organisation_id.is_(None),
                                           seats < event.seats_per_organisation))
        first = db.session.scalar(waiting.order_by(Invitation.waiting_since, Invitation.id).limit(1))
        if first is None or not take_seat(event.id, first.organisation_id):
            return promoted
        if claim(db.session, Invitation, Invitation.id == first.id, Invitation.status == Status.WAITING,
                 status=Status.CONFIRMED, waiting_since=None):
            db.session.expire(first)
            promoted.append(first)
            emails.tell_promoted(first)
        else:
            _give_back_seat(event.id)  # left or promoted by another request meanwhile: the next one, then
