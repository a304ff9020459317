"""Invitations into organisations: the page where admins and coordinators send and manage them, and the mailed
link where they are accepted."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.services import AccountError, normalise_email
from portal.auth.sessions import start_session
from portal.extensions import db
from portal.forms import ConfirmForm, choices
from portal.htmx import render
from portal.organisations import invitations as service
from portal.organisations.access import administered_organisations, can_administer
from portal.organisations.forms import AcceptInvitationForm, InvitationForm
from portal.organisations.guards import invitation_manager_required
from portal.organisations.models import MembershipInvitation
from portal.organisations.notices import leave_notice, notice
from portal.tokens import TokenError
from portal.web import invalid_link

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

ACCOUNTS_BY_INVITATION = _l("Accounts are created by invitation from your organisation admin or a network coordinator.")


@bp.route("/accept/<token>", methods=["GET", "POST"])
def accept(token):
    """Accept an invitation: set a name and password, or, for an existing account, join while logged in."""
    try:
        invitation = service.for_token(token)
    except service.AlreadyAccepted as error:  # followed again: say so, and lead on to the login
        return render("organisations/accept_invitation.html", invitation=error.invitation, accepted=True)
    except TokenError as error:
        return invalid_link(error, note=ACCOUNTS_BY_INVITATION)
    if service.on_hold(invitation):
        return render("organisations/accept_invitation.html", invitation=invitation, on_hold=True, status=409)
    existing = service.account_of(invitation)
    form = ConfirmForm() if existing else AcceptInvitationForm(name=service.name_hint(invitation))
    if not form.validate_on_submit():
        return render("organisations/accept_invitation.html", form=form, invitation=invitation, existing=existing,
                      status=422 if form.errors else 200)
    try:
        user, created = service.accept(invitation, current_user, name=getattr(form, "name", None) and form.name.data,
                                       password=getattr(form, "password", None) and form.password.data)
    except service.LogInFirst:
        return redirect(url_for("auth.login", next=request.path), 303)
    except TokenError as error:  # used meanwhile: the same link posted twice at once
        return invalid_link(error, note=ACCOUNTS_BY_INVITATION)
    except (service.InvitationError, AccountError) as error:  # e.g. already in the organisation another way
        db.session.rollback()
        flash(str(error), "error")
        return render("organisations/accept_invitation.html", form=form, invitation=invitation, existing=existing,
                      status=409)
    if created:
        start_session(user)
    db.session.commit()
    flash(_("Welcome to %(organisation)s in the PR Network Portal.",
            organisation=invitation.organisation.name_in(str(user.language))), "success")
    return redirect(url_for("main.home"), 303)


@bp.get("")
@invitation_manager_required
def index():
    """List the invitations a person may manage, with the form to send a new one."""
    form = InvitationForm(formdata=None, organisation=request.args.get("organisation", type=int))
    return render("organisations/invitations.html", **_invitation_page(form))


def _invitation_page(form):
    organisations = administered_organisations(current_user)
    form.organisation.choices = choices((o.id, o.name_in(str(get_locale()))) for o in organisations)
    return {"form": form, "invitations": service.for_organisations(organisations), "confirm_form": ConfirmForm(),
            "organisations": organisations}


@bp.post("")
@invitation_manager_required
def send():
    """Invite a person into an organisation the inviter administers."""
    form = InvitationForm()
    page = _invitation_page(form)
    if form.validate_on_submit():
        # The choice was checked against the organisations this person administers.
        organisation = next(o for o in page["organisations"] if o.id == form.organisation.data)
        try:
            service.invite(form.email.data, organisation, form.role.data, by=current_user, language=form.language.data)
        except service.InvitationError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=normalise_email(form.email.data)), "success")
            return redirect(url_for("invitations.index"), 303)
    return render("organisations/invitations.html", status=422, **page)


def _managed_invitation(invitation_id):
    invitation = db.get_or_404(MembershipInvitation, invitation_id)
    if not can_administer(current_user, invitation.organisation):
        abort(403)
    return invitation


def _act_on_invitation(invitation_id, action, done_message):
    invitation = _managed_invitation(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    target = f"invitation-{invitation.id}"  # said in the invitation's row, where the page opens
    try:
        action(invitation, by=current_user)
    except service.InvitationError as error:
        db.session.rollback()
        leave_notice(notice(target, error, "error"))
    else:
        db.session.commit()
        leave_notice(notice(target, done_message(invitation)))
    return redirect(url_for("invitations.index", _anchor=target), 303)


@bp.post("/<int:invitation_id>/resend")
@invitation_manager_required
def resend(invitation_id):
    """Send a fresh link for a pending or expired invitation."""
    return _act_on_invitation(invitation_id, service.resend,
                              lambda i: _("A new link has been sent to %(email)s.", email=i.email))


@bp.post("/<int:invitation_id>/revoke")
@invitation_manager_required
def revoke(invitation_id):
    """Make an invitation's link stop working."""
    return _act_on_invitation(invitation_id, service.revoke,
                              lambda i: _("The invitation to %(email)s has been revoked.", email=i.email))
