"""Events as their hosts make them: drafts, publishing, changes that reach everyone, cancelling; and inviting people
(members chosen by hand, whole organisations, guests by address)."""


import sqlalchemy as sa
import sqlalchemy.orm
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.services import normalise_email
from portal.db import claim, serialise, utcnow
from portal.events import emails, rsvp
from portal.events.models import Event, EventState, Invitation, Status
from portal.extensions import db
from portal.organisations.models import Membership, Organisation, OrgStatus
from portal.tokens import TokenError, make_token, read_token

FIELDS = ("title_th", "title_en", "description_th", "description_en", "starts_at", "ends_at", "place", "map_url",
          "online_url", "capacity", "seats_per_organisation", "rsvp_deadline", "visibility")
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
        raise EventError(lazy_ngettext("%(num)d person is already coming: the capacity cannot be lower.",
                                       "%(num)d people are already coming: the capacity cannot be lower.",
                                       event.confirmed))
    if event.state == EventState.PUBLISHED and {"capacity", "seats_per_organisation"} & set(changed):
        db.session.flush()
        serialise(db.session, f"event-seats:{event.id}")
        rsvp.promote(event)  # more seats (or more per organisation): the waiting list moves up
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

MAIL_AT_ONCE = 100  # a larger invitation is mailed by the worker, after the request has answered
MAIL_BATCH = 200


def invite(event, by, user_ids=(), organisation_ids=(), guests=()):
    """Invite members chosen by hand, every active person of chosen organisations, and guests by address (pairs of
    address and name). Nobody is invited twice to one event (the database refuses a second row for an address).

    The rows go in with one INSERT; up to MAIL_AT_ONCE invitations are mailed now, more by the worker
    (`mail_waiting_invitations`), so that inviting ten thousand answers at once. Return how many were invited."""
    if event.state != EventState.PUBLISHED:
        raise EventError(_l("Publish the event before inviting people."))
    rows = {}
    people = db.session.execute(
        sa.select(User.id, User.email, User.name, User.language, Membership.organisation_id)
        .join(Membership, Membership.user_id == User.id).join(Organisation, Organisation.id == Membership.organisation_id)
        .where(User.active, Organisation.status == OrgStatus.ACTIVE,
               sa.or_(User.id.in_(list(user_ids)), Membership.organisation_id.in_(list(organisation_ids))))
        .order_by(User.id, Membership.id))
    for user_id, email, name, language, organisation_id in people:
        rows.setdefault(email, {"user_id": user_id, "name": name or "", "language": language or "th",
                                "organisation_id": organisation_id})
    for address, name in guests:
        address = normalise_email(address)
        if address and address not in rows:
            known = db.session.execute(sa.select(User.id, User.name, User.language).where(User.email == address)).first()
            rows[address] = {"user_id": known.id, "name": known.name or name, "language": known.language or "th",
                             "organisation_id": None} if known else \
                {"user_id": None, "name": name or "", "language": "th", "organisation_id": None}
    already = set(db.session.scalars(sa.select(Invitation.email).where(Invitation.event_id == event.id)))
    now = utcnow()
    fresh = [{"event_id": event.id, "email": address, "invited_by_id": by.id, "status": Status.INVITED,
              "created_at": now, **values} for address, values in rows.items() if address not in already]
    if not fresh:
        return 0
    insert = (sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else postgresql_insert)(Invitation)
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["event_id", "email"]), fresh)
    if len(fresh) <= MAIL_AT_ONCE:
        for invitation in db.session.scalars(sa.select(Invitation).where(
                Invitation.event_id == event.id, Invitation.mailed_at.is_(None),
                Invitation.email.in_([row["email"] for row in fresh])).order_by(Invitation.id)):
            _mail_invitation(invitation)
    audit("event.invited", event, actor=by, people=len(fresh))
    return len(fresh)


def _mail_invitation(invitation):
    """Queue one invitation's mail, once (of two workers, the one that marks it mails it)."""
    if claim(db.session, Invitation, Invitation.id == invitation.id, Invitation.mailed_at.is_(None),
             mailed_at=utcnow()):
        emails.send_invitation(invitation, answer_token(invitation))
        return 1
    return 0


def mail_waiting_invitations(batch=MAIL_BATCH):
    """The worker's job: mail a batch of invitations made by a large invite (published events only); commit."""
    waiting = db.session.scalars(
        sa.select(Invitation).join(Event, Event.id == Invitation.event_id)
        .where(Invitation.mailed_at.is_(None), Event.state == EventState.PUBLISHED)
        .order_by(Invitation.id).limit(batch).options(sa.orm.joinedload(Invitation.event))).all()
    done = sum(_mail_invitation(invitation) for invitation in waiting)
    db.session.commit()
    return done


def mailing_progress(event):
    """(mailed, invited) for an event: the host's page shows it while a large invitation goes out."""
    mailed, total = db.session.execute(
        sa.select(sa.func.count(Invitation.mailed_at), sa.func.count()).where(Invitation.event_id == event.id)).one()
    return mailed, total


def invitees(event):
    """The query of an event's invitees as its hosts list them: coming first, the waiting list in its order, with
    their organisations (the page and the CSV)."""
    return sa.select(Invitation).where(Invitation.event_id == event.id).order_by(
        Invitation.status, Invitation.waiting_since, Invitation.id).options(sa.orm.joinedload(Invitation.organisation))


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
                                language=user.language or "th", mailed_at=utcnow())  # answering: no invitation
        db.session.add(invitation)
        db.session.flush()
    return invitation


def token_of(purpose, invitation):
    """A signed token for one invitee of one event, for a purpose (their answer links, their check-in code)."""
    return make_token(purpose, {"i": invitation.id, "e": invitation.event_id})


def invitation_of_token(purpose, token, max_age):
    """The invitation a token of this purpose is for; raises TokenError when it is broken, foreign or stale."""
    data = read_token(purpose, token, max_age)
    invitation = db.session.get(Invitation, data.get("i")) if isinstance(data.get("i"), int) else None
    if invitation is None or invitation.event_id != data.get("e"):
        raise TokenError()
    return invitation


def answer_token(invitation):
    """The signed token of an invitee's answer links (reusable, so an answer can change until the deadline)."""
    return token_of("event-answer", invitation)


def invitation_for_token(token):
    """The invitation an answer link is for; raises TokenError when the link is broken, foreign or stale."""
    return invitation_of_token("event-answer", token, ANSWER_LINK_MAX_AGE)


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

