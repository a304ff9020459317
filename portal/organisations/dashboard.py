"""What the organisations domain puts on the dashboard: colleagues' invitations still open (for an organisation's
admins) and the organisations that joined the network lately (for everyone)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from portal.dashboard import LATELY, NOW, Item
from portal.db import utcnow
from portal.extensions import db
from portal.i18n import page_language
from portal.organisations.access import organisations_run_by
from portal.organisations.models import MembershipInvitation, Organisation, OrgStatus

LATELY_DAYS = 30


def waiting(user):
    """One query, for an organisation's admins: the open invitations of the organisations they run."""
    run = [o.id for o in organisations_run_by(user)] if user.is_authenticated else []
    if not run:
        return []
    count = db.session.scalar(sa.select(sa.func.count()).select_from(MembershipInvitation).where(
        MembershipInvitation.organisation_id.in_(run), MembershipInvitation.accepted_at.is_(None),
        MembershipInvitation.revoked_at.is_(None), MembershipInvitation.expires_at > utcnow()))
    return [Item(NOW, _("colleagues invited who have not joined yet"), url_for("invitations.index"), count,
                 kind="organisations.invitations")]


def items(user):
    """One query: the organisations that joined the network lately."""
    if not user.is_authenticated:
        return []
    found, now = [], utcnow()
    language = page_language()
    for organisation in db.session.scalars(
            sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE,
                                          Organisation.joined_at >= now - timedelta(days=LATELY_DAYS))
            .order_by(Organisation.joined_at.desc()).limit(5)):
        found.append(Item(LATELY, _("%(organisation)s joined the network", organisation=organisation.name_in(language)),
                          url_for("organisations.profile", slug=organisation.slug), when=organisation.joined_at,
                          kind="organisations.joined"))
    return found
