"""Applying to join (public) and the approval queue (coordinators)."""

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.applications import services
from portal.applications.forms import ApplicationForm, DecisionForm, ReplyForm
from portal.applications.models import UNDECIDED_APPLICATION_STATES, Application, ApplicationStatus
from portal.auth.access import coordinator_required
from portal.auth.limits import Budget, wait_in_words, with_retry_after
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.htmx import render, see_other
from portal.organisations.models import Region, Sector
from portal.tokens import TokenError
from portal.urls import enum_arg, page_arg
from portal.web import invalid_link

bp = Blueprint("applications", __name__)


def _invalid_application_link(error):
    return invalid_link(error, forward=(_l("Apply again"), url_for("applications.apply")))


# Only completed applications count (a form sent back for a correction costs nothing), per connection.
applications_per_address = Budget(lambda: current_app.config["APPLICATION_RATE_LIMIT"], "apply-ip")
RESENDS_PER_APPLICATION = "3 per hour"
SENT_APPLICATION = "sent_application"  # the session's note of the application just sent, for the "check" page


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    """The public application form."""
    form = ApplicationForm()
    if form.validate_on_submit():
        if form.is_bot:  # a bot gets the same answer as a person, and nothing is saved
            applications_per_address.spend()
            return redirect(url_for("applications.application_sent"), 303)
        fields = form.application_fields()
        application = services.identical_recent_application(**fields)  # sent twice: the same one, no new mail
        if application is None:
            wait = applications_per_address.wait()
            if wait is not None:
                return with_retry_after(render("applications/apply.html", form=form, status=429, refusal=_(
                    "Several applications have already been sent from this connection. Your form is kept below. "
                    "%(when)s", when=wait_in_words(wait))), wait)
            application = services.submit_application(str(get_locale()), **fields)
            db.session.commit()
            applications_per_address.spend()
        session[SENT_APPLICATION] = application.id
        return redirect(url_for("applications.application_sent"), 303)
    return render("applications/apply.html", form=form, status=422 if form.errors else 200)


def _sent_application():
    """The application this browser sent last, or None."""
    application_id = session.get(SENT_APPLICATION)
    return db.session.get(Application, application_id) if isinstance(application_id, int) else None


@bp.get("/apply/sent")
def application_sent():
    """Ask the applicant to confirm their address, naming it, with a way to have the link sent again."""
    return render("applications/application_sent.html", application=_sent_application(), form=ConfirmForm())


def _resends(application):
    return Budget(lambda: RESENDS_PER_APPLICATION, "apply-resend", lambda: f"application:{application.id}")


@bp.post("/apply/sent/resend")
def resend_confirmation():
    """Mail the confirmation link again, a few times an hour at most."""
    application, form = _sent_application(), ConfirmForm()
    if application is None or application.status != ApplicationStatus.UNCONFIRMED or not form.validate_on_submit():
        return see_other(url_for("applications.application_sent"))
    wait = _resends(application).wait()
    if wait is not None:
        return with_retry_after(render(
            "applications/application_sent.html", application=application, form=form, status=429,
            refusal=_("We have already sent the link several times. %(when)s", when=wait_in_words(wait))), wait)
    services.resend_confirmation_request(application)
    db.session.commit()
    _resends(application).spend()
    flash(_("We have sent the link again to %(email)s.", email=application.applicant_email), "success")
    return see_other(url_for("applications.application_sent"))


def _already_confirmed(error):
    """The page of a confirmation link followed again: what happened, and the way to the status page."""
    application = error.application
    return render("applications/confirm_application.html", application=application, already_confirmed=True,
                  status_url=url_for("applications.application_status", token=services.status_token(application)))


@bp.route("/apply/confirm/<token>", methods=["GET", "POST"])
def confirm_application(token):
    """Confirm the applicant's address from the mailed link (GET shows a button; POST confirms)."""
    try:
        application = services.application_to_confirm(token)
    except services.AlreadyConfirmed as error:
        return _already_confirmed(error)
    except TokenError as error:
        return _invalid_application_link(error)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_application(application)
        except services.AlreadyConfirmed as error:  # confirmed meanwhile, by the same link followed twice at once
            return _already_confirmed(error)
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


@bp.get("/apply/status/<token>/withdraw")
def confirm_withdrawal(token):
    """Ask before withdrawing, which cannot be undone (the page changes nothing)."""
    application = _status_page(token)
    if application.status not in UNDECIDED_APPLICATION_STATES:
        return redirect(url_for("applications.application_status", token=token), 303)
    return render("applications/withdraw_application.html", application=application, token=token, form=ConfirmForm())


@bp.post("/apply/status/<token>/withdraw")
def withdraw_application(token):
    """The applicant takes the application back (posted from the confirmation page)."""
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
