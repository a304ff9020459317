"""The base of every form: Flask-WTF with WTForms' own messages in Thai and English.

WTForms ships no Thai catalogue, so its built-in messages are part of the portal's catalogues (listed below, for
extraction) and looked up through Flask-Babel like every other string.
"""

from flask_babel import gettext, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm
from wtforms import Form

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
    def gettext(self, string):
        return gettext(string)

    def ngettext(self, singular, plural, n):
        return ngettext(singular, plural, n)


_TRANSLATIONS = _Translations()


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
