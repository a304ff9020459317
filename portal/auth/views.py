"""Logging in and out, password reset, invitations, account settings."""

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import confirm_login, current_user, login_required, login_user, logout_user

from portal.auth import services
from portal.auth.access import administered_organisations, can_administer, fresh_login_required, \
    invitation_manager_required
from portal.auth.forms import AcceptInvitationForm, ChangeEmailForm, ChangePasswordForm, ConfirmForm, \
    InvitationForm, LoginForm, NewPasswordForm, ProfileForm, ReauthForm, ResetRequestForm, choices
from portal.auth.models import Invitation
from portal.auth.tokens import TokenError
from portal.extensions import db, limiter
from portal.htmx import render, see_other
from portal.urls import safe_next

bp = Blueprint("auth", __name__)


def _account_key():
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _password_account_key():
    return "account:" + current_user.email if current_user.is_authenticated else _account_key()


def _limit(setting):
    return lambda: current_app.config[setting]


# Every route that checks a password (the login form, and a logged-in person's password asked again) counts in one
# budget per address and one per account: a stolen session guesses the password no faster than the login form.
_password_checks_per_address = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT_IP"), scope="login-ip", methods=["POST"])
_password_checks_per_account = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT_ACCOUNT"), scope="login-account",
                                                    methods=["POST"], key_func=_password_account_key)


def start_session(user, remember=False):
    """Log a user in with a new session (keeping only the language choice) and note the login."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user, remember=remember)


def invalid_link(error, kind):
    """The page for a link that cannot be used: expired, used, tampered or for another purpose.

    `kind` ("password", "invitation", "email" or "application") chooses the way forward the page offers.
    """
    return render("auth/invalid_link.html", expired=error.expired, kind=kind, status=400)


@bp.route("/login", methods=["GET", "POST"])
@_password_checks_per_address
@_password_checks_per_account
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")), 303)
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            services.record_login(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")), 303)
        form.password.errors.append(_("The email or password is not correct."))
    return render("auth/login.html", form=form, status=422 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    """Log out here and everywhere else."""
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("main.home"), 303)


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
@_password_checks_per_address
@_password_checks_per_account
def reauthenticate():
    """Ask for the password again before a sensitive change."""
    form = ReauthForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.password.data):
            confirm_login()
            return redirect(safe_next(request.args.get("next"), "auth.account"), 303)
        form.password.errors.append(_("The password is not correct."))
    return render("auth/reauthenticate.html", form=form, status=422 if form.errors else 200)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT_IP"), methods=["POST"], scope="reset-ip")
@limiter.limit(_limit("RESET_RATE_LIMIT_ACCOUNT"), methods=["POST"], key_func=_account_key, scope="reset-account")
def request_reset():
    """Ask for a password reset link; the answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render("auth/reset_sent.html", email=services.normalise_email(form.email.data))
    return render("auth/reset_request.html", form=form, status=422 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password from a mailed link: the page changes nothing until the form is posted."""
    try:
        user = services.user_for_reset_token(token)
    except TokenError as error:
        return invalid_link(error, "password")
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except TokenError as error:  # used meanwhile: the same link posted twice at once sets one password
            return invalid_link(error, "password")
        start_session(user)
        db.session.commit()
        flash(_("Your password has been changed. Every other session has been logged out."), "success")
        return redirect(url_for("main.home"), 303)
    return render("auth/reset_password.html", form=form, user=user, status=422 if form.errors else 200)


@bp.route("/invitations/accept/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Accept an invitation: set a name and password, or, for an existing account, join while logged in."""
    try:
        invitation = services.invitation_for_token(token)
    except TokenError as error:
        return invalid_link(error, "invitation")
    if services.invitation_on_hold(invitation):
        return render("auth/accept_invitation.html", invitation=invitation, on_hold=True, status=409)
    existing = services.find_user_by_email(invitation.email)
    form = ConfirmForm() if existing else AcceptInvitationForm()
    if form.validate_on_submit():
        if existing and (not current_user.is_authenticated or current_user.id != existing.id):
            return redirect(url_for("auth.login", next=request.path), 303)
        try:
            user = services.accept_invitation(invitation, user=existing) if existing else services.accept_invitation(
                invitation, name=form.name.data, password=form.password.data)
        except TokenError as error:  # used meanwhile: the same link posted twice at once
            return invalid_link(error, "invitation")
        except services.AccountError as error:  # e.g. already in the organisation through another invitation
            db.session.rollback()
            flash(str(error), "error")
            return render("auth/accept_invitation.html", form=form, invitation=invitation, existing=existing,
                          status=409)
        if not existing:
            start_session(user)
        db.session.commit()
        flash(_("Welcome to %(organisation)s in the PR Network Portal.",
                organisation=invitation.organisation.name_in(str(user.language))), "success")
        return redirect(url_for("main.home"), 303)
    return render("auth/accept_invitation.html", form=form, invitation=invitation, existing=existing,
                  status=422 if form.errors else 200)


@bp.get("/account")
@login_required
def account():
    """Show the account settings: profile, password, email address."""
    return render("auth/account.html", **_account_forms())


def _account_forms(**forms):
    defaults = {
        "profile_form": ProfileForm(formdata=None, obj=current_user),
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
    }
    return {**defaults, **forms}


@bp.post("/account/profile")
@login_required
def update_profile():
    """Save the name and language."""
    form = ProfileForm()
    if not form.validate_on_submit():
        return render("auth/account.html", "profile", status=422, **_account_forms(profile_form=form))
    services.update_profile(current_user, form.name.data, form.language.data)
    session["lang"] = form.language.data
    db.session.commit()
    flash(_("Your profile has been saved."), "success")
    return see_other(url_for("auth.account"))


@bp.post("/account/password")
@fresh_login_required
@_password_checks_per_address
@_password_checks_per_account
def change_password():
    """Change the password: every other session ends, this one goes on."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as error:
            form.current.errors.append(str(error))
        else:
            user = current_user._get_current_object()
            start_session(user)
            db.session.commit()
            flash(_("Your password has been changed. Every other session has been logged out."), "success")
            return redirect(url_for("auth.account"), 303)
    return render("auth/account.html", "password", status=422, **_account_forms(password_form=form))


@bp.post("/account/email")
@fresh_login_required
@_password_checks_per_address
@_password_checks_per_account
def change_email():
    """Send a confirmation link to the new address."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.email.data, form.current.data)
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("We have sent a confirmation link to %(email)s. Your address changes when you follow it.",
                    email=services.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.account"), 303)
    return render("auth/account.html", "email", status=422, **_account_forms(email_form=form))


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """Confirm a new address from the mailed link (GET shows the page, POST changes the address)."""
    try:
        user, new_email = services.email_change_for_token(token)
    except TokenError as error:
        return invalid_link(error, "email")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email_change(user, new_email)
        except TokenError as error:  # used meanwhile: the same link posted twice at once
            return invalid_link(error, "email")
        except services.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("main.home"), 303)
        db.session.commit()
        flash(_("Your email address is now %(email)s.", email=new_email), "success")
        return redirect(url_for("main.home"), 303)
    return render("auth/confirm_email.html", form=form, new_email=new_email)


@bp.get("/invitations")
@invitation_manager_required
def invitations():
    """List the invitations a person may manage, with the form to send a new one."""
    form = InvitationForm(formdata=None, organisation=request.args.get("organisation", type=int))
    return render("auth/invitations.html", **_invitation_page(form))


def _invitation_page(form):
    organisations = administered_organisations(current_user)
    form.organisation.choices = choices((o.id, o.name_in(str(get_locale()))) for o in organisations)
    listed = services.invitations_for(organisations)
    return {"form": form, "invitations": listed, "confirm_form": ConfirmForm(), "organisations": organisations}


@bp.post("/invitations")
@invitation_manager_required
def send_invitation():
    """Invite a person into an organisation the inviter administers."""
    form = InvitationForm()
    page = _invitation_page(form)
    if form.validate_on_submit():
        # The choice was checked against the organisations this person administers.
        organisation = next(o for o in page["organisations"] if o.id == form.organisation.data)
        try:
            services.invite(form.email.data, organisation, form.role.data, by=current_user, language=form.language.data)
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=services.normalise_email(form.email.data)),
                  "success")
            return redirect(url_for("auth.invitations"), 303)
    return render("auth/invitations.html", "invitation_form", status=422, **page)


def _managed_invitation(invitation_id):
    invitation = db.get_or_404(Invitation, invitation_id)
    if not can_administer(current_user, invitation.organisation):
        abort(403)
    return invitation


def _act_on_invitation(invitation_id, action, done_message):
    invitation = _managed_invitation(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(invitation, by=current_user)
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done_message(invitation), "success")
    return redirect(url_for("auth.invitations"), 303)


@bp.post("/invitations/<int:invitation_id>/resend")
@invitation_manager_required
def resend_invitation(invitation_id):
    """Send a fresh link for a pending or expired invitation."""
    return _act_on_invitation(invitation_id, services.resend_invitation,
                              lambda i: _("A new link has been sent to %(email)s.", email=i.email))


@bp.post("/invitations/<int:invitation_id>/revoke")
@invitation_manager_required
def revoke_invitation(invitation_id):
    """Make an invitation's link stop working."""
    return _act_on_invitation(invitation_id, services.revoke_invitation,
                              lambda i: _("The invitation to %(email)s has been revoked.", email=i.email))
