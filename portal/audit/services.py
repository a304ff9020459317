"""Write to the audit log in the caller's transaction, and tell its events as sentences."""

from flask import current_app, has_request_context, request
from flask_login import current_user

from portal.audit import registered_actions
from portal.audit.models import AuditEvent
from portal.extensions import db

# Target types whose own row names the organisation they belong to (checked in this order).
_ORGANISATION_ATTRIBUTES = ("organisation_id", "host_organisation_id", "author_organisation_id")


def record(action, target=None, actor=None, actor_name="", organisation=None, **details):
    """Add an audit event for `action` on `target` by `actor` (default: the logged-in user) and return it.

    `actor_name` names an actor without an account (an applicant). The event's organisation is `organisation` (an
    Organisation or its id; its slug goes in the details) or else the target's: the target itself or the
    organisation it belongs to.
    """
    if target is not None and getattr(target, "id", 0) is None:
        db.session.flush()  # a new target needs its id
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if organisation is not None:
        details["organisation"] = getattr(organisation, "slug", organisation)
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_name=(actor_name or "")[:200] if actor is None else "",
        target_type=target.__class__.__name__.lower() if target is not None else "",  # a proxy (current_user) too
        target_id=getattr(target, "id", None),
        organisation_id=_organisation_of(target, organisation),
        details={key: value for key, value in details.items() if value is not None},
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event


def _organisation_of(target, organisation):
    """The id of the organisation an event concerns: the one named, else the target's, else None."""
    if organisation is not None:
        return getattr(organisation, "id", organisation)
    if target is None:
        return None
    if getattr(target, "__tablename__", None) == "organisation":
        return target.id
    for attribute in _ORGANISATION_ATTRIBUTES:
        if getattr(target, attribute, None) is not None:
            return getattr(target, attribute)
    return None


def actions_of_kind(kind):
    """The names of the registered actions of a kind."""
    return [name for name, action in registered_actions(current_app).items() if action.kind == kind]
