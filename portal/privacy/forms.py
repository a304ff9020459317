"""Forms of privacy: leaving (deleting one's account) and erasing a former colleague."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from portal.auth.passwords import MAX_LENGTH
from portal.forms import REQUIRED, PortalForm, at_most


class PasswordAgainForm(PortalForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(REQUIRED), at_most(MAX_LENGTH * 4)])


class LeaveForm(PasswordAgainForm):
    confirmed = BooleanField(_l("I understand that my account is deleted for good and cannot be restored."),
                             validators=[DataRequired(_l("Tick the box to confirm."))])
