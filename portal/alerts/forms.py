"""The alert form: what to say, to whom, and when to remind."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.validators import ValidationError

from portal.alerts.services import REMINDER_CHOICES
from portal.forms import PortalForm, choices, long_text_field, text_field
from portal.organisations.audiences import RegionsAndSectors

REMINDER_LABELS = {30: _l("after 30 minutes"), 60: _l("after 1 hour"), 240: _l("after 4 hours"),
                   1440: _l("after 24 hours")}


class AlertForm(RegionsAndSectors, PortalForm):
    sender = SelectField(_l("From"), coerce=int)  # 0: the network (coordinators); else an organisation's id
    title_th = text_field(_l("Alert title in Thai"), 200, required=False)
    title_en = text_field(_l("Alert title in English"), 200, required=False)
    message_th = long_text_field(_l("Message in Thai"), 5000, required=False)
    message_en = long_text_field(_l("Message in English"), 5000, required=False)
    chosen = SelectMultipleField(_l("Or only these organisations"), coerce=int, validate_choice=True)
    remind = SelectField(_l("Remind those who have not acknowledged"),
                         choices=choices([("", _l("never"))] + [(str(m), REMINDER_LABELS[m]) for m in REMINDER_CHOICES]),
                         validate_choice=True)
    confirmed = HiddenField()  # "yes" once the sender has seen whom it reaches

    def validate_title_th(self, field):
        if not (field.data or self.title_en.data):
            raise ValidationError(_l("Give the alert a title, in Thai or English."))

    def validate_message_th(self, field):
        if not (field.data or self.message_en.data):
            raise ValidationError(_l("Write the message, in Thai or English."))

    def values(self):
        """The alert's own values, as services.send takes them."""
        return {"title_th": self.title_th.data or "", "title_en": self.title_en.data or "",
                "message_th": self.message_th.data or "", "message_en": self.message_en.data or "",
                "remind_after_minutes": int(self.remind.data) if self.remind.data else None}
