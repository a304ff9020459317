"""Alert pages: the list of my alerts, sending one (with a look at whom it reaches first), watching its
acknowledgements, and acknowledging, logged in or from the mail's link (no login: GET shows, only a POST acts)."""

from contextlib import nullcontext

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.alerts import access, services
from portal.alerts.forms import AlertForm
from portal.extensions import db
from portal.forms import ConfirmForm, choices
from portal.htmx import render
from portal.i18n import in_language, page_language
from portal.organisations.audiences import describe
from portal.organisations.models import Organisation, OrgStatus
from portal.tokens import TokenError
from portal.web import invalid_link

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.get("")
@login_required
def index():
    """The alerts that reached me (acknowledged or not), and the ones my organisations or the network sent."""
    organisations = access.sending_organisations(current_user)
    sent = services.sent_by_organisations([o.id for o in organisations], network=current_user.is_admin) \
        if access.may_send(current_user) else []
    return render("alerts/index.html", received=services.for_person(current_user), sent=sent,
                  may_send=access.may_send(current_user), form=ConfirmForm())


def _form():
    form = AlertForm()
    organisations = access.sending_organisations(current_user)
    form.sender.choices = choices(([(0, _("The network (coordinators)"))] if current_user.is_admin else [])
                                  + [(o.id, o.name_in(page_language())) for o in organisations])
    form.chosen.choices = choices(
        (o.id, o.name_th) for o in db.session.scalars(
            sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE).order_by(Organisation.name_th))
    ) if current_user.is_admin else []
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write an alert; the first POST shows whom it reaches and asks to confirm; the second sends it."""
    if not access.may_send(current_user):
        abort(403)
    form = _form()
    if not form.is_submitted():
        return render("alerts/new.html", form=form)
    if not form.validate():
        return render("alerts/new.html", form=form, status=422)
    if request.form.get("edit"):
        return render("alerts/new.html", form=form)  # back from the review, everything kept
    organisation = None
    if form.sender.data:
        organisation = db.session.get(Organisation, form.sender.data)
    elif not current_user.is_admin:
        abort(403)
    regions, sectors, chosen = (form.regions.data, form.sectors.data, form.chosen.data) if organisation is None \
        else ((), (), ())
    if form.confirmed.data != "yes":
        people, organisations = services.count_reached(services.audience_of(organisation, regions, sectors, chosen))
        audience = organisation.name_in(page_language()) if organisation else \
            describe(regions, sectors, chosen)
        return render("alerts/new.html", form=form, review=True, people=people, organisations=organisations,
                      audience=audience)
    try:
        alert = services.send(current_user, form.values(), organisation, regions, sectors, chosen)
    except services.AlertError as error:
        db.session.rollback()
        form.title_th.errors.append(str(error))
        return render("alerts/new.html", form=form, status=422)
    db.session.commit()
    flash(_("The alert is on its way to %(count)d people.", count=services.counts(alert)[0]), "success")
    return redirect(url_for("alerts.show", alert_id=alert.id), 303)


@bp.get("/<int:alert_id>")
@login_required
def show(alert_id):
    """The alert, my acknowledgement; for its sender, who has acknowledged (the counts refresh by themselves)."""
    alert, recipient = access.alert_or_abort(alert_id, current_user)
    watch = access.may_watch(current_user, alert)
    return render("alerts/show.html", "watch" if request.args.get("part") == "watch" and watch else None, alert=alert, recipient=recipient, watch=watch,
                  counts=services.counts(alert) if watch else None,
                  organisations=services.by_organisation(alert) if watch else [],
                  people=services.recipients(alert) if watch else [], form=ConfirmForm())


@bp.post("/<int:alert_id>/acknowledge")
@login_required
def acknowledge(alert_id):
    alert, recipient = access.alert_or_abort(alert_id, current_user)
    if recipient is None or not ConfirmForm().validate_on_submit():
        abort(400)
    services.acknowledge(recipient, actor=current_user)
    db.session.commit()
    flash(_("Thank you: your acknowledgement is recorded."), "success")
    return redirect(url_for("alerts.show", alert_id=alert.id), 303)


@bp.route("/ack/<token>", methods=["GET", "POST"])
def acknowledge_link(token):
    """The acknowledgement link of an alert's mail: a page with the alert and one button; only the POST acts."""
    try:
        recipient = services.recipient_of_token(token)
    except TokenError as error:
        return invalid_link(error, note=_("Acknowledgement links come in the alert's mail."))
    form = ConfirmForm()
    # The page speaks the recipient's language (the one of their mail), unless they are logged in with their own.
    with nullcontext() if current_user.is_authenticated else in_language(recipient.language):
        if form.is_submitted():
            if not form.validate():
                abort(400)
            services.acknowledge(recipient)
            db.session.commit()
            flash(_("Thank you: your acknowledgement is recorded."), "success")
            return redirect(url_for("alerts.acknowledge_link", token=token), 303)
        return render("alerts/acknowledge.html", alert=recipient.alert, recipient=recipient, form=form, token=token)
