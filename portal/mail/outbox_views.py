"""Undeliverable mail, for network coordinators: what the portal could not deliver, and a way to send it again."""

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db, login_manager
from portal.forms import PortalForm
from portal.htmx import is_htmx, render, see_other
from portal.mail import services
from portal.mail.models import OutboxMessage
from portal.urls import page_arg

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@bp.before_request
def only_for_coordinators():
    """Let only network coordinators in: others get 403, visitors the login page."""
    # The rule of portal.auth.access.coordinator_required, which mail (a lower layer than auth) does not import.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


@bp.get("")
def undeliverable():
    """List the messages given up or refused, newest first."""
    page = page_arg()
    messages, has_next = services.undeliverable_messages(page)
    return render("mail/outbox/undeliverable.html", messages=messages, page=page, has_next=has_next,
                  dead=services.dead_message_count())


@bp.post("/<int:message_id>/retry")
def retry(message_id):
    """Queue one given-up or refused message again."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not PortalForm().validate_on_submit():
        abort(400)
    retried = services.retry_messages(services.UNDELIVERABLE, ids=[message.id], by=current_user)
    db.session.commit()
    if is_htmx():  # the row replaces itself, in its new state
        return render("mail/outbox/_message.html", message=message)
    if retried:
        flash(_("The message is queued again: it goes out with the next batch."), "success")
    else:
        flash(_("This message was not waiting to be sent again: nothing changed."), "error")
    return see_other(url_for("outbox.undeliverable"))


@bp.post("/retry-dead")
def retry_dead():
    """Queue every given-up message again."""
    if not PortalForm().validate_on_submit():
        abort(400)
    retried = services.retry_messages(by=current_user)
    db.session.commit()
    flash(_("Messages queued again: %(count)s.", count=retried), "success")
    return see_other(url_for("outbox.undeliverable"))
