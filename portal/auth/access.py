"""Who may do what: the authorisation rules every view checks on the server."""

from functools import wraps

import sqlalchemy as sa
from flask import abort, redirect, url_for
from flask_login import current_user, login_required, login_fresh

from portal.extensions import db
from portal.members.models import Membership, Organisation, OrgStatus, Role


def coordinator_required(view):
    """Let only network coordinators in: others get 403, visitors the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def fresh_login_required(view):
    """Ask for the password again when the session was restored from a remember cookie."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not login_fresh():
            return redirect(url_for("auth.reauthenticate", next=url_for("auth.account")), 303)
        return view(*args, **kwargs)

    return wrapped


def administered_organisations(user):
    """The organisations a person may invite into: all active ones for a coordinator, else those they administer."""
    query = sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE).order_by(Organisation.name_th)
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id, Membership.role == Role.ORG_ADMIN)
    return db.session.scalars(query).all()


def can_administer(user, organisation):
    """Tell whether a person may edit an organisation's profile and manage its people and invitations: coordinators
    always; its own admins while it is active (a suspended organisation's admins change nothing until reactivated)."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return organisation.status == OrgStatus.ACTIVE and is_admin_of(user, organisation)


def is_admin_of(user, organisation):
    """Tell whether a person is one of an organisation's own admins (whatever its status)."""
    return any(m.organisation_id == organisation.id and m.role == Role.ORG_ADMIN for m in user.memberships)


def invitation_manager_required(view):
    """Let in coordinators and the admins of an active organisation (the people who can invite)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not (current_user.is_admin or any(can_administer(current_user, m.organisation)
                                             for m in current_user.memberships)):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


