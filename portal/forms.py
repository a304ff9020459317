"""The base of every form: Flask-WTF with WTForms' own messages in Thai and English.

WTForms ships no Thai catalogue, so its built-in messages are part of the portal's catalogues (listed below, for
extraction) and looked up through Flask-Babel like every other string.
"""

import email_validator
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Form, SelectChoice, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

WTFORMS_MESSAGES = [
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid integer value."),
    _l("Invalid input."),
    _l("This field is required."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
]


class _Translations:
    """WTForms' translations: the page's catalogue, left unformatted. WTForms fills in the message's own values
    (%(max)d...) itself; Flask-Babel's ngettext would format it at once with only %(num)s, and fail."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


def at_most(max_length):
    """The one length limit of the portal's fields, with its message in the page's language."""
    return Length(max=max_length, message=_l("Use at most %(max)d characters.", max=max_length))


REQUIRED = _l("This field is required.")


def choices(pairs):
    """Turn (value, label) pairs into select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class PortalForm(FlaskForm):
    """A Flask-WTF form (CSRF included) whose WTForms messages follow the page's language."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


class PortalSubform(Form):
    """A form nested in a PortalForm (no CSRF of its own), with the same translated messages."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


def canonical_email(text):
    """The one stored spelling of an address: what email_validator makes of it (a domain in full-width letters, with
    an ideographic full stop or a combining mark, reads as the plain ASCII domain it names), in lower case; text that
    is no valid address is only trimmed and lower-cased. Everything keyed on an address (accounts, rate limits) goes
    through this, so that two spellings of one address are one address."""
    text = (text or "").strip()
    try:
        text = email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=False).ascii_email
    except email_validator.EmailNotValidError:
        pass
    return text.lower()


class MailAddress:
    """An email address the portal's mail can reach, made ready to store: checked by email_validator, with a Thai
    (internationalised) domain written in its ASCII form (ตัวอย่าง.ไทย as xn--...). Thai letters before the @ are
    refused with their own message: delivering to them needs SMTPUTF8, which mail servers cannot be relied on for."""

    def __call__(self, form, field):
        if not field.data:
            return  # DataRequired or Optional decide about an empty field
        try:
            address = email_validator.validate_email(field.data.strip(), check_deliverability=False,
                                                     allow_smtputf8=False)
        except email_validator.EmailNotValidError as error:
            local = field.data.rpartition("@")[0]
            if local and not local.isascii():
                raise ValidationError(_l("Write the part before the @ in Latin letters: mail cannot be delivered "
                                         "to Thai letters there.")) from error
            raise ValidationError(_l("Enter a valid email address.")) from error
        if not field.data.isascii():  # an ASCII address stays as typed (a form shown again shows it so)
            field.data = address.ascii_email


def email_field(label):
    """A required email address field, checked and made ready to store (see MailAddress)."""
    return EmailField(label, validators=[DataRequired(REQUIRED), Length(max=254, message=_l("The address is too long.")),
                                         MailAddress()])


class ConfirmForm(PortalForm):
    """A form with nothing but its CSRF token, for buttons that act (POST) on a confirmation page."""


def _strip(value):
    return value.strip() if value else value


def text_field(label, max_length, required=True):
    """A one-line text field, trimmed, required unless told otherwise."""
    checks = [DataRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*checks, at_most(max_length)], filters=[_strip])


def long_text_field(label, max_length, required=True):
    """A text area, trimmed, required unless told otherwise."""
    checks = [DataRequired(REQUIRED)] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, at_most(max_length)], filters=[_strip])


def _with_scheme(value):
    """People type "www.example.go.th": the https:// is understood."""
    if value and "://" not in value:
        return "https://" + value
    return value


def website_field(label):
    """An optional web address; one typed without its scheme gets https:// (a text input with a URL keyboard: the
    browser's own url input would refuse it before the form could help)."""
    return StringField(label, validators=[Optional(), at_most(300), URL(
        require_tld=True, message=_l("Enter a full web address, such as https://www.example.go.th"))],
        filters=[_strip, _with_scheme], render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"})


class CheckboxesField(SelectMultipleField):
    """A multiple choice drawn as checkboxes (each option an <input type="checkbox">)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
