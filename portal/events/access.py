"""Who may create, manage, see and answer which event: each rule in one place."""

from flask import abort

from portal.events.models import Event, EventState, Visibility
from portal.extensions import db
from portal.organisations.access import can_administer, is_active_member, organisations_run_by
from portal.organisations.models import OrgStatus


def hosting_organisations(user):
    """The organisations a person may host events for (those they administer, active)."""
    return organisations_run_by(user)


def may_create(user):
    """Coordinators create the network's events; an active member organisation's admins create its own."""
    return user.is_authenticated and (user.is_admin or bool(hosting_organisations(user)))


def may_manage(user, event):
    """Coordinators manage every event; a host organisation's admins manage its events."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return event.host_organisation is not None and event.host_organisation.status == OrgStatus.ACTIVE and \
        can_administer(user, event.host_organisation)


def may_see(user, event, invitation=None):
    """Drafts are their managers'; a published or cancelled event is seen by whoever was invited, by members (and
    by everyone when it is public)."""
    if may_manage(user, event):
        return True
    if event.state == EventState.DRAFT:
        return False
    if invitation is not None or event.visibility == Visibility.PUBLIC:
        return True
    return user.is_authenticated and is_active_member(user)


def event_or_abort(event_id, user, manage=False):
    """The event and the person's invitation to it (or None), for a view: 404 to whoever may not see the event, and
    403 to whoever may see it but not manage it when `manage` is asked."""
    from portal.events.services import invitation_of

    event = db.get_or_404(Event, event_id)
    invitation = invitation_of(event, user)
    if not may_see(user, event, invitation):
        abort(404)
    if manage and not may_manage(user, event):
        abort(403)
    return event, invitation
