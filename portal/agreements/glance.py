"""What the agreements domain draws on the network at a glance: how far the signing of each open version has come
(parties signed of parties asked), among the agreements the person sees."""

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.agreements import overview
from portal.glance import Bar, Chart
from portal.i18n import page_language

SHOWN = 8


def _overview(user):
    """The person's agreements (overview.for_person: five queries), once a request (the dashboard reads them too)."""
    kept = getattr(g, "agreements_overview", None)
    if not (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == user.id):
        kept = g.agreements_overview = (user.id, overview.for_person(user))
    return kept[1]


def charts(user):
    """The open versions the person sees, nearest deadline first: signed of asked."""
    if not user.is_authenticated:
        return []
    mine = _overview(user)
    entries = sorted(mine.to_sign + mine.open, key=lambda entry: (entry.version.signing_deadline, entry.agreement.id))
    if not entries:
        return []
    language = page_language()
    return [Chart(
        "agreements.signing", _("Signing of open agreements"),
        [Bar(entry.version.title_in(language), entry.signed, total=entry.parties)
         for entry in entries[:SHOWN]],
        url=url_for("agreements.index"), link_text=_("See the agreements"),
        summary=ngettext("%(num)d agreement open for signing.", "%(num)d agreements open for signing.",
                         len(entries)),
        unit=_("Parties signed"), category=_("Agreement"), total_heading=_("Parties asked"))]
