"""An organisation's people: roles, positions, signing authority, and taking someone out. An organisation always
keeps an active admin, even when two admins change each other at the same moment."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.audit.services import record
from portal.db import serialise
from portal.extensions import db
from portal.organisations import invitations
from portal.organisations.access import can_administer
from portal.organisations.models import Membership, Role
from portal.organisations.profiles import ProfileError, admins_of, tell_admins_of_coordinator_change


def _lock_people(membership, by):
    """Serialise the changes to an organisation's people, then read again what the rules need: the membership (it may
    have changed or gone meanwhile), the organisation and the rights of the person changing it. Of two admins
    demoting each other at the same moment, the second finds they are no longer an admin."""
    organisation = membership.organisation
    serialise(db.session, f"organisation-people:{organisation.id}")
    fresh = db.session.scalar(sa.select(Membership).where(Membership.id == membership.id)
                              .execution_options(populate_existing=True))
    if fresh is None:
        raise ProfileError(_l("This person is no longer in the organisation."))
    db.session.refresh(organisation)
    db.session.refresh(by)  # and their memberships, read afresh on the rule's next look
    if not (by.active and can_administer(by, organisation)):
        raise ProfileError(_l("You can no longer change this organisation's people."))


def _keep_an_admin(membership, stays_admin):
    """An organisation keeps at least one active admin (a deactivated admin counts for nothing)."""
    if (membership.role == Role.ORG_ADMIN and not stays_admin and membership.user.active
            and len(admins_of(membership.organisation)) <= 1):
        raise ProfileError(_l("The organisation must keep at least one organisation admin."))


def update_colleague(membership, role, position, is_signatory, by):
    """Change a colleague's role, position or signing authority; an organisation always keeps an active admin, and a
    demoted admin's pending invitations are revoked."""
    _lock_people(membership, by)
    _keep_an_admin(membership, stays_admin=Role(role) == Role.ORG_ADMIN)
    changes = {"role": Role(role).value, "position": position, "is_signatory": is_signatory}
    membership.role, membership.position, membership.is_signatory = Role(role), position, is_signatory
    record("organisation.colleague_updated", membership.organisation, actor=by, person=membership.user.email,
           **changes)
    invitations.revoke_beyond_rights(membership.user, by)
    tell_admins_of_coordinator_change(membership.organisation, "people", by)


def remove_colleague(membership, by):
    """Take a person out of the organisation (their account stays, their pending invitations into it are revoked);
    never the last active admin."""
    _lock_people(membership, by)
    _keep_an_admin(membership, stays_admin=False)
    organisation, person = membership.organisation, membership.user
    record("organisation.colleague_removed", organisation, actor=by, person=person.email)
    db.session.delete(membership)
    invitations.revoke_beyond_rights(person, by)
    tell_admins_of_coordinator_change(organisation, "people", by)
