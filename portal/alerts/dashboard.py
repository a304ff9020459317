"""What alerts put on the dashboard: urgent alerts the person has not acknowledged."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from portal.alerts.models import Alert, Recipient
from portal.dashboard import NOW, Item
from portal.db import UTCDateTime
from portal.extensions import db


def waiting(user):
    """One query: the person's alerts not acknowledged, and the oldest one's time."""
    if not user.is_authenticated:
        return []
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.type_coerce(sa.func.min(Alert.sent_at), UTCDateTime()))
        .select_from(Recipient).join(Alert, Alert.id == Recipient.alert_id)
        .where(Recipient.user_id == user.id, Recipient.acknowledged_at.is_(None))).one()
    return [Item(NOW, _("urgent alerts to acknowledge"), url_for("alerts.index"), count, oldest, "alerts.open")]
