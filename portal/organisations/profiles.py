"""Organisation profiles: editing them section by section, their logo, and an organisation's status."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.audit.services import record
from portal.auth.models import User
from portal.db import on_commit
from portal.extensions import db
from portal.organisations import emails, logos
from portal.organisations.access import is_admin_of
from portal.organisations.models import Membership, Organisation, OrgStatus, Role


class ProfileError(ValueError):
    """A rule about profiles or colleagues was broken; the message (translatable) is for the user."""


def profile(slug):
    """An organisation with its people loaded, or None."""
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug).options(
        selectinload(Organisation.memberships).selectinload(Membership.user)))


def update_profile(organisation, section, values, by):
    """Save one section of a profile; a coordinator's change is mailed to the organisation's admins."""
    changed = {}
    for name, value in values.items():
        if getattr(organisation, name) != value:
            changed[name] = value
            setattr(organisation, name, value)
    if not changed:
        return changed
    record("organisation.updated", organisation, actor=by, section=section, fields=sorted(changed))
    tell_admins_of_coordinator_change(organisation, section, by)
    return changed


def tell_admins_of_coordinator_change(organisation, section, by):
    """A coordinator changes no organisation silently: its admins are mailed (its own admins' changes are not)."""
    if not is_admin_of(by, organisation):
        emails.notify_admins_of_coordinator_edit(organisation, by, section, admins_of(organisation))


def admins_of(organisation):
    """The organisation's active admins."""
    return db.session.scalars(sa.select(User).join(Membership).where(
        Membership.organisation_id == organisation.id, Membership.role == Role.ORG_ADMIN, User.active)).all()


def replace_logo(organisation, stream, by):
    """Check an uploaded image, store it re-encoded as the organisation's logo (raises logos.LogoError); the old
    file is removed once the change is committed (kept if it is rolled back)."""
    name = logos.save_logo(stream)
    old = organisation.logo
    update_profile(organisation, "logo", {"logo": name}, by=by)
    on_commit(db.session, lambda: logos.delete_logo(old))
    return name


def remove_logo(organisation, by):
    """Take the logo off the profile; its file is removed once that is committed. Tell whether there was one."""
    old = organisation.logo
    if not old:
        return False
    update_profile(organisation, "logo", {"logo": ""}, by=by)
    on_commit(db.session, lambda: logos.delete_logo(old))
    return True


def set_status(organisation, status, reason, by):
    """Suspend or reactivate an organisation, with the reason its admins are mailed."""
    if status == OrgStatus.SUSPENDED and not reason.strip():
        raise ProfileError(_l("Give the organisation a reason."))
    organisation.status = status
    organisation.status_reason = reason.strip() if status == OrgStatus.SUSPENDED else ""
    record("organisation.suspended" if status == OrgStatus.SUSPENDED else "organisation.reactivated",
           organisation, actor=by, reason=reason.strip() or None)
    emails.notify_admins_of_status(organisation, admins_of(organisation))
