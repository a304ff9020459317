"""Forms of events: the event itself (times typed in Bangkok time, stored UTC), inviting, and answering."""

from datetime import timedelta, timezone

import email_validator
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from portal.events.models import Reply, Status, Visibility
from portal.forms import REQUIRED, CheckboxesField, PortalForm, choices, long_text_field, text_field, website_field
from portal.i18n import BANGKOK
from portal.organisations.audiences import RegionsAndSectors

MAX_GUESTS = 500


def _bangkok_time(label, required=True):
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M",
                              validators=[DataRequired(REQUIRED)] if required else [Optional()])


def to_utc(local):
    """A time typed in Bangkok time (naive) as the UTC moment it names."""
    return local.replace(tzinfo=BANGKOK).astimezone(timezone.utc) if local else None


def to_local(moment):
    """A stored UTC moment as Bangkok time for a form field (naive)."""
    return moment.astimezone(BANGKOK).replace(tzinfo=None) if moment else None


class EventForm(PortalForm):
    host = SelectField(_l("Host"), coerce=int)
    title_th = text_field(_l("Event title in Thai"), 300)
    title_en = text_field(_l("Event title in English"), 300, required=False)
    description_th = long_text_field(_l("Description in Thai"), 10_000, required=False)
    description_en = long_text_field(_l("Description in English"), 10_000, required=False)
    starts_at = _bangkok_time(_l("Starts (Bangkok time)"))
    ends_at = _bangkok_time(_l("Ends (Bangkok time)"))
    rsvp_deadline = _bangkok_time(_l("Answers close (empty: a day before it starts)"), required=False)
    place = text_field(_l("Place"), 500, required=False)
    map_url = website_field(_l("Map link"))
    online_url = website_field(_l("Online meeting link (shown only to people coming)"))
    capacity = IntegerField(_l("Seats (empty: no limit)"), validators=[
        Optional(), NumberRange(min=1, max=100_000, message=_l("Enter a number from 1 to 100,000."))])
    seats_per_organisation = IntegerField(_l("Seats per member organisation (empty: no limit)"), validators=[
        Optional(), NumberRange(min=1, max=100_000, message=_l("Enter a number from 1 to 100,000."))])
    visibility = SelectField(_l("Who can see it"), choices=choices(Visibility.labels().items()),
                             validate_choice=True)

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(_l("The event cannot end before it starts."))

    def validate_rsvp_deadline(self, field):
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError(_l("Answers must close before the event ends."))

    def validate_seats_per_organisation(self, field):
        if field.data and self.capacity.data and field.data > self.capacity.data:
            raise ValidationError(_l("An organisation cannot have more seats than the event."))

    def validate_place(self, field):
        if not (field.data or self.online_url.data):
            raise ValidationError(_l("Give a place, an online link, or both."))

    def values(self):
        """The event's values as the services take them (times in UTC)."""
        starts_at = to_utc(self.starts_at.data)
        return {
            "title_th": self.title_th.data, "title_en": self.title_en.data or "",
            "description_th": self.description_th.data or "", "description_en": self.description_en.data or "",
            "starts_at": starts_at, "ends_at": to_utc(self.ends_at.data),
            "rsvp_deadline": to_utc(self.rsvp_deadline.data) or starts_at - timedelta(days=1),
            "place": self.place.data or "", "map_url": self.map_url.data or "",
            "online_url": self.online_url.data or "", "capacity": self.capacity.data,
            "seats_per_organisation": self.seats_per_organisation.data,
            "visibility": Visibility(self.visibility.data),
        }


def parse_guests(text):
    """Guests typed one per line, as "address" or "Name <address>": (address, name) pairs, and the lines that are
    no address."""
    guests, wrong = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, address = line.rpartition("<")
        address = address.rstrip(">").strip() if name or line.endswith(">") else line
        try:
            address = email_validator.validate_email(address, check_deliverability=False,
                                                     allow_smtputf8=False).ascii_email
        except email_validator.EmailNotValidError:
            wrong.append(line)
            continue
        guests.append((address, name.strip().strip('"')))
    return guests, wrong


class InviteForm(PortalForm):
    organisations = SelectMultipleField(_l("Every person of these organisations"), coerce=int, validate_choice=True)
    guests = long_text_field(_l("Guests by email, one per line (Name <address> or address)"), 50_000,
                             required=False)

    def validate_guests(self, field):
        guests, wrong = parse_guests(field.data)
        if wrong:
            raise ValidationError(_l("These lines are no email address: %(lines)s", lines=", ".join(wrong[:5])))
        if len(guests) > MAX_GUESTS:
            raise ValidationError(_l("At most %(count)d guests at a time.", count=MAX_GUESTS))
        if not guests and not self.organisations.data:
            raise ValidationError(_l("Choose organisations or write guests' addresses."))


class AnswerForm(PortalForm):
    reply = RadioField(_l("Your answer"), choices=choices(Reply.labels().items()),
                       validators=[DataRequired(_l("Choose an answer."))])


def host_choices(organisations, network_label):
    """The host select: the network (coordinators, id 0) and the organisations the person administers."""
    return choices([(0, network_label)] if network_label else []) + choices(
        (o.id, o.name_th) for o in organisations)



class MessageForm(PortalForm):
    groups = CheckboxesField(_l("To"), choices=choices(
        (status.value, status.label) for status in (Status.CONFIRMED, Status.MAYBE, Status.INVITED, Status.WAITING,
                                                    Status.DECLINED)),
        validators=[DataRequired(_l("Choose at least one group."))], validate_choice=True)
    text = long_text_field(_l("Message"), 5000)


class AudienceForm(RegionsAndSectors, PortalForm):
    pass


class DecisionForm(PortalForm):
    decision = RadioField(_l("Decision"), choices=choices([("approve", _l("Approve: send the invitations")),
                                                           ("decline", _l("Decline"))]),
                          validators=[DataRequired(_l("Choose an answer."))])
    note = long_text_field(_l("Reason (told to the organisation when declined)"), 2000, required=False)
