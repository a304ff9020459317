"""Forms for logging in, passwords and account settings."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from portal.auth.passwords import MAX_LENGTH, password_problem
from portal.forms import REQUIRED, PortalForm, at_most, choices, email_field

LANGUAGE_CHOICES = choices([("th", "ไทย"), ("en", "English")])


def new_password_field(label):
    """A new password, checked against the rules as it is typed (length, commonness)."""
    return PasswordField(label, validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4), _acceptable_password])


def _acceptable_password(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def confirm_field():
    """The new password once more."""
    return PasswordField(_l("Repeat the new password"),
                         validators=[DataRequired(REQUIRED), EqualTo("password", message=_l("The two passwords differ."))])


class LoginForm(PortalForm):
    email = email_field(_l("Email"))
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])
    remember = BooleanField(_l("Remember me on this device (30 days)"))


class ReauthForm(PortalForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])


class ResetRequestForm(PortalForm):
    email = email_field(_l("Email"))


class NewPasswordForm(PortalForm):
    password = new_password_field(_l("New password"))
    confirm = confirm_field()


class ProfileForm(PortalForm):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), at_most(200)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(PortalForm):
    class Meta:
        id_prefix = "password-"  # beside the other forms of the account page

    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])
    password = new_password_field(_l("New password"))
    confirm = confirm_field()


class ChangeEmailForm(PortalForm):
    class Meta:
        id_prefix = "email-"  # beside the other forms of the account page

    email = email_field(_l("New email address"))
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])
