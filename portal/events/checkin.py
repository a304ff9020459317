"""Check-in on the day: the attendees at the door, one tap to check a person in (and to undo it), walk-ins, the
counts, and the QR code of each confirmation mail that opens the attendee's record for the event's hosts.

A check-in is one conditional UPDATE (`checked_in_at` from empty to now, and back), so two hosts tapping the same
person at once leave one check-in time. A walk-in takes a seat with the seat rule of the answers
(`portal.events.rsvp`): the capacity holds at the door too.
"""

import io
import secrets

import segno
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.services import normalise_email
from portal.db import LIKE_ESCAPE, claim, contains_pattern, serialise, utcnow
from portal.events.models import EventState, Invitation, Status
from portal.events.rsvp import take_seat
from portal.events.services import invitation_of_token, token_of
from portal.extensions import db
from portal.mail.services import mail_url
from portal.organisations.models import Organisation, thai_sort_key

CHECKIN_LINK_MAX_AGE = 400 * 24 * 3600  # the event's day is the real limit; the link only opens a page for its hosts
QR_SIZE = 240  # pixels, about
QR_BORDER = 2  # modules of quiet zone
# A walk-in who gives no address is stored under one that cannot receive mail (RFC 2606 reserves .invalid): an
# invitation's address is required and unique within its event.
NO_ADDRESS_DOMAIN = "walk-in.invalid"
FULL = _l("The event is full: raise its capacity to admit more people.")


class CheckInError(ValueError):
    """The person cannot be checked in now; the message (translatable) is for the host."""


def open_for_checkin(event):
    """Tell whether people can be checked in: only at a published event (not a draft, not a cancelled one)."""
    return event.state == EventState.PUBLISHED


def _require_open(event):
    if not open_for_checkin(event):
        raise CheckInError(_l("Check-in is only for a published event."))


def has_address(invitation):
    """Tell whether the invitation has a real address (a walk-in may have none)."""
    return not invitation.email.endswith("@" + NO_ADDRESS_DOMAIN)


def attendees(event, query=""):
    """The confirmed people (walk-ins included) whose name, address or organisation's Thai or English name holds
    `query` (any letter case), sorted by name as a Thai reader sorts; one query, organisations and people joined."""
    statement = (sa.select(Invitation).outerjoin(Invitation.organisation).outerjoin(Invitation.user)
                 .where(Invitation.event_id == event.id, Invitation.status == Status.CONFIRMED)
                 .options(contains_eager(Invitation.organisation), contains_eager(Invitation.user)))
    query = (query or "").strip()
    if query:
        pattern = contains_pattern(query)
        statement = statement.where(sa.or_(*(column.ilike(pattern, escape=LIKE_ESCAPE) for column in (
            Invitation.name, Invitation.email, User.name, Organisation.name_th, Organisation.name_en))))
    people = db.session.scalars(statement).all()
    return sorted(people, key=lambda person: (thai_sort_key(person.display_name.lower()), person.id))


def counts(event):
    """(checked in, confirmed) of the event."""
    checked, confirmed = db.session.execute(
        sa.select(sa.func.count(Invitation.checked_in_at), sa.func.count())
        .where(Invitation.event_id == event.id, Invitation.status == Status.CONFIRMED)).one()
    return checked, confirmed


def check_in(invitation, by):
    """Check a confirmed person in; tell whether this call did (False: they were checked in already).

    Raises CheckInError when the event is not open or the person has no confirmed seat. The caller commits."""
    _require_open(invitation.event)
    checked = claim(db.session, Invitation, Invitation.id == invitation.id, Invitation.status == Status.CONFIRMED,
                    Invitation.checked_in_at.is_(None), checked_in_at=utcnow())
    db.session.refresh(invitation)
    if checked:
        audit("event.checked_in", invitation.event, actor=by, invitation=invitation.id)
    elif invitation.status != Status.CONFIRMED:
        raise CheckInError(_l("%(name)s has no confirmed seat: admit them with the walk-in form.",
                              name=invitation.display_name))
    return checked


def undo_check_in(invitation, by):
    """Undo a check-in (a tap on the wrong person); tell whether this call did. The caller commits."""
    _require_open(invitation.event)
    undone = claim(db.session, Invitation, Invitation.id == invitation.id, Invitation.checked_in_at.is_not(None),
                   checked_in_at=None)
    db.session.refresh(invitation)
    if undone:
        audit("event.check_in_undone", invitation.event, actor=by, invitation=invitation.id)
    return undone


def walk_in(event, name, email, by):
    """Admit a person at the door: a new confirmed invitation that takes a seat and is checked in at once, or, for an
    address already invited, that invitation checked in (confirmed first, with a seat, if it was not). Return it.

    Raises CheckInError when the event is full or not open. The caller commits."""
    _require_open(event)
    serialise(db.session, f"event-seats:{event.id}")  # the lock of the seats, as answers take it (rsvp.answer)
    address = normalise_email(email) if email else ""
    invitation = db.session.scalar(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.email == address)) if address else None
    if invitation is not None:
        _confirm(invitation, by)
        check_in(invitation, by)
        return invitation
    if not take_seat(event.id):
        raise CheckInError(FULL)
    person = db.session.scalar(sa.select(User).where(User.email == address)) if address else None
    invitation = Invitation(
        event_id=event.id, email=address or f"{secrets.token_hex(8)}@{NO_ADDRESS_DOMAIN}", user=person,
        name=name or (person.name if person else ""), status=Status.CONFIRMED, answered_at=utcnow(),
        organisation_id=person.memberships[0].organisation_id if person and person.memberships else None,
        language=(person.language if person else None) or "th", invited_by_id=by.id,
        mailed_at=utcnow())  # at the door: no invitation mail to send
    db.session.add(invitation)
    db.session.flush()
    db.session.expire(event)
    audit("event.walked_in", event, actor=by, invitation=invitation.id)
    check_in(invitation, by)
    return invitation


def _confirm(invitation, by):
    """Give an invited person who is not confirmed a seat, if one is free (under the seats' lock)."""
    before = invitation.status
    if before == Status.CONFIRMED:
        return
    if not take_seat(invitation.event_id):
        raise CheckInError(FULL)
    if not claim(db.session, Invitation, Invitation.id == invitation.id, Invitation.status == before,
                 status=Status.CONFIRMED, answered_at=utcnow(), waiting_since=None):
        db.session.rollback()  # the seat taken above goes back with it
        raise CheckInError(_l("This person's answer changed meanwhile: try again."))
    db.session.expire(invitation)
    db.session.expire(invitation.event)
    audit("event.walked_in", invitation.event, actor=by, invitation=invitation.id, was=before.value)


# The QR code of the confirmation mail

def checkin_token(invitation):
    """The signed token of an attendee's check-in record (what the QR code in their confirmation mail holds)."""
    return token_of("event-checkin", invitation)


def invitation_for_checkin_token(token):
    """The invitation a check-in token is for; raises TokenError when it is broken, foreign or stale."""
    return invitation_of_token("event-checkin", token, CHECKIN_LINK_MAX_AGE)


def checkin_link(invitation):
    """The absolute link of an attendee's check-in record, for their confirmation mail (and its QR code)."""
    return mail_url("checkin.record", token=checkin_token(invitation))


def qr_png(url):
    """A QR code of `url` as PNG bytes, about 240 pixels wide with a quiet zone of two modules."""
    code = segno.make(url, error="m", micro=False)
    width = code.symbol_size(scale=1, border=QR_BORDER)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(1, round(QR_SIZE / width)), border=QR_BORDER)
    return buffer.getvalue()
