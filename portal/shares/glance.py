"""What share requests draw on the network at a glance: how the open requests the person follows stand (organisations
asked, answered, will share, shared). A request's tally is its poster's and the coordinators': a person sees those
of their own organisations' open requests, coordinators every open one."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.extensions import db
from portal.glance import BAD, GOOD, NONE, ON_HOLD, STACKED, Bar, Chart, Series
from portal.i18n import page_language
from portal.shares.access import my_organisations
from portal.shares.models import ShareRequest
from portal.shares.services import tally_counts, today

SHOWN = 6


def _followed(user):
    """The open requests the person follows, newest first, each with its counts (one query)."""
    query = sa.select(ShareRequest, *tally_counts(ShareRequest.id)).where(
        ShareRequest.hidden_at.is_(None), ShareRequest.relevant_until >= today())
    if not user.is_admin:
        query = query.where(ShareRequest.organisation_id.in_([o.id for o in my_organisations(user)]))
    return db.session.execute(query.order_by(ShareRequest.created_at.desc(), ShareRequest.id.desc())
                              .limit(SHOWN)).all()


def _bar(share, reached, will, cannot, shared, language):
    waiting = max(will - shared, 0)
    return Bar(share.headline_in(language), shared,
               parts=(shared, waiting, cannot, max(reached - shared - waiting - cannot, 0)))


def charts(user):
    """The open requests the person follows: of the organisations asked, those that shared, will share, can't, and
    have not answered."""
    if not user.is_authenticated or not (user.is_admin or my_organisations(user)):
        return []
    rows = _followed(user)
    if not rows:
        return []
    language = page_language()
    return [Chart(
        "shares.answers", _("Share requests: answered and shared"),
        [_bar(*row, language) for row in rows], kind=STACKED,
        series=(Series(_("Shared"), GOOD), Series(_("Will share, not shared yet"), ON_HOLD),
                Series(_("Can't share"), BAD), Series(_("Not answered"), NONE)),
        url=url_for("shares.index"), link_text=_("See the share requests"),
        summary=ngettext("%(num)d open share request you follow.", "%(num)d open share requests you follow.",
                         len(rows)),
        unit=_("Organisations asked"), category=_("Share request"))]
