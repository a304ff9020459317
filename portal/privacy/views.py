"""The privacy notice, My data, leaving the network (deleting one's account), erasing a former colleague."""

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

# A wrong password counts in the same budgets as the login form's, like the password asked again before signing.
from portal.auth.limits import password_confirmed, refusal
from portal.db import utcnow
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.htmx import render, see_other
from portal.privacy import export, services
from portal.privacy.forms import LeaveForm, PasswordAgainForm
from portal.urls import safe_next

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def notice():
    """Show the privacy notice, in the page's language."""
    return render("privacy/notice.html", form=ConfirmForm(formdata=None), next=request.args.get("next", ""))


@bp.post("/privacy/accept")
@login_required
def accept():
    """Record that the person read and accepted the current notice."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.accept_notice(current_user._get_current_object())
    db.session.commit()
    flash(_("Thank you: your acceptance of the privacy notice has been recorded."), "success")
    return see_other(safe_next(request.form.get("next"), "auth.account"))


@bp.get("/account/my-data")
@login_required
def my_data():
    """Download everything the portal holds about the person, as a zip of JSON and CSV files."""
    now = utcnow()
    data = export.zip_of(current_user, now)
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="my-data-{now:%Y%m%d}.zip"', "Cache-Control": "no-store"})


@bp.get("/account/leave")
@login_required
def leave():
    """Ask first: what deleting the account removes, what stays, and the password."""
    return _leave_page(LeaveForm(formdata=None))


def _leave_page(form, status=200):
    return render("privacy/leave.html", form=form, refusal=services.why_not_leave(current_user), status=status)


@bp.post("/account/leave")
@login_required
def delete_account():
    """Delete (anonymise) the person's own account, then log them out."""
    form = LeaveForm()
    if not (form.validate_on_submit() and password_confirmed(current_user, form.password)):
        return refusal(_leave_page(form, 422))
    try:
        services.erase_own_account(current_user._get_current_object())
    except services.PrivacyError as error:
        form.password.errors.append(str(error))
        return _leave_page(form, 422)
    db.session.commit()
    logout_user()
    flash(_("Your account has been deleted. Thank you for taking part in the network."), "success")
    return see_other(url_for("main.home"))


def _colleague(colleague_id):
    membership = services.membership_or_none(colleague_id)
    if membership is None:
        abort(404)
    if not services.may_erase_colleague(current_user, membership):
        abort(403)
    return membership


@bp.route("/privacy/colleagues/<int:colleague_id>/erase", methods=["GET", "POST"])
@login_required
def erase_colleague(colleague_id):
    """Ask an organisation admin to confirm (GET), then take the former colleague out of the organisation and delete
    their personal data (POST). `colleague_id`: the colleague's membership."""
    membership = _colleague(colleague_id)
    organisation = membership.organisation
    form = PasswordAgainForm(formdata=None if request.method == "GET" else request.form)
    if request.method == "POST" and form.validate() and password_confirmed(current_user, form.password):
        services.erase_colleague(membership, current_user._get_current_object())
        db.session.commit()
        flash(_("The former colleague's account has been deleted."), "success")
        return see_other(url_for("organisations.profile", slug=organisation.slug, _anchor="people"))
    return refusal(render("privacy/erase_colleague.html", membership=membership, form=form,
                          status=422 if form.errors else 200))
