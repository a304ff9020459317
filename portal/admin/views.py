"""People and the audit log, for network coordinators."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from portal.admin import services
from portal.auth import services as accounts
from portal.auth.access import coordinator_required
from portal.auth.forms import ConfirmForm
from portal.auth.models import User
from portal.extensions import db
from portal.htmx import is_htmx, render
from portal.urls import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/people")
@coordinator_required
def people():
    """List and search people (live search with htmx)."""
    text = request.args.get("q", "").strip()[:100]
    page = page_arg()
    rows, has_next = services.search_people(text, page)
    return render("admin/people.html", "results", people=rows, q=text, page=page, has_next=has_next,
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
@coordinator_required
def deactivate(user_id):
    """Deactivate an account: every session of it ends."""
    return _change_person(user_id, lambda user: accounts.set_active(user, False, by=current_user))


@bp.post("/people/<int:user_id>/reactivate")
@coordinator_required
def reactivate(user_id):
    """Let a deactivated person log in again."""
    return _change_person(user_id, lambda user: accounts.set_active(user, True, by=current_user))


@bp.post("/people/<int:user_id>/make-coordinator")
@coordinator_required
def make_coordinator(user_id):
    """Give a person the coordinator role."""
    return _change_person(user_id, lambda user: accounts.set_coordinator(user, True, by=current_user))


@bp.post("/people/<int:user_id>/remove-coordinator")
@coordinator_required
def remove_coordinator(user_id):
    """End a person's coordinator role."""
    return _change_person(user_id, lambda user: accounts.set_coordinator(user, False, by=current_user))


@bp.get("/audit")
@coordinator_required
def audit():
    """Show the audit log, newest first."""
    page = page_arg()
    events, has_next = services.recent_audit_events(page)
    return render("admin/audit.html", events=events, page=page, has_next=has_next)
