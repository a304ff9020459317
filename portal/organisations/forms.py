"""Forms of organisations: the profile's sections, the logo, colleagues, status, and invitations."""

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.auth.forms import LANGUAGE_CHOICES, confirm_field, new_password_field
from portal.forms import (
    REQUIRED,
    MailAddress,
    PortalForm,
    PortalSubform,
    at_most,
    choices,
    email_field,
    long_text_field,
    phone_field,
    text_field,
    website_field,
)
from portal.organisations.models import (
    DEFAULT_VISIBILITY,
    Channel,
    Region,
    Role,
    Sector,
    Visibility,
)
from portal.provinces import code_of, grouped


def needs_thai(form, field):
    """A Thai name must hold Thai letters."""
    if not any("\u0e00" <= character <= "\u0e7f" for character in field.data or ""):
        raise ValidationError(_l("Write the Thai name in Thai."))


def _province_choices(form, field):
    """The provinces grouped by region in the page's language, after an empty first option; a province typed by hand
    before the list existed (the stored value, never a posted one) stays on offer as it was typed."""
    language = str(get_locale() or "th")
    options = [SelectChoice("", _l("Choose a province"))]
    if field.object_data and not code_of(field.object_data):  # a known name typed by hand reads as its code
        options.append(SelectChoice(field.object_data, field.object_data))
    return options + [SelectChoice(code, name, optgroup=str(Region(region).label))
                      for region, provinces in grouped(language) for code, name in provinces]


def _province_code(value):
    """A posted province: its code, also when a client posts the name (Thai or English) instead."""
    return code_of(value) or (value or "")


def province_field(label):
    """A required choice of province, stored as its code (see portal.provinces)."""
    return SelectField(label, choices=_province_choices, coerce=_province_code, validators=[DataRequired(REQUIRED)])


class AboutForm(PortalForm):
    name_th = text_field(_l("Organisation name in Thai"), 200)
    name_en = text_field(_l("Organisation name in English"), 200, required=False)
    sector = SelectField(_l("Sector"), choices=choices(Sector.labels().items()))
    region = SelectField(_l("Region"), choices=choices(Region.labels().items()))
    province = province_field(_l("Province"))
    description = long_text_field(_l("What your organisation does, in a few sentences"), 2000, required=False)

    def validate_name_th(self, field):
        needs_thai(self, field)

    def values(self):
        return {name: getattr(self, name).data or "" for name in
                ("name_th", "name_en", "sector", "region", "province", "description")}


class ContactForm(PortalForm):
    website = website_field(_l("Website"))
    public_email = EmailField(_l("Public email"), validators=[
        Optional(), at_most(254), MailAddress()])
    phone = phone_field(_l("Phone"))

    def values(self):
        return {"website": self.website.data or "", "public_email": (self.public_email.data or "").lower(),
                "phone": self.phone.data or ""}


class ChannelForm(PortalSubform):
    # Rows left empty are ignored, so a kind is checked only where a link is given.
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Please choose")), *Channel.labels().items()]),
                       validate_choice=False)
    url = website_field(_l("Link"))

    def validate_kind(self, field):
        if self.url.data and not field.data:
            raise ValidationError(_l("Choose what kind of channel this link is."))
        if self.url.data and field.data not in Channel.labels():
            raise ValidationError(_l("Not a valid choice."))


class ChannelsForm(PortalForm):
    # The filled rows and one empty row; "Add a row" brings more, up to the limit.
    channels = FieldList(FormField(ChannelForm), min_entries=1, max_entries=12)

    def values(self):
        return {"channels": [{"kind": entry.kind.data, "url": entry.url.data}
                             for entry in self.channels if entry.url.data]}


class ExpertiseForm(PortalForm):
    tags = text_field(_l("Areas of expertise, separated by commas"), 1000, required=False)

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
    return SelectField(label, choices=choices(Visibility.labels().items()))


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
    role = SelectField(_l("Role"), choices=choices(Role.labels().items()))
    position = text_field(_l("Position"), 200, required=False)
    is_signatory = BooleanField(_l("Authorised signatory"))


class StatusForm(PortalForm):
    reason = long_text_field(_l("Reason (the organisation's admins read it)"), 2000, required=False)


class InvitationForm(PortalForm):
    email = email_field(_l("Email"))
    organisation = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Role"), choices=choices(Role.labels().items()), default="member")  # the least power first
    language = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)


class AcceptInvitationForm(PortalForm):
    name = text_field(_l("Full name"), 200)
    password = new_password_field(_l("Password"))
    confirm = confirm_field()
