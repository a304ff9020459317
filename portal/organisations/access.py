"""Who may see and change what of an organisation: the rules every view checks on the server, each in one place."""

import sqlalchemy as sa

from portal.extensions import db
from portal.organisations.models import Membership, Organisation, OrgStatus, Role


def is_active_member(user):
    """Tell whether a person belongs to at least one active organisation (read with the person: no query)."""
    facts = getattr(user, "facts", {})
    if "in_active_organisation" in facts:
        return facts["in_active_organisation"]
    return any(m.organisation.status == OrgStatus.ACTIVE for m in user.memberships)


def is_admin_of(user, organisation):
    """Tell whether a person is one of an organisation's own admins (whatever its status)."""
    return any(m.organisation_id == organisation.id and m.role == Role.ORG_ADMIN for m in user.memberships)


def can_administer(user, organisation):
    """Tell whether a person may edit an organisation's profile and manage its people and invitations: coordinators
    always; its own admins while it is active (a suspended organisation's admins change nothing until reactivated)."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return organisation.status == OrgStatus.ACTIVE and is_admin_of(user, organisation)


def may_manage_invitations(user):
    """Tell whether a person may invite people into some organisation (coordinators, admins of an active one)."""
    return user.is_authenticated and (user.is_admin or any(can_administer(user, m.organisation)
                                                           for m in user.memberships))


def may_invite(user, organisation_id):
    """Tell whether a person may (still) invite into an organisation: an active coordinator, or an active admin of it.

    Read from the database, not from the person's loaded memberships, which a change in this transaction may have
    made stale. (A suspended organisation's invitations wait for its reactivation: see invitations.on_hold.)"""
    if user is None or not user.active:
        return False
    if user.is_admin:
        return True
    return db.session.scalar(sa.select(sa.exists().where(
        Membership.user_id == user.id, Membership.organisation_id == organisation_id, Membership.role == Role.ORG_ADMIN)))


def organisations_run_by(user):
    """The active organisations a person belongs to and may administer (for what they do in its name: host events,
    alert its people, decide who posts share requests)."""
    if not user.is_authenticated:
        return []
    return [m.organisation for m in user.memberships
            if m.organisation.status == OrgStatus.ACTIVE and can_administer(user, m.organisation)]


def administered_organisations(user):
    """The organisations a person may invite into: all active ones for a coordinator, else those they administer."""
    query = sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE).order_by(Organisation.name_th)
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id, Membership.role == Role.ORG_ADMIN)
    return db.session.scalars(query).all()


def relation_to(user, organisation):
    """How a viewer stands to an organisation: "own" (its people and coordinators), "member" or "public"."""
    if user.is_authenticated:
        if user.is_admin or any(m.organisation_id == organisation.id for m in user.memberships):
            return "own"
        if is_active_member(user):
            return "member"
    return "public"


def directory_relation(user):
    """How a viewer of the members' directory stands to the organisations listed: coordinators see everything, members
    what members see (their own organisation's card too: the directory shows it as the other members see it)."""
    return "own" if user.is_admin else "member"


class Refused(Exception):
    """A person may not see or change an organisation's page; `answer` says how to tell them: "login" (a visitor is
    asked to log in), "not_found" (404: nothing to tell), "closed" (403, with the suspension's reason, for the
    organisation's own people) or "forbidden" (403)."""

    def __init__(self, answer):
        super().__init__(answer)
        self.answer = answer


def viewing(user, organisation):
    """The viewer's relation to an organisation whose profile they may see, or raise Refused.

    Visitors are asked to log in for any profile not on the public list, whether or not it exists: the answer tells
    nobody which unlisted organisations are members. Only coordinators see an organisation that is not active."""
    shown = organisation is not None and (organisation.status == OrgStatus.ACTIVE
                                          or (user.is_authenticated and user.is_admin))
    if not user.is_authenticated and not (shown and organisation.listed_publicly):
        raise Refused("login")
    if not shown:
        raise Refused("not_found")
    relation = relation_to(user, organisation)
    if relation == "public" and not organisation.listed_publicly:
        raise Refused("closed")
    return relation


def editing(user, organisation):
    """Raise Refused unless the person may change the organisation (its profile, logo, people)."""
    if organisation is None:
        raise Refused("not_found")
    if not can_administer(user, organisation):
        if organisation.status != OrgStatus.ACTIVE:  # closed, as its profile is: its own people are told why
            raise Refused("closed" if relation_to(user, organisation) == "own" else "not_found")
        raise Refused("forbidden")


def suspended_organisations_of(user):
    """The person's organisations that are suspended, for telling them why pages are closed."""
    return db.session.scalars(sa.select(Organisation).join(Membership).where(
        Membership.user_id == user.id, Organisation.status == OrgStatus.SUSPENDED)).all()
