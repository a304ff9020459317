"""The base of every form: Flask-WTF with WTForms' own messages in Thai and English.

WTForms ships no Thai catalogue, so its built-in messages are part of the portal's catalogues (listed below, for
extraction) and looked up through Flask-Babel like every other string.
"""

import re

import email_validator
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FileField,
    Form,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
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
    """The one length limit of the portal's fields, with its message in the page's language. Text over the limit is
    refused with this message, never cut: the field macro shows a counter instead of the browser's maxlength, which
    cuts pasted text without a word."""
    return Length(max=max_length, message=_l("Use at most %(max)d characters: this text has %(length)d."))


REQUIRED = _l("This field is required.")
# What an empty required choice or file says instead: nobody fills in a list or a file.
CHOOSE = _l("Please choose one.")
CHOOSE_FILE = _l("Please choose a file.")


def choices(pairs):
    """Turn (value, label) pairs into select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _choose_instead_of_fill_in(form):
    """Say "choose" where a required select, set of options or file was left empty."""
    for field in form:
        if isinstance(field, (SelectField, SelectMultipleField, RadioField, FileField)):
            message = CHOOSE_FILE if isinstance(field, FileField) else CHOOSE
            field.errors = [message if str(error) == str(REQUIRED) else error for error in field.errors]


class PortalForm(FlaskForm):
    """A Flask-WTF form (CSRF included) whose WTForms messages follow the page's language.

    Ids stay unique on pages with several forms: hidden inputs (the CSRF token above all) are drawn without an id (no
    label points at them), and a form shown beside others with the same field names sets `Meta.id_prefix`, which
    prefixes its fields' ids and leaves the names they post unchanged."""

    class Meta:
        id_prefix = ""

        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if self.id_prefix and "id" not in unbound_field.kwargs:
                options = dict(options, id=self.id_prefix + options.get("prefix", "") + options["name"])
            return super().bind_field(form, unbound_field, options)

        def render_field(self, field, render_kw):
            if isinstance(field.widget, widgets.HiddenInput):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        _choose_instead_of_fill_in(self)
        return valid

    def required_note_once(self):
        """True the first time a template asks: the field macro then explains the required mark once per form."""
        first = not getattr(self, "_required_noted", False)
        self._required_noted = True
        return first


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


# Digits with the separators people write (spaces, dashes, dots, brackets, a slash between numbers), an optional
# leading +, and an extension after "ต่อ", "ext", "x" or "#".
_PHONE = re.compile(r"\+?[0-9(][0-9 ()./,-]*(\s*(ต่อ|ext\.?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)


def _squeeze(value):
    return " ".join(value.split()) if value else value


def phone_number(form, field):
    """A telephone number as people write it: "02-123-4567 ต่อ 12", "+66 (0)2 123 4567", "081.234.5678"."""
    text = field.data or ""
    if text and (not _PHONE.fullmatch(text) or sum(c.isdigit() for c in text) < 6):
        raise ValidationError(_l("Write the number with digits, for example 02 123 4567 ต่อ 12 or +66 2 123 4567."))


def phone_field(label, max_length=40):
    """An optional telephone number, kept as typed (spaces squeezed): Thai numbers are read out as written."""
    return StringField(label, validators=[Optional(), at_most(max_length), phone_number], filters=[_squeeze],
                       render_kw={"inputmode": "tel", "autocomplete": "tel"})


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
