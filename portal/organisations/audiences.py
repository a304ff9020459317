"""An audience in the network: every active member organisation, those of some regions or sectors, or organisations
chosen by name. Events, share requests and alerts address the network through this one rule."""

import sqlalchemy as sa
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.forms import CheckboxesField, choices
from portal.organisations.models import Organisation, OrgStatus, Region, Sector


def organisations_query(regions=(), sectors=(), chosen=()):
    """A select of the ids of the active organisations in the audience: the `chosen` ones when some are, else those
    in these regions and sectors (every one when neither is given)."""
    query = sa.select(Organisation.id).where(Organisation.status == OrgStatus.ACTIVE)
    if chosen:
        return query.where(Organisation.id.in_([int(n) for n in chosen]))
    if regions:
        query = query.where(Organisation.region.in_([Region(r) for r in regions]))
    if sectors:
        query = query.where(Organisation.sector.in_([Sector(s) for s in sectors]))
    return query


def organisations_in(regions=(), sectors=(), chosen=()):
    """The ids of the active organisations in the audience (see organisations_query)."""
    return db.session.scalars(organisations_query(regions, sectors, chosen)).all()


def describe(regions, sectors, chosen=()):
    """The audience in words, in the current language."""
    if chosen:
        language = str(get_locale())
        names = db.session.scalars(sa.select(Organisation).where(Organisation.id.in_([int(n) for n in chosen]))
                                   .order_by(Organisation.name_th)).all()
        shown = [organisation.name_in(language) for organisation in names[:5]]
        rest = len(names) - len(shown)
        return ", ".join(shown) + (" " + ngettext("and %(num)d more", "and %(num)d more", rest) if rest else "")
    if not regions and not sectors:
        return str(_l("every member organisation"))
    parts = [str(Region(r).label) for r in regions] + [str(Sector(s).label) for s in sectors]
    return ", ".join(parts)


class RegionsAndSectors:
    """The fields of a form that chooses an audience by region and sector (a mixin of a PortalForm)."""

    regions = CheckboxesField(_l("Regions (none: all)"), choices=choices(Region.labels().items()),
                              validate_choice=True)
    sectors = CheckboxesField(_l("Sectors (none: all)"), choices=choices(Sector.labels().items()),
                              validate_choice=True)
