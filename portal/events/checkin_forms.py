"""Forms of the check-in at the door: a walk-in (a name, and an address if they give one)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import Length, Optional

from portal.forms import MailAddress, PortalForm, text_field


def _strip(value):
    return value.strip() if value else value


class WalkInForm(PortalForm):
    name = text_field(_l("Name"), 200)
    email = EmailField(_l("Email (optional)"), filters=[_strip], validators=[
        Optional(), Length(max=254, message=_l("The address is too long.")), MailAddress()])
