"""Organisation profiles, colleagues, the directory and suspension: the rules behind those pages."""

import functools

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.audit.services import record
from portal.auth import services as accounts
from portal.auth.access import is_admin_of
from portal.auth.models import User
from portal.db import LIKE_ESCAPE, contains_pattern, serialise
from portal.extensions import db
from portal.members import emails
from portal.members.models import Membership, Organisation, OrganisationCard, OrgStatus, Role

DIRECTORY_PAGE_SIZE = 20
CHANNEL_KINDS = ("website", "facebook", "line", "x", "youtube", "tiktok", "instagram", "broadcast", "other")


class ProfileError(ValueError):
    """A rule about profiles or colleagues was broken; the message (translatable) is for the user."""


# Who sees what

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


def is_active_member(user):
    """Tell whether a person belongs to at least one active organisation (loaded with the user: no query)."""
    return user.in_active_organisation


def suspended_organisations_of(user):
    """The person's organisations that are suspended, for telling them why pages are closed."""
    return db.session.scalars(sa.select(Organisation).join(Membership).where(
        Membership.user_id == user.id, Organisation.status == OrgStatus.SUSPENDED)).all()


def profile(slug):
    """An organisation with its people loaded, or None."""
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug).options(
        selectinload(Organisation.memberships).selectinload(Membership.user)))


# Editing

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
    _tell_admins_of_coordinator_change(organisation, section, by)
    return changed


def _tell_admins_of_coordinator_change(organisation, section, by):
    """A coordinator changes no organisation silently: its admins are mailed (its own admins' changes are not)."""
    if not is_admin_of(by, organisation):
        emails.notify_admins_of_coordinator_edit(organisation, by, section, admins_of(organisation))


def admins_of(organisation):
    """The organisation's active admins."""
    return db.session.scalars(sa.select(User).join(Membership).where(
        Membership.organisation_id == organisation.id, Membership.role == Role.ORG_ADMIN, User.active)).all()


# Colleagues

def _active_admin_count(organisation):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).join(User).where(
        Membership.organisation_id == organisation.id, Membership.role == Role.ORG_ADMIN, User.active))


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
    db.session.refresh(by)
    if not (by.active and (by.is_admin or (organisation.status == OrgStatus.ACTIVE and db.session.scalar(
            sa.select(sa.exists().where(Membership.user_id == by.id, Membership.organisation_id == organisation.id,
                                        Membership.role == Role.ORG_ADMIN)))))):
        raise ProfileError(_l("You can no longer change this organisation's people."))


def _keep_an_admin(membership, stays_admin):
    """An organisation keeps at least one active admin (a deactivated admin counts for nothing)."""
    if (membership.role == Role.ORG_ADMIN and not stays_admin and membership.user.active
            and _active_admin_count(membership.organisation) <= 1):
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
    accounts.revoke_invitations_beyond_rights(membership.user, by)
    _tell_admins_of_coordinator_change(membership.organisation, "people", by)


def remove_colleague(membership, by):
    """Take a person out of the organisation (their account stays, their pending invitations into it are revoked);
    never the last active admin."""
    _lock_people(membership, by)
    _keep_an_admin(membership, stays_admin=False)
    organisation, person = membership.organisation, membership.user
    record("organisation.colleague_removed", organisation, actor=by, person=person.email)
    db.session.delete(membership)
    accounts.revoke_invitations_beyond_rights(person, by)
    _tell_admins_of_coordinator_change(organisation, "people", by)


# Status

def set_status(organisation, status, reason, by):
    """Suspend or reactivate an organisation, with the reason its admins are mailed."""
    if status == OrgStatus.SUSPENDED and not reason.strip():
        raise ProfileError(_l("Give the organisation a reason."))
    organisation.status = status
    organisation.status_reason = reason.strip() if status == OrgStatus.SUSPENDED else ""
    record("organisation.suspended" if status == OrgStatus.SUSPENDED else "organisation.reactivated",
           organisation, actor=by, reason=reason.strip() or None)
    emails.notify_admins_of_status(organisation, admins_of(organisation))


# The directory

SEARCH_WORDS = 8


def _search_words(words, dialect):
    """Split a search's words into words matched through SQLite's FTS5 trigram table (three characters or more: its
    migration says why) and words matched with LIKE (shorter ones, and every word on PostgreSQL, where a pg_trgm index
    serves LIKE itself)."""
    if dialect != "sqlite":
        return [], words
    return [w for w in words if len(w) >= 3], [w for w in words if len(w) < 3]


@functools.cache
def _directory_statements(indexed, likes, region, sector, listed_only, public_likes=0):
    """The count and the page statements for one shape of search, built once and reused with new values.

    Building a statement and its cache key costs more than SQLite takes to answer it; the values (the words, the
    region, the sector, the page) are bound parameters. `indexed`: whether the trigram index is searched; `likes`:
    how many words go through LIKE; `region`, `sector`: whether those filters apply; `listed_only`: the public list
    (listed organisations only); `public_likes`: how many words must also be found in what visitors see.
    """
    active = Organisation.status == OrgStatus.ACTIVE
    filters = [Organisation.search_text.like(sa.bindparam(f"like_{n}"), escape=LIKE_ESCAPE) for n in range(likes)]
    if indexed:
        filters.append(Organisation.id.in_(
            sa.select(sa.literal_column("rowid")).select_from(sa.table("organisation_search"))
            .where(sa.text("organisation_search MATCH :phrase"))))
    if listed_only:
        filters.append(Organisation.listed_publicly)
    # The index finds what members could find; visitors find among it only by what they see (not by expertise shown
    # to members only).
    filters += [Organisation.public_search_text.like(sa.bindparam(f"public_{n}"), escape=LIKE_ESCAPE)
                for n in range(public_likes)]
    if region:
        filters.append(Organisation.region == sa.bindparam("region"))
    if sector:
        filters.append(Organisation.sector == sa.bindparam("sector"))
    if filters:
        # `active` as a FILTER, not in the WHERE clause: SQLite then finds the rows through the filter's own index
        # (the search's matches, the region or sector index) instead of walking every active entry of the
        # (status, sort_key) index (a search at 10,000 organisations: ~0.3 ms against ~1.6 ms).
        count = sa.select(sa.func.count().filter(active)).select_from(Organisation).where(*filters)
    else:  # no filter: counted in the (status, sort_key) index alone
        count = sa.select(sa.func.count()).select_from(Organisation).where(active)
    page = (OrganisationCard.select().where(active, *filters)
            .order_by(Organisation.sort_key, Organisation.id)
            .limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))
    return count, page


def directory(text="", region=None, sector=None, page=1, listed_only=False):
    """One page of active organisations matching every word of `text`, by Thai order; and the total.

    `listed_only`: the public list, searched in what visitors see. Two queries, one when the page is empty. The page
    is OrganisationCards, not Organisations.
    """
    words = text.lower().split()[:SEARCH_WORDS]
    indexed, likes = _search_words(words, db.session.get_bind().dialect.name)
    public = words if listed_only else []
    count, rows = _directory_statements(bool(indexed), len(likes), bool(region), bool(sector), listed_only,
                                        len(public))
    values = {f"like_{n}": contains_pattern(word) for n, word in enumerate(likes)}
    if indexed:  # each word quoted: no FTS syntax gets through
        values["phrase"] = " ".join('"' + w.replace('"', '""') + '"' for w in indexed)
    values.update({f"public_{n}": contains_pattern(word) for n, word in enumerate(public)})
    if region:
        values["region"] = region
    if sector:
        values["sector"] = sector
    # Plain rows, not ORM objects: run on the session's connection, skipping the ORM's per-statement work.
    connection = db.session.connection()
    total = connection.execute(count, values).scalar()
    if total <= (page - 1) * DIRECTORY_PAGE_SIZE:
        return [], total  # an empty page: with no match, the query below would walk the whole index for nothing
    values.update(limit=DIRECTORY_PAGE_SIZE, offset=(page - 1) * DIRECTORY_PAGE_SIZE)
    return [OrganisationCard._make(row) for row in connection.execute(rows, values)], total


def directory_export():
    """Every active organisation with the fields a coordinator exports, by Thai order."""
    return db.session.scalars(sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE)
                              .order_by(Organisation.sort_key, Organisation.id)).all()
