"""What the applications domain puts on a coordinator's dashboard: applications waiting for review."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from portal.applications.models import Application, ApplicationStatus
from portal.dashboard import NOW, Item
from portal.db import UTCDateTime
from portal.extensions import db


def waiting(user):
    """Applications waiting for a coordinator (one query: how many, and since when the oldest)."""
    if not (user.is_authenticated and user.is_admin):
        return []
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.type_coerce(sa.func.min(Application.submitted_at), UTCDateTime()))
        .where(Application.status == ApplicationStatus.PENDING)).one()
    return [Item(NOW, _("applications waiting for review"), url_for("applications.approval_queue"), count,
                 oldest, "applications.pending")]

