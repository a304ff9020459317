"""Forms of share requests: posting one (its files checked by the form, so that their errors sit by the field),
answering, reporting where it was shared, hiding one, and who may post."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError

from portal.forms import REQUIRED, CheckboxesField, PortalForm, choices, long_text_field, text_field, website_field
from portal.organisations.audiences import RegionsAndSectors
from portal.organisations.models import Channel
from portal.shares import attachments, services
from portal.shares.models import ShareReply

MAX_LINKS = 10
MISSING_HEADLINE = {"th": _l("Give the Thai message its headline."), "en": _l("Give the English message its headline.")}
MISSING_MESSAGE = {"th": _l("Write the message in Thai too."), "en": _l("Write the message in English too.")}


def _is_web_address(text):
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in text


class ShareRequestForm(RegionsAndSectors, PortalForm):
    organisation = SelectField(_l("On behalf of"), coerce=int, validate_choice=True)
    headline_th = text_field(_l("Headline in Thai"), 300, required=False)
    message_th = long_text_field(_l("Message in Thai"), 5000, required=False)
    headline_en = text_field(_l("Headline in English"), 300, required=False)
    message_en = long_text_field(_l("Message in English"), 5000, required=False)
    links = long_text_field(_l("Links to the news, one a line"), 5000, required=False)
    files = MultipleFileField(_l("Images (PNG, JPEG, WebP) or PDF press releases, at most 5 files of 5 MB"))
    channels = CheckboxesField(_l("Channels you ask for"), choices=choices(Channel.labels().items()),
                               validate_choice=True)
    chosen = SelectMultipleField(_l("Or only these organisations"), coerce=int, validate_choice=True)
    relevant_until = DateField(_l("It matters until"), validators=[DataRequired(REQUIRED)])

    checked_files = ()

    def validate(self, extra_validators=None):
        """The fields' own checks, then the headline and message of each language, which go together (an empty
        optional field runs no inline validator of its own)."""
        valid = super().validate(extra_validators)
        problems = []
        if not (self.headline_th.data or self.headline_en.data):
            problems.append((self.headline_th, _l("Give a headline in Thai, in English, or both.")))
        for headline, message, language in ((self.headline_th, self.message_th, "th"),
                                            (self.headline_en, self.message_en, "en")):
            if message.data and not headline.data:
                problems.append((headline, MISSING_HEADLINE[language]))
            if headline.data and not message.data:
                problems.append((message, MISSING_MESSAGE[language]))
        for field, text in problems:
            field.errors = [*field.errors, text]
        return valid and not problems

    def validate_links(self, field):
        lines = self.link_list()
        if len(lines) > MAX_LINKS:
            raise ValidationError(_l("Give at most %(count)d links.", count=MAX_LINKS))
        wrong = [line for line in lines if not _is_web_address(line) or len(line) > 500]
        if wrong:
            raise ValidationError(_l("Not a full web address: %(address)s", address=wrong[0][:80]))

    def validate_channels(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one channel."))

    def validate_relevant_until(self, field):
        today = services.today()
        if field.data < today:
            raise ValidationError(_l("Choose today or a later day."))
        if field.data > services.last_day(today):
            raise ValidationError(_l("Choose a day within a year."))

    def validate_files(self, field):
        try:
            self.checked_files = attachments.checked_uploads(field.data)
        except attachments.AttachmentError as error:
            raise ValidationError(error.args[0]) from error

    def link_list(self):
        return [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]

    def values(self):
        """The request's values as services.post_request takes them."""
        return {"headline_th": self.headline_th.data or "", "headline_en": self.headline_en.data or "",
                "message_th": self.message_th.data or "", "message_en": self.message_en.data or "",
                "links": self.link_list(), "channels": list(self.channels.data),
                "regions": list(self.regions.data or []), "sectors": list(self.sectors.data or []),
                "chosen": [int(n) for n in self.chosen.data or []], "relevant_until": self.relevant_until.data}


def default_until():
    return services.today() + timedelta(days=7)


class AnswerForm(PortalForm):
    reply = RadioField(_l("Will your organisation share it?"), choices=choices(ShareReply.labels().items()),
                       validators=[DataRequired(REQUIRED)])
    note = text_field(_l("Note (optional)"), 500, required=False)


class ReportForm(PortalForm):
    channel = SelectField(_l("Channel"), choices=choices(Channel.labels().items()), validate_choice=True)
    url = website_field(_l("Web address of the post"))
    note = text_field(_l("Or a note (radio, TV, print: programme, date, page)"), 500, required=False)

    def validate(self, extra_validators=None):
        """A web address, or for radio, TV, print and other channels a note (an empty optional field runs no inline
        validator of its own)."""
        valid = super().validate(extra_validators)
        if valid and not self.url.data and not (self.note.data and self.channel.data in services.NOTE_CHANNELS):
            self.url.errors = [*self.url.errors, _l("Give the web address of the post.")
                               if self.channel.data not in services.NOTE_CHANNELS else _l("Give a web address or a note.")]
            return False
        return valid


class HideForm(PortalForm):
    reason = long_text_field(_l("Why it is hidden (mailed to the poster)"), 2000)


class PolicyForm(PortalForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    members_may_post = BooleanField(_l("Every member of our organisation may post share requests"))
