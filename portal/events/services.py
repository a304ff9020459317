"""Events as their hosts make them: drafts, publishing, changes that reach everyone, cancelling; and inviting people
(members chosen by hand, whole organisations, guests by address)."""


import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.services import normalise_email
from portal.db import utcnow
from portal.events import emails
from portal.events.models import Event, EventState, Invitation, Status
from portal.extensions import db
from portal.organisations.models import Membership, Organisation, OrgStatus
from portal.tokens import TokenError, make_token, read_token

FIELDS = ("title_th", "title_en", "description_th", "description_en", "starts_at", "ends_at", "place", "map_url",
          "online_url", "capacity", "rsvp_deadline", "visibility")
CHANGES_TO_MAIL = ("starts_at", "ends_at", "place", "map_url", "online_url")  # what attendees must hear of
ANSWER_LINK_MAX_AGE = 400 * 24 * 3600  # the deadline is the real limit: a link works until the event's deadline


class EventError(ValueError):
    """A rule about events was broken; the message (translatable) is for the user."""


def create(values, by, host=None):
    """A new draft event of the network (host None) or of a member organisation."""
    event = Event(host_organisation=host, created_by=by, **values)
    db.session.add(event)
    db.session.flush()
    audit("event.created", event, actor=by)
    return event


def update(event, values, by):
    """Change an event; when it is published and its time or place changed, every invitee who has not said no is
    mailed the change with an updated calendar entry. Return whether they were."""
    if event.state == EventState.CANCELLED:
        raise EventError(_l("A cancelled event cannot be changed."))
    changed = [name for name in FIELDS if name in values and getattr(event, name) != values[name]]
    for name in changed:
        setattr(event, name, values[name])
    if event.capacity is not None and event.capacity < event.confirmed:
        raise EventError(_l("%(count)d people are already coming: the capacity cannot be lower.",
                            count=event.confirmed))
    mailed = event.state == EventState.PUBLISHED and any(name in CHANGES_TO_MAIL for name in changed)
    if mailed:
        event.sequence += 1
        db.session.flush()
        emails.tell_changed(event, _still_involved(event))
    if changed:
        audit("event.updated", event, actor=by, fields=",".join(changed))
    return mailed


def publish(event, by):
    """Publish a draft: it can then be seen and answered, and people can be invited."""
    if event.state != EventState.DRAFT:
        raise EventError(_l("Only a draft can be published."))
    if event.rsvp_deadline > event.ends_at:
        raise EventError(_l("The answer deadline must come before the event ends."))
    event.state = EventState.PUBLISHED
    audit("event.published", event, actor=by)


def cancel(event, by):
    """Cancel an event for good: everyone invited is told, with a calendar entry that removes it."""
    if event.state == EventState.CANCELLED:
        raise EventError(_l("This event is already cancelled."))
    was_published = event.state == EventState.PUBLISHED
    event.state = EventState.CANCELLED
    event.sequence += 1
    db.session.flush()
    if was_published:
        emails.tell_cancelled(event, db.session.scalars(
            sa.select(Invitation).where(Invitation.event_id == event.id)).all())
    audit("event.cancelled", event, actor=by)


def _still_involved(event):
    return db.session.scalars(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.status != Status.DECLINED).order_by(Invitation.id)).all()


# Invitations

def invite(event, by, user_ids=(), organisation_ids=(), guests=()):
    """Invite members chosen by hand, every active person of chosen organisations, and guests by address (pairs of
    address and name). Nobody is invited twice to one event. Return the invitations made."""
    if event.state != EventState.PUBLISHED:
        raise EventError(_l("Publish the event before inviting people."))
    people = db.session.execute(
        sa.select(User, Membership.organisation_id).join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(User.active, Organisation.status == OrgStatus.ACTIVE,
               sa.or_(User.id.in_(list(user_ids)), Membership.organisation_id.in_(list(organisation_ids))))
        .order_by(User.id)).all()
    wanted = {}
    for user, organisation_id in people:
        wanted.setdefault(user.email, (user, organisation_id))
    for address, name in guests:
        address = normalise_email(address)
        if address and address not in wanted:
            known = db.session.scalar(sa.select(User).where(User.email == address))
            wanted[address] = (known, None) if known else (name, None)
    already = set(db.session.scalars(sa.select(Invitation.email).where(Invitation.event_id == event.id,
                                                                       Invitation.email.in_(list(wanted)))))
    made = []
    for address, (who, organisation_id) in wanted.items():
        if address in already:
            continue
        member = who if isinstance(who, User) else None
        invitation = Invitation(event=event, email=address, user=member, organisation_id=organisation_id,
                                name=member.name if member else (who or ""), invited_by_id=by.id,
                                language=(member.language if member else None) or "th")
        db.session.add(invitation)
        made.append(invitation)
    db.session.flush()
    for invitation in made:
        emails.send_invitation(invitation, answer_token(invitation))
    if made:
        audit("event.invited", event, actor=by, people=len(made))
    return made


def invitation_of(event, user):
    """The person's invitation to the event, or None."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.event_id == event.id, sa.or_(Invitation.user_id == user.id, Invitation.email == user.email)))


def join(event, user):
    """A member answering an event they were not invited to (a members' or public event): their invitation."""
    invitation = invitation_of(event, user)
    if invitation is None:
        membership = user.memberships[0] if user.memberships else None
        invitation = Invitation(event=event, email=user.email, user=user, name=user.name,
                                organisation_id=membership.organisation_id if membership else None,
                                language=user.language or "th")
        db.session.add(invitation)
        db.session.flush()
    return invitation


def answer_token(invitation):
    """The signed token of an invitee's answer links (reusable, so an answer can change until the deadline)."""
    return make_token("event-answer", {"i": invitation.id, "e": invitation.event_id})


def invitation_for_token(token):
    """The invitation an answer link is for; raises TokenError when the link is broken, foreign or stale."""
    data = read_token("event-answer", token, ANSWER_LINK_MAX_AGE)
    invitation = db.session.get(Invitation, data.get("i")) if isinstance(data.get("i"), int) else None
    if invitation is None or invitation.event_id != data.get("e"):
        raise TokenError()
    return invitation


def upcoming(now=None):
    """Published events that have not ended, soonest first (the list of every member)."""
    now = now or utcnow()
    return db.session.scalars(sa.select(Event).where(Event.state == EventState.PUBLISHED, Event.ends_at >= now)
                              .order_by(Event.starts_at)).all()


def attended(user, now=None, limit=20):
    """The events a person came to (checked in) or was coming to, that have ended, latest first."""
    return db.session.scalars(
        sa.select(Event).join(Invitation, Invitation.event_id == Event.id)
        .where(Invitation.user_id == user.id, Event.state == EventState.PUBLISHED, Event.ends_at < (now or utcnow()),
               sa.or_(Invitation.checked_in_at.is_not(None), Invitation.status == Status.CONFIRMED))
        .order_by(Event.starts_at.desc()).limit(limit)).all()

