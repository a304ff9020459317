"""Applying to join (public) and the approval queue (coordinators)."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.applications import services
from portal.applications.forms import ApplicationForm, DecisionForm, ReplyForm
from portal.applications.models import Application, ApplicationStatus
from portal.auth.access import coordinator_required
from portal.extensions import db, limiter
from portal.forms import ConfirmForm
from portal.htmx import render, see_other
from portal.organisations.models import Region, Sector
from portal.tokens import TokenError
from portal.urls import enum_arg, page_arg
from portal.web import invalid_link

bp = Blueprint("applications", __name__)


def _invalid_application_link(error):
    return invalid_link(error, forward=(_l("Apply again"), url_for("applications.apply")))


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["APPLICATION_RATE_LIMIT"], methods=["POST"], scope="apply-ip")
def apply():
    """The public application form."""
    form = ApplicationForm()
    if form.validate_on_submit():
        if not form.is_bot:  # a bot gets the same answer as a person, and nothing is saved
            services.submit_application(str(get_locale()), **form.application_fields())
            db.session.commit()
        return redirect(url_for("applications.application_sent"), 303)
    return render("applications/apply.html", form=form, status=422 if form.errors else 200)


@bp.get("/apply/sent")
def application_sent():
    """Ask the applicant to confirm their address."""
    return render("applications/application_sent.html")


@bp.route("/apply/confirm/<token>", methods=["GET", "POST"])
def confirm_application(token):
    """Confirm the applicant's address from the mailed link (GET shows a button; POST confirms)."""
    try:
        application = services.application_to_confirm(token)
    except TokenError as error:
        return _invalid_application_link(error)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_application(application)
        except TokenError as error:  # confirmed meanwhile, by the same link followed twice at once
            return _invalid_application_link(error)
        db.session.commit()
        return redirect(url_for("applications.application_status", token=services.status_token(application)), 303)
    return render("applications/confirm_application.html", form=form, application=application)


def _status_page(token):
    try:
        return services.application_for_status_link(token)
    except TokenError as error:
        abort(_invalid_application_link(error))


@bp.get("/apply/status/<token>")
def application_status(token):
    """The applicant's private page: where the application stands and what happens next."""
    application = _status_page(token)
    return render("applications/application_status.html", application=application, token=token, reply_form=ReplyForm(),
                  confirm_form=ConfirmForm())


@bp.post("/apply/status/<token>/reply")
def reply_to_application_question(token):
    """The applicant answers the coordinators' question."""
    application = _status_page(token)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply_to_info_request(application, form.reply.data)
        except services.ApplicationError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Thank you. Your answer is with the coordinators."), "success")
        return see_other(url_for("applications.application_status", token=token))
    return render("applications/application_status.html", application=application, token=token, reply_form=form,
                  confirm_form=ConfirmForm(), status=422)


@bp.post("/apply/status/<token>/withdraw")
def withdraw_application(token):
    """The applicant takes the application back."""
    application = _status_page(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_application(application)
    except services.ApplicationError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Your application has been withdrawn."), "success")
    return redirect(url_for("applications.application_status", token=token), 303)


# The coordinators' queue

@bp.get("/admin/applications")
@coordinator_required
def approval_queue():
    """Applications in a state (pending by default), oldest first, with filters and search."""
    status = enum_arg(ApplicationStatus, "status") or ApplicationStatus.PENDING.value
    region, sector = enum_arg(Region, "region"), enum_arg(Sector, "sector")
    text = request.args.get("q", "").strip()[:100]
    applications, counts = services.approval_queue(status, region, sector, text, page_arg())
    return render("applications/queue.html", "results", applications=applications, counts=counts,
                  filters={"status": status, "region": region or "", "sector": sector or "", "q": text})


def _review(application, form=None, error=None, status=200):
    return render("applications/review.html", "decision", application=application, status=status, error=error,
                  form=form or DecisionForm(formdata=None), history=services.application_history(application))


@bp.get("/admin/applications/<int:application_id>")
@coordinator_required
def review_application(application_id):
    """One application: details, possible duplicates, history, and the decision form."""
    return _review(db.get_or_404(Application, application_id))


DECISIONS = {
    "approve": services.approve_application,
    "ask_info": services.request_more_information,
    "reject": services.reject_application,
}


@bp.post("/admin/applications/<int:application_id>/decide")
@coordinator_required
def decide_application(application_id):
    """Approve, ask for more information or decline, with a message for the applicant (htmx or plain form)."""
    application = db.get_or_404(Application, application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _review(application, form, status=422)
    try:
        DECISIONS[form.decision.data](application, form.note.data or "", by=current_user)
    except services.AlreadyDecided as error:
        return _review(db.session.get(Application, application_id), error=str(error), status=409)
    except services.ApplicationError as error:
        form.note.errors.append(str(error))
        return _review(application, form, status=422)
    db.session.commit()
    flash(_("Decision saved: %(state)s.", state=_state_name(application)), "success")
    return see_other(url_for("applications.review_application", application_id=application.id))


def _state_name(application):
    return str(application.status.label)
