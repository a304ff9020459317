"""People, the audit log and undeliverable mail, for network coordinators."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import services
from portal.auth import services as accounts
from portal.auth.access import coordinator_required
from portal.auth.models import User
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.htmx import is_htmx, render, see_other
from portal.mail import services as mail
from portal.mail.models import OutboxMessage
from portal.urls import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@coordinator_required
def only_for_coordinators():
    """Every page here is a coordinator's: others get 403, visitors the login page."""


@bp.get("/people")
def people():
    """List and search people (live search with htmx)."""
    text = request.args.get("q", "").strip()[:100]
    return render("admin/people.html", "results", people=services.search_people(text, page_arg()), q=text,
                  confirm_form=ConfirmForm())


def _change_person(user_id, change):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    error = None
    try:
        change(user)
    except accounts.AccountError as refusal:
        db.session.rollback()
        error = str(refusal)
    else:
        db.session.commit()
    if is_htmx():  # the row replaces itself, with the refusal in it if there was one
        return render("admin/_person.html", person=user, error=error, confirm_form=ConfirmForm())
    if error:
        flash(error, "error")
    return redirect(url_for("admin.people"), 303)


@bp.post("/people/<int:user_id>/deactivate")
def deactivate(user_id):
    """Deactivate an account: every session of it ends."""
    return _change_person(user_id, lambda user: accounts.set_active(user, False, by=current_user))


@bp.post("/people/<int:user_id>/reactivate")
def reactivate(user_id):
    """Let a deactivated person log in again."""
    return _change_person(user_id, lambda user: accounts.set_active(user, True, by=current_user))


@bp.post("/people/<int:user_id>/make-coordinator")
def make_coordinator(user_id):
    """Give a person the coordinator role."""
    return _change_person(user_id, lambda user: accounts.set_coordinator(user, True, by=current_user))


@bp.post("/people/<int:user_id>/remove-coordinator")
def remove_coordinator(user_id):
    """End a person's coordinator role."""
    return _change_person(user_id, lambda user: accounts.set_coordinator(user, False, by=current_user))


@bp.get("/audit")
def audit():
    """Show the audit log, newest first."""
    return render("admin/audit.html", events=services.recent_audit_events(page_arg()))


@bp.get("/outbox")
def undeliverable():
    """List the messages given up or refused, newest first."""
    return render("admin/undeliverable.html", messages=mail.undeliverable_messages(page_arg()),
                  dead=mail.dead_message_count(), confirm_form=ConfirmForm())


@bp.post("/outbox/<int:message_id>/retry")
def retry_message(message_id):
    """Queue one given-up or refused message again."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    retried = mail.retry_messages(mail.UNDELIVERABLE, ids=[message.id], by=current_user)
    db.session.commit()
    if is_htmx():  # the row replaces itself, in its new state
        return render("admin/_undeliverable_message.html", message=message, confirm_form=ConfirmForm())
    if retried:
        flash(_("The message is queued again: it goes out with the next batch."), "success")
    else:
        flash(_("This message was not waiting to be sent again: nothing changed."), "error")
    return see_other(url_for("admin.undeliverable"))


@bp.post("/outbox/retry-dead")
def retry_dead():
    """Queue every given-up message again."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    retried = mail.retry_messages(by=current_user)
    db.session.commit()
    flash(_("Messages queued again: %(count)s.", count=retried), "success")
    return see_other(url_for("admin.undeliverable"))
