"""Logging in and out, password reset, account settings."""

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import confirm_login, current_user, login_required, logout_user

from portal.auth import limits, services
from portal.auth.access import fresh_login_required
from portal.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    ReauthForm,
    ResetRequestForm,
)
from portal.auth.limits import reset_requests_per_account, reset_requests_per_address
from portal.auth.sessions import start_session
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.htmx import is_htmx, render, see_other
from portal.mail import kinds as mail_kinds
from portal.mail import preferences as mail_preferences
from portal.tokens import TokenError
from portal.urls import safe_next
from portal.web import invalid_link

bp = Blueprint("auth", __name__)


def _invalid_reset_link(error):
    if getattr(error, "used", False):
        return invalid_link(error, forward=(_l("Log in"), url_for("auth.login")))
    return invalid_link(error, forward=(_l("Ask for a new password link"), url_for("auth.request_reset")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")), 303)
    form = LoginForm()
    if form.validate_on_submit() and not limits.password_check_refused(form.password):
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            services.record_login(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")), 303)
        limits.wrong_password(form.password, _("The email or password is not correct."))
    return _form_page("auth/login.html", form, form=form)


def _form_page(template, checked, **context):
    """The page of the form `checked`, which checks a password: 200 fresh, 422 with mistakes, 429 (and Retry-After)
    while password checks are refused for now."""
    return limits.refusal(render(template, status=422 if checked.errors else 200, **context))


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
def reauthenticate():
    """Ask for the password again before a sensitive change."""
    form = ReauthForm()
    if form.validate_on_submit() and not limits.password_check_refused(form.password):
        if services.authenticate(current_user.email, form.password.data):
            confirm_login()
            return redirect(safe_next(request.args.get("next"), "auth.account"), 303)
        limits.wrong_password(form.password)
    return _form_page("auth/reauthenticate.html", form, form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@reset_requests_per_address
@reset_requests_per_account
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
        return _invalid_reset_link(error)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except TokenError as error:  # used meanwhile: the same link posted twice at once sets one password
            return _invalid_reset_link(error)
        start_session(user)
        db.session.commit()
        flash(_("Your password has been changed. Every other session has been logged out."), "success")
        return redirect(url_for("main.home"), 303)
    return render("auth/reset_password.html", form=form, user=user, status=422 if form.errors else 200)


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
        "notifications_form": ConfirmForm(formdata=None),
    }
    return {**defaults, **forms, **_notification_settings()}


def _notification_settings():
    choices = mail_preferences.choices_of(current_user.email)
    return {"optional_kinds": [(kind, _FORM_VALUES[choices.get(kind.name)]) for kind in mail_kinds.optional_kinds()],
            "essential_kinds": mail_kinds.essential_kinds()}


# The notifications form's values for a person's choice of a kind: each mail (no row), in the digest, or off.
_FORM_VALUES = {None: "each", mail_preferences.DIGEST: "digest", mail_preferences.OFF: "off"}
_CHOICES = {value: choice for choice, value in _FORM_VALUES.items()}


def _posted_choices():
    """{kind: choice} from the form: a ticked box ("on") per kind that is on or off, three radio buttons
    ("choice-<kind>") per digestible kind; a digestible kind with no valid answer keeps its choice."""
    ticked = set(request.form.getlist("on"))
    choices = {}
    for kind in mail_kinds.optional_kinds():
        if not kind.digestible:
            choices[kind.name] = None if kind.name in ticked else mail_preferences.OFF
        elif request.form.get(f"choice-{kind.name}") in _CHOICES:
            choices[kind.name] = _CHOICES[request.form[f"choice-{kind.name}"]]
    return choices


@bp.post("/account/notifications")
@login_required
def update_notifications():
    """Save which kinds of mail the person wants, one by one or in the weekly digest; essential mail is always
    sent."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render("auth/account.html", "notifications", status=400, **_account_forms(notifications_form=form))
    mail_preferences.set_choices(current_user.email, _posted_choices())
    db.session.commit()
    if is_htmx():
        return render("auth/account.html", "notifications", notifications_saved=True, **_account_forms())
    flash(_("Your notification settings have been saved."), "success")
    return see_other(url_for("auth.account", _anchor="notifications"))


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
def change_password():
    """Change the password: every other session ends, this one goes on."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and not limits.password_check_refused(form.current):
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.WrongPassword as error:
            limits.wrong_password(form.current, str(error))
        except services.AccountError as error:
            form.current.errors.append(str(error))
        else:
            user = current_user._get_current_object()
            start_session(user)
            db.session.commit()
            flash(_("Your password has been changed. Every other session has been logged out."), "success")
            return redirect(url_for("auth.account"), 303)
    return _form_page("auth/account.html", form, **_account_forms(password_form=form))


@bp.post("/account/email")
@fresh_login_required
def change_email():
    """Send a confirmation link to the new address."""
    form = ChangeEmailForm()
    if form.validate_on_submit() and not limits.password_check_refused(form.current):
        try:
            services.request_email_change(current_user, form.email.data, form.current.data)
        except services.WrongPassword as error:
            limits.wrong_password(form.current, str(error))
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("We have sent a confirmation link to %(email)s. Your address changes when you follow it.",
                    email=services.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.account"), 303)
    return _form_page("auth/account.html", form, **_account_forms(email_form=form))


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """Confirm a new address from the mailed link (GET shows the page, POST changes the address)."""
    try:
        user, new_email = services.email_change_for_token(token)
    except TokenError as error:
        return invalid_link(error, forward=(_l("Open my account"), url_for("auth.account")) if error.used else None)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email_change(user, new_email)
        except TokenError as error:  # used meanwhile: the same link posted twice at once
            return invalid_link(error)
        except services.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("main.home"), 303)
        db.session.commit()
        flash(_("Your email address is now %(email)s.", email=new_email), "success")
        return redirect(url_for("main.home"), 303)
    return render("auth/confirm_email.html", form=form, new_email=new_email)
