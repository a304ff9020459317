"""People, the audit log and undeliverable mail, for network coordinators."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from portal.organisations.notices import leave_notice, notice
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


# What each change says once done, and the change that undoes it (a POST, without asking again).
DONE = {
    "deactivate": (_l("%(name)s's account is deactivated: they can no longer log in."), "admin.reactivate"),
    "reactivate": (_l("%(name)s can log in again."), "admin.deactivate"),
    "make_coordinator": (_l("%(name)s is now a network coordinator."), "admin.remove_coordinator"),
    "remove_coordinator": (_l("%(name)s is no longer a network coordinator."), "admin.make_coordinator"),
}


def _row_page(user, **context):
    """A person's row alone (htmx), or the people page searched down to them, with `context` for the row."""
    context.update(confirm_form=ConfirmForm(), confirming_id=user.id)
    if is_htmx():
        return render("admin/_person.html", person=user, **context)
    return render("admin/people.html", people=services.search_people(user.email), q=user.email, **context)


def _change_person(user_id, change, done):
    """Make a change to a person; what it did, or why it was refused, is said in their row, with an undo."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    target = f"person-{user.id}"
    try:
        change(user)
    except accounts.AccountError as refusal:
        db.session.rollback()
        if not (current_user.active and current_user.is_admin):  # this page is no longer theirs: say it on the next
            flash(str(refusal), "error")
            return see_other(url_for("main.home"))
        said = notice(target, refusal, "error")
    else:
        db.session.commit()
        text, undo = DONE[done]
        said = notice(target, text % {"name": user.name or user.email}, undo=undo)
    if is_htmx():  # the row replaces itself, with what happened in it
        return _row_page(user, notice=said)
    leave_notice(said)
    return redirect(url_for("admin.people", q=user.email, _anchor=target), 303)


@bp.get("/people/<int:user_id>")
def person(user_id):
    """A person's row as shown (htmx: cancel a change), or the people page searched down to them."""
    return _row_page(db.get_or_404(User, user_id), cancelled=is_htmx())


@bp.get("/people/<int:user_id>/confirm-deactivation")
def confirm_deactivate(user_id):
    """Ask before deactivating an account: the row asks (htmx), or the page with that row asking."""
    return _row_page(db.get_or_404(User, user_id), confirming="deactivate")


@bp.get("/people/<int:user_id>/confirm-coordinator")
def confirm_make_coordinator(user_id):
    """Ask before giving the coordinator role: the row asks (htmx), or the page with that row asking."""
    return _row_page(db.get_or_404(User, user_id), confirming="make_coordinator")


@bp.post("/people/<int:user_id>/deactivate")
def deactivate(user_id):
    """Deactivate an account: every session of it ends."""
    return _change_person(user_id, lambda user: accounts.set_active(user, False, by=current_user), "deactivate")


@bp.post("/people/<int:user_id>/reactivate")
def reactivate(user_id):
    """Let a deactivated person log in again."""
    return _change_person(user_id, lambda user: accounts.set_active(user, True, by=current_user), "reactivate")


@bp.post("/people/<int:user_id>/make-coordinator")
def make_coordinator(user_id):
    """Give a person the coordinator role."""
    return _change_person(user_id, lambda user: accounts.set_coordinator(user, True, by=current_user),
                          "make_coordinator")


@bp.post("/people/<int:user_id>/remove-coordinator")
def remove_coordinator(user_id):
    """End a person's coordinator role."""
    return _change_person(user_id, lambda user: accounts.set_coordinator(user, False, by=current_user),
                          "remove_coordinator")


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
