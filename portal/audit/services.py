"""Write to the audit log in the caller's transaction."""

from flask import has_request_context, request
from flask_login import current_user

from portal.audit.models import AuditEvent
from portal.extensions import db


def record(action, target=None, actor=None, **details):
    """Add an audit event for `action` on `target` by `actor` (default: the logged-in user) and return it."""
    if target is not None and getattr(target, "id", 0) is None:
        db.session.flush()  # a new target needs its id
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        actor=actor,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        details={key: value for key, value in details.items() if value is not None},
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event
