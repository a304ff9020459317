"""Forms for logging in, passwords, account settings and invitations."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.auth.passwords import MAX_LENGTH, password_problem
from portal.forms import MailAddress, PortalForm, at_most
from portal.members import ROLE_NAMES

REQUIRED = _l("This field is required.")


def choices(pairs):
    """Turn (value, label) pairs into select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGE_CHOICES = choices([("th", "ไทย"), ("en", "English")])


def _email_field(label):
    return EmailField(label, validators=[DataRequired(REQUIRED), Length(max=254, message=_l("The address is too long.")),
                                         MailAddress()])


def _new_password_field(label):
    return PasswordField(label, validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4), _acceptable_password])


def _acceptable_password(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _confirm_field():
    return PasswordField(_l("Repeat the new password"),
                         validators=[DataRequired(REQUIRED), EqualTo("password", message=_l("The two passwords differ."))])


class LoginForm(PortalForm):
    email = _email_field(_l("Email"))
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])
    remember = BooleanField(_l("Remember me on this device (30 days)"))


class ReauthForm(PortalForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])


class ResetRequestForm(PortalForm):
    email = _email_field(_l("Email"))


class NewPasswordForm(PortalForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()


class AcceptInvitationForm(PortalForm):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), at_most(200)])
    password = _new_password_field(_l("Password"))
    confirm = _confirm_field()


class ProfileForm(PortalForm):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), at_most(200)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(PortalForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()


class ChangeEmailForm(PortalForm):
    email = _email_field(_l("New email address"))
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])


class InvitationForm(PortalForm):
    email = _email_field(_l("Email"))
    organisation = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Role"), choices=choices(ROLE_NAMES.items()), default="member")  # the least power first
    language = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)


class ConfirmForm(PortalForm):
    """A form with nothing but its CSRF token, for buttons that act (POST) on a confirmation page."""
