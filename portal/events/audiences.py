"""Inviting a wider audience: everyone in the network, or its regions or sectors. The network's events do it at once;
a member organisation's event asks a coordinator first (one queue), who approves (the invitations go) or declines
with a reason; the requester is told either way."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.audit.services import record as audit
from portal.db import claim, utcnow
from portal.events.models import AudienceRequest, EventState, RequestState
from portal.extensions import db
from portal.mail.services import mail_url, queue_notice_to
from portal.organisations.audiences import describe, organisations_in


class AudienceError(ValueError):
    """The request cannot be made or decided now; the message (translatable) is for the user."""


def needs_approval(event, user):
    """A member organisation's event needs a coordinator to approve a network-wide audience (coordinators don't)."""
    return not user.is_admin


def invite_audience(event, by, regions=(), sectors=()):
    """Invite the audience now (coordinators), or ask a coordinator (a member organisation's admins). Return the
    number invited, or the request waiting."""
    from portal.events.services import invite

    if event.state != EventState.PUBLISHED:
        raise AudienceError(_l("Publish the event before inviting people."))
    if not needs_approval(event, by):
        return invite(event, by=by, organisation_ids=organisations_in(regions, sectors))
    request = AudienceRequest(event=event, requested_by=by, regions=list(regions), sectors=list(sectors))
    db.session.add(request)
    db.session.flush()
    audit("event.audience_requested", event, actor=by, audience=describe(regions, sectors))
    return request


def pending(limit=200):
    """The requests waiting for a coordinator, oldest first."""
    return db.session.scalars(sa.select(AudienceRequest).where(AudienceRequest.state == RequestState.PENDING)
                              .order_by(AudienceRequest.created_at).limit(limit)).all()


def decide(request, approve, by, note=""):
    """Approve (the invitations go now) or decline (with a reason) a waiting request; the requester is told.
    Of two coordinators deciding at once, one does."""
    from portal.events.services import invite

    if not approve and not note.strip():
        raise AudienceError(_l("Say why, for the organisation that asked."))
    state = RequestState.APPROVED if approve else RequestState.DECLINED
    if not claim(db.session, AudienceRequest, AudienceRequest.id == request.id,
                 AudienceRequest.state == RequestState.PENDING, state=state, decided_by_id=by.id,
                 decided_at=utcnow(), note=note.strip()):
        raise AudienceError(_l("Another coordinator has decided on this request already."))
    db.session.expire(request)
    event = request.event
    made = 0
    if approve and event.state == EventState.PUBLISHED:
        made = invite(event, by=by, organisation_ids=organisations_in(request.regions, request.sectors))
    audit(f"event.audience_{state.value}", event, actor=by, people=made)
    if request.requested_by is not None:
        title = event.title_in(request.requested_by.language)
        link = mail_url("events.show", event_id=event.id)
        if approve:
            queue_notice_to(request.requested_by, f"event-audience-{request.id}", _l(
                "Approved: invitations to %(title)s", title=title),
                [_l("A coordinator approved your request: %(count)d people have been invited.", count=made)],
                link=link, link_label=_l("Open the event"), kind="event-answers")
        else:
            queue_notice_to(request.requested_by, f"event-audience-{request.id}", _l(
                "Not approved: invitations to %(title)s", title=title),
                [_l("A coordinator did not approve inviting this audience. Their reason:")], quote=request.note,
                link=link, link_label=_l("Open the event"), kind="event-answers")
    return made
