"""Who may draft, read, sign and certify what of an agreement: each rule in one place."""

import sqlalchemy as sa

from portal.agreements.models import AgreementKind, AgreementVersion, VersionParty
from portal.auth.models import User
from portal.extensions import db
from portal.organisations.access import can_administer, is_active_member
from portal.organisations.models import Membership, Organisation, OrgStatus


def may_draft(user, kind, organisation=None):
    """Coordinators draft charters; an active member organisation's admins draft cooperation agreements for it."""
    if not user.is_authenticated:
        return False
    if kind == AgreementKind.CHARTER:
        return user.is_admin
    return organisation is not None and organisation.status == OrgStatus.ACTIVE and can_administer(user, organisation)


def drafting_organisations(user):
    """The organisations a person may draft a cooperation agreement for (those they administer, active)."""
    return [m.organisation for m in user.memberships
            if m.organisation.status == OrgStatus.ACTIVE and can_administer(user, m.organisation)]


def may_edit(user, agreement):
    """Tell whether a person writes the agreement's drafts (and publishes them): its drafters' side."""
    return may_draft(user, agreement.kind, agreement.author_organisation)


def party_ids(agreement):
    """The ids of every organisation party to any version of the agreement (one query)."""
    return set(db.session.scalars(
        sa.select(VersionParty.organisation_id).join(AgreementVersion, AgreementVersion.id == VersionParty.version_id)
        .where(AgreementVersion.agreement_id == agreement.id)))


def may_read(user, agreement):
    """Coordinators and the drafters read everything; once published, the people of its parties read it (a charter
    is every member's)."""
    if not user.is_authenticated:
        return False
    if user.is_admin or may_edit(user, agreement):
        return True
    if not agreement.versions:
        return False  # a draft is its drafters' alone
    if agreement.kind == AgreementKind.CHARTER:
        return is_active_member(user)
    mine = {m.organisation_id for m in user.memberships if m.organisation.status == OrgStatus.ACTIVE}
    return bool(mine & party_ids(agreement))


def signs_for(user, version):
    """The party organisations of a version this person may sign for: those whose authorised signatory they are,
    while the organisation is active and the person's account is (read from the database, not the loaded person)."""
    if not (user.is_authenticated and user.active):
        return []
    return db.session.scalars(
        sa.select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
        .join(VersionParty, VersionParty.organisation_id == Organisation.id)
        .where(VersionParty.version_id == version.id, Membership.user_id == user.id, Membership.is_signatory,
               Organisation.status == OrgStatus.ACTIVE)
        .order_by(VersionParty.position)).all()


def signatories_of(organisation_ids):
    """The active authorised signatories of these organisations, by organisation id (one query)."""
    rows = db.session.execute(
        sa.select(Membership.organisation_id, User).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(list(organisation_ids)), Membership.is_signatory, User.active)
        .order_by(User.id)).all()
    found = {}
    for organisation_id, user in rows:
        found.setdefault(organisation_id, []).append(user)
    return found
