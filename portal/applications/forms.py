"""Forms of applications: the public application form, the applicant's reply, the coordinators' decision."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired

from portal.forms import (
    REQUIRED,
    MailAddress,
    PortalForm,
    at_most,
    choices,
    long_text_field,
    text_field,
    website_field,
)
from portal.organisations.forms import needs_thai, province_field
from portal.organisations.models import Region, Sector


class ApplicationForm(PortalForm):
    name_th = text_field(_l("Organisation name in Thai"), 200)
    name_en = text_field(_l("Organisation name in English"), 200, required=False)
    sector = SelectField(_l("Sector"), choices=choices([("", "—"), *Sector.labels().items()]),
                         validators=[DataRequired(REQUIRED)])
    region = SelectField(_l("Region"), choices=choices([("", "—"), *Region.labels().items()]),
                         validators=[DataRequired(REQUIRED)])
    province = province_field(_l("Province"))
    website = website_field(_l("Website"))
    channels = long_text_field(_l("Public PR channels (Facebook page, LINE official account, YouTube...), one per line"),
                          2000, required=False)
    description = long_text_field(_l("What your organisation does, in a few sentences"), 2000)
    applicant_name = text_field(_l("Your full name"), 200)
    applicant_email = EmailField(_l("Your work email"), validators=[
        DataRequired(REQUIRED), at_most(254), MailAddress()])
    applicant_position = text_field(_l("Your position"), 200)
    motivation = long_text_field(_l("Why do you want to join the network?"), 3000)
    consent = BooleanField(_l("I have read the network's terms and agree to them on behalf of my organisation."),
                           validators=[DataRequired(_l("Please agree to the terms to apply."))])
    privacy = BooleanField(_l("I have read the privacy notice."),
                           validators=[DataRequired(_l("Please read the privacy notice and tick the box."))])
    # A field people never see (hidden by CSS and from screen readers); bots fill every field they find.
    fax_number = StringField(_l("Leave this field empty"))

    def validate_name_th(self, field):
        needs_thai(self, field)

    @property
    def is_bot(self):
        return bool(self.fax_number.data)

    def application_fields(self):
        """The values to store, as the service takes them."""
        return {name: getattr(self, name).data or "" for name in (
            "name_th", "name_en", "sector", "region", "province", "website", "channels", "description",
            "applicant_name", "applicant_email", "applicant_position", "motivation")} | {
            "privacy_accepted": bool(self.privacy.data)}


class ReplyForm(PortalForm):
    reply = long_text_field(_l("Your answer"), 3000)


class DecisionForm(PortalForm):
    # Its own id: the review page's <section id="decision"> (the htmx target) would otherwise take the label.
    # No decision is chosen for the coordinator: "please choose" first, and the form refuses it.
    decision = SelectField(_l("Decision"), id="decision-choice", choices=choices([
        ("", _l("Please choose")), ("approve", _l("Approve")), ("ask_info", _l("Ask for more information")),
        ("reject", _l("Do not approve"))]), validators=[DataRequired(_l("Choose a decision."))])
    note = long_text_field(_l("Message to the applicant"), 3000, required=False)
