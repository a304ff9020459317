"""What share requests put on the dashboard: open requests the person's organisations still owe an answer to."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from portal.dashboard import NOW, Item
from portal.db import UTCDateTime
from portal.extensions import db
from portal.shares.access import my_organisations
from portal.shares.models import ShareAnswer, ShareRequest, ShareTarget
from portal.shares.services import today


def waiting(user):
    """One query: requests asking one of the person's organisations, open, that it has not answered."""
    ids = [o.id for o in my_organisations(user)]
    if not ids:
        return []
    answered = sa.select(ShareAnswer.id).where(ShareAnswer.request_id == ShareTarget.request_id,
                                               ShareAnswer.organisation_id == ShareTarget.organisation_id)
    count, oldest = db.session.execute(
        sa.select(sa.func.count(sa.distinct(ShareRequest.id)),
                  sa.type_coerce(sa.func.min(ShareRequest.created_at), UTCDateTime()))
        .select_from(ShareRequest).join(ShareTarget, ShareTarget.request_id == ShareRequest.id)
        .where(ShareTarget.organisation_id.in_(ids), ShareRequest.hidden_at.is_(None),
               ShareRequest.relevant_until >= today(), ~sa.exists(answered))).one()
    return [Item(NOW, _("share requests your organisation has not answered"), url_for("shares.index"), count,
                 oldest, "shares.owed")]
