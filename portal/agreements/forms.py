"""Forms of agreements: the draft, signing and declining, and the public verify page."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, PasswordField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.auth.passwords import MAX_LENGTH
from portal.forms import REQUIRED, PortalForm, at_most, long_text_field, text_field

BODY_LIMIT = 50_000


class DraftForm(PortalForm):
    title_th = text_field(_l("Title in Thai"), 300)
    title_en = text_field(_l("Title in English"), 300, required=False)
    body_th = long_text_field(_l("The text in Thai (Markdown: # heading, **bold**, - list)"), BODY_LIMIT,
                              required=False)
    body_en = long_text_field(_l("The text in English"), BODY_LIMIT, required=False)
    signing_deadline = DateField(_l("Signing deadline"), validators=[Optional()])
    valid_from = DateField(_l("In force from"), validators=[Optional()])
    valid_until = DateField(_l("In force until (empty: no end)"), validators=[Optional()])
    sequential = BooleanField(_l("The parties sign one after the other, in the order listed"))
    partners = SelectMultipleField(_l("The other parties"), coerce=int, validate_choice=True)

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The agreement cannot end before it begins."))

    def values(self):
        return {name: getattr(self, name).data for name in (
            "title_th", "title_en", "body_th", "body_en", "signing_deadline", "valid_from", "valid_until",
            "sequential")} | {"title_en": self.title_en.data or "", "body_en": self.body_en.data or "",
                              "body_th": self.body_th.data or ""}


def _password_field():
    return PasswordField(_l("Your password, to confirm"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])


class SignForm(PortalForm):
    organisation = SelectField(_l("Sign for"), coerce=int)
    typed_name = text_field(_l("Your full name"), 200)
    typed_position = text_field(_l("Your position"), 200)
    consent = BooleanField(validators=[DataRequired(_l("Tick the sentence to sign."))])
    password = _password_field()
    text_sha256 = HiddenField()


class DeclineForm(PortalForm):
    class Meta:
        id_prefix = "decline-"  # beside the sign form on the signing page

    organisation = SelectField(_l("Decline for"), coerce=int)
    reason = long_text_field(_l("Why your organisation declines (every party reads it)"), 3000)
    password = _password_field()
    text_sha256 = HiddenField()


class VerifyForm(PortalForm):
    number = text_field(_l("Certificate number"), 40, required=False)
    pdf = FileField(_l("Or the certificate's PDF file"))

    def validate_number(self, field):
        if not field.data and not (self.pdf.data and getattr(self.pdf.data, "filename", "")):
            raise ValidationError(_l("Enter a certificate number or choose a PDF file."))
