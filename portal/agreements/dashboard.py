"""What the agreements domain puts on the dashboard: versions the person's organisation must sign (for its
signatories, with their deadlines ahead) and agreements completed lately."""

from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _

from portal.agreements import overview
from portal.agreements.models import Certificate
from portal.dashboard import COMING, LATELY, NOW, Item
from portal.db import utcnow
from portal.extensions import db
from portal.i18n import BANGKOK, page_language

LATELY_DAYS = 30


def _mine(user):
    """The person's agreements (overview.for_person: five queries), once a request."""
    if getattr(g, "agreements_overview", (None,))[0] != user.id:
        g.agreements_overview = (user.id, overview.for_person(user))
    return g.agreements_overview[1]


def waiting(user):
    """The versions the person's organisations must sign (for their signatories)."""
    if not user.is_authenticated:
        return []
    return [Item(NOW, _("agreements your organisation must sign"), url_for("agreements.index"),
                 len(_mine(user).to_sign), kind="agreements.to_sign")]


def items(user):
    """The signing deadlines ahead, and the certificates issued lately among the person's agreements."""
    if not user.is_authenticated:
        return []
    language = page_language()
    mine = _mine(user)
    found = []
    for entry in mine.to_sign:
        version = entry.version
        found.append(Item(COMING, _("Signing closes: %(title)s", title=version.title_in(language)),
                          url_for("agreements.version", agreement_id=entry.agreement.id, number=version.number),
                          when=_end_of(version.signing_deadline), kind="agreements.deadline"))
    visible = {entry.version.id: entry for entry in mine.in_force}
    if visible:
        for certificate in db.session.scalars(
                sa.select(Certificate).where(Certificate.version_id.in_(visible),
                                             Certificate.issued_at >= utcnow() - timedelta(days=LATELY_DAYS))
                .order_by(Certificate.issued_at.desc()).limit(5)):
            entry = visible[certificate.version_id]
            found.append(Item(LATELY, _("Signed by every party: %(title)s", title=entry.version.title_in(language)),
                              url_for("agreements.certificate", agreement_id=entry.agreement.id,
                                      number=entry.version.number),
                              when=certificate.issued_at, kind="agreements.complete"))
    return found


def _end_of(day):
    """The last moment of a date in Bangkok, in UTC."""
    return datetime.combine(day, time(23, 59), BANGKOK).astimezone(timezone.utc)
