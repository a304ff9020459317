"""Who may send, watch and see which alert: each rule in one place."""

from flask import abort

from portal.alerts.models import Alert
from portal.extensions import db
from portal.organisations.access import can_administer, organisations_run_by


def sending_organisations(user):
    """The organisations whose people a person may alert (those they administer, active)."""
    return organisations_run_by(user)


def may_send(user):
    """Coordinators alert the network; an active member organisation's admins alert their own people."""
    return user.is_authenticated and (user.is_admin or bool(sending_organisations(user)))


def may_watch(user, alert):
    """Coordinators watch every alert; an organisation's admins watch the alerts it sent."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return alert.organisation is not None and can_administer(user, alert.organisation)


def alert_or_abort(alert_id, user):
    """The alert and the person's row of it (or None) for a view: 404 to whoever it did not reach and may not
    watch."""
    from portal.alerts.services import recipient_of

    alert = db.get_or_404(Alert, alert_id)
    recipient = recipient_of(alert, user)
    if recipient is None and not may_watch(user, alert):
        abort(404)
    return alert, recipient
