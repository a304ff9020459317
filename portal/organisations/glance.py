"""What the organisations domain draws on the network at a glance: the active member organisations by region and by
sector (one query, for coordinators and the people of active member organisations, who see the directory)."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.extensions import db
from portal.glance import Bar, Chart, labels
from portal.organisations.access import is_active_member
from portal.organisations.models import Organisation, OrgStatus, Region, Sector


def charts(user):
    """Two charts from one query: active member organisations by region, and by sector."""
    if not (user.is_authenticated and (user.is_admin or is_active_member(user))):
        return []
    by_region, by_sector = {}, {}
    for region, sector, count in db.session.execute(
            sa.select(Organisation.region, Organisation.sector, sa.func.count())
            .where(Organisation.status == OrgStatus.ACTIVE).group_by(Organisation.region, Organisation.sector)):
        by_region[region] = by_region.get(region, 0) + count
        by_sector[sector] = by_sector.get(sector, 0) + count
    total = sum(by_region.values())
    if not total:
        return []
    summary = ngettext("%(num)d active member organisation.", "%(num)d active member organisations.", total)
    region_names, sector_names = labels("region_names"), labels("sector_names")
    return [
        Chart("organisations.regions", _("Member organisations by region"),
              [Bar(region_names[region.value], by_region.get(region, 0)) for region in Region],
              url=url_for("organisations.directory"), link_text=_("Open the directory"), summary=summary,
              unit=_("Organisations"), category=_("Region")),
        Chart("organisations.sectors", _("Member organisations by sector"),
              [Bar(sector_names[sector.value], by_sector.get(sector, 0)) for sector in Sector],
              url=url_for("organisations.directory"), link_text=_("Open the directory"), summary=summary,
              unit=_("Organisations"), category=_("Sector")),
    ]
