"""The public application form and the coordinators' decision form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, URL, ValidationError

from portal.auth.forms import REQUIRED, choices
from portal.members import REGION_NAMES, SECTOR_NAMES


def _text(label, max_length, required=True):
    checks = [DataRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=max_length, message=_l(
        "Use at most %(max)d characters.", max=max_length))], filters=[lambda v: v.strip() if v else v])


def _long_text(label, max_length, required=True):
    checks = [DataRequired(REQUIRED)] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=max_length, message=_l(
        "Use at most %(max)d characters.", max=max_length))], filters=[lambda v: v.strip() if v else v])


def _needs_thai(form, field):
    if not any("\u0e00" <= character <= "\u0e7f" for character in field.data or ""):
        raise ValidationError(_l("Write the Thai name in Thai."))


class ApplicationForm(FlaskForm):
    name_th = _text(_l("Organisation name in Thai"), 200)
    name_en = _text(_l("Organisation name in English"), 200, required=False)
    sector = SelectField(_l("Sector"), choices=choices([("", "—"), *SECTOR_NAMES.items()]),
                         validators=[DataRequired(REQUIRED)])
    region = SelectField(_l("Region"), choices=choices([("", "—"), *REGION_NAMES.items()]),
                         validators=[DataRequired(REQUIRED)])
    province = _text(_l("Province"), 80)
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300), URL(
        require_tld=True, message=_l("Enter a full web address, such as https://www.example.go.th"))])
    channels = _long_text(_l("Public PR channels (Facebook page, LINE official account, YouTube...), one per line"),
                          2000, required=False)
    description = _long_text(_l("What your organisation does, in a few sentences"), 2000)
    applicant_name = _text(_l("Your full name"), 200)
    applicant_email = EmailField(_l("Your work email"), validators=[
        DataRequired(REQUIRED), Length(max=254), Email(message=_l("Enter a valid email address."))])
    applicant_position = _text(_l("Your position"), 200)
    motivation = _long_text(_l("Why do you want to join the network?"), 3000)
    consent = BooleanField(_l("I have read the network's terms and agree to them on behalf of my organisation."),
                           validators=[DataRequired(_l("Please agree to the terms to apply."))])
    # A field people never see (hidden by CSS and from screen readers); bots fill every field they find.
    fax_number = StringField(_l("Leave this field empty"))

    def validate_name_th(self, field):
        _needs_thai(self, field)

    @property
    def is_bot(self):
        return bool(self.fax_number.data)

    def application_fields(self):
        """The values to store, as the service takes them."""
        return {name: getattr(self, name).data or "" for name in (
            "name_th", "name_en", "sector", "region", "province", "website", "channels", "description",
            "applicant_name", "applicant_email", "applicant_position", "motivation")}


class ReplyForm(FlaskForm):
    reply = _long_text(_l("Your answer"), 3000)


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=choices([
        ("approve", _l("Approve")), ("ask_info", _l("Ask for more information")), ("reject", _l("Do not approve"))]))
    note = _long_text(_l("Message to the applicant"), 3000, required=False)
