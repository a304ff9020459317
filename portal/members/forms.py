"""Forms of the members domain: applying, deciding, organisation profiles, colleagues."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, FieldList, FormField, SelectField, StringField, TextAreaField, \
    URLField
from wtforms.validators import URL, DataRequired, Optional, ValidationError

from portal.auth.forms import REQUIRED, choices
from portal.forms import MailAddress, PortalForm, PortalSubform, at_most
from portal.members import CHANNEL_NAMES, REGION_NAMES, ROLE_NAMES, SECTOR_NAMES, VISIBILITY_NAMES
from portal.members.models import DEFAULT_VISIBILITY


def _text(label, max_length, required=True):
    checks = [DataRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*checks, at_most(max_length)], filters=[lambda v: v.strip() if v else v])


def _long_text(label, max_length, required=True):
    checks = [DataRequired(REQUIRED)] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, at_most(max_length)], filters=[lambda v: v.strip() if v else v])


def _needs_thai(form, field):
    if not any("\u0e00" <= character <= "\u0e7f" for character in field.data or ""):
        raise ValidationError(_l("Write the Thai name in Thai."))


class ApplicationForm(PortalForm):
    name_th = _text(_l("Organisation name in Thai"), 200)
    name_en = _text(_l("Organisation name in English"), 200, required=False)
    sector = SelectField(_l("Sector"), choices=choices([("", "—"), *SECTOR_NAMES.items()]),
                         validators=[DataRequired(REQUIRED)])
    region = SelectField(_l("Region"), choices=choices([("", "—"), *REGION_NAMES.items()]),
                         validators=[DataRequired(REQUIRED)])
    province = _text(_l("Province"), 80)
    website = URLField(_l("Website"), validators=[Optional(), at_most(300), URL(
        require_tld=True, message=_l("Enter a full web address, such as https://www.example.go.th"))])
    channels = _long_text(_l("Public PR channels (Facebook page, LINE official account, YouTube...), one per line"),
                          2000, required=False)
    description = _long_text(_l("What your organisation does, in a few sentences"), 2000)
    applicant_name = _text(_l("Your full name"), 200)
    applicant_email = EmailField(_l("Your work email"), validators=[
        DataRequired(REQUIRED), at_most(254), MailAddress()])
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


class ReplyForm(PortalForm):
    reply = _long_text(_l("Your answer"), 3000)


class DecisionForm(PortalForm):
    # Its own id: the review page's <section id="decision"> (the htmx target) would otherwise take the label.
    decision = SelectField(_l("Decision"), id="decision-choice", choices=choices([
        ("approve", _l("Approve")), ("ask_info", _l("Ask for more information")), ("reject", _l("Do not approve"))]))
    note = _long_text(_l("Message to the applicant"), 3000, required=False)


# Organisation profile sections

class AboutForm(PortalForm):
    name_th = _text(_l("Organisation name in Thai"), 200)
    name_en = _text(_l("Organisation name in English"), 200, required=False)
    sector = SelectField(_l("Sector"), choices=choices(SECTOR_NAMES.items()))
    region = SelectField(_l("Region"), choices=choices(REGION_NAMES.items()))
    province = _text(_l("Province"), 80)
    description = _long_text(_l("What your organisation does, in a few sentences"), 2000, required=False)

    def validate_name_th(self, field):
        _needs_thai(self, field)

    def values(self):
        return {name: getattr(self, name).data or "" for name in
                ("name_th", "name_en", "sector", "region", "province", "description")}


class ContactForm(PortalForm):
    website = URLField(_l("Website"), validators=[Optional(), at_most(300), URL(
        require_tld=True, message=_l("Enter a full web address, such as https://www.example.go.th"))])
    public_email = EmailField(_l("Public email"), validators=[
        Optional(), at_most(254), MailAddress()])
    phone = _text(_l("Phone"), 40, required=False)

    def validate_phone(self, field):
        if field.data and not re.fullmatch(r"\+?[0-9][0-9 ()#-]{5,38}", field.data):
            raise ValidationError(_l("Write the number with digits, for example 02 123 4567 or +66 2 123 4567."))

    def values(self):
        return {"website": self.website.data or "", "public_email": (self.public_email.data or "").lower(),
                "phone": self.phone.data or ""}


class ChannelForm(PortalSubform):
    # Rows left empty are ignored, so a kind is checked only where a link is given.
    kind = SelectField(_l("Kind"), choices=choices(CHANNEL_NAMES.items()), validate_choice=False)
    url = URLField(_l("Link"), validators=[Optional(), at_most(300), URL(
        require_tld=True, message=_l("Enter a full web address, such as https://www.example.go.th"))],
        filters=[lambda v: v.strip() if v else v])


    def validate_kind(self, field):
        if self.url.data and field.data not in CHANNEL_NAMES:
            raise ValidationError(_l("Not a valid choice."))


class ChannelsForm(PortalForm):
    channels = FieldList(FormField(ChannelForm), min_entries=6, max_entries=12)

    def values(self):
        return {"channels": [{"kind": entry.kind.data, "url": entry.url.data}
                             for entry in self.channels if entry.url.data]}


class ExpertiseForm(PortalForm):
    tags = _text(_l("Areas of expertise, separated by commas"), 1000, required=False)

    def validate_tags(self, field):
        tags = self.tag_list()
        if len(tags) > 20:
            raise ValidationError(_l("Give at most 20 areas."))
        if any(len(tag) > 60 for tag in tags):
            raise ValidationError(_l("Keep each area under 60 characters."))

    def tag_list(self):
        seen, tags = set(), []
        for tag in re.split(r"[,\n]", self.tags.data or ""):
            tag = " ".join(tag.split())
            if tag and tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
        return tags

    def values(self):
        return {"expertise": self.tag_list()}


def _visibility_field(label):
    return SelectField(label, choices=choices(VISIBILITY_NAMES.items()))


class VisibilityForm(PortalForm):
    about = _visibility_field(_l("About the organisation"))
    contact = _visibility_field(_l("Contact details"))
    channels = _visibility_field(_l("PR channels"))
    expertise = _visibility_field(_l("Areas of expertise"))
    people = _visibility_field(_l("People"))
    listed_publicly = BooleanField(_l("Show the organisation on the public list of members"))

    def values(self):
        return {"visibility": {group: getattr(self, group).data for group in DEFAULT_VISIBILITY},
                "listed_publicly": self.listed_publicly.data}


class LogoForm(PortalForm):
    logo = FileField(_l("Logo (PNG, JPEG or WebP, at most 2 MB)"), validators=[FileRequired(REQUIRED)])


class ColleagueForm(PortalForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_NAMES.items()))
    position = _text(_l("Position"), 200, required=False)
    is_signatory = BooleanField(_l("Authorised signatory"))


class StatusForm(PortalForm):
    reason = _long_text(_l("Reason (the organisation's admins read it)"), 2000, required=False)
