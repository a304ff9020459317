"""Who may post, see, answer and follow which share request: each rule in one place."""

import sqlalchemy as sa
from flask import abort

from portal.extensions import db
from portal.organisations.access import organisations_run_by
from portal.organisations.models import OrgStatus, Role
from portal.shares.models import SharePolicy, ShareRequest, ShareTarget


def my_organisations(user):
    """The active organisations a person belongs to."""
    if not user.is_authenticated:
        return []
    return [m.organisation for m in user.memberships if m.organisation.status == OrgStatus.ACTIVE]


def poster_organisations(user):
    """The organisations a person may post share requests for: those they administer (active), and those whose
    admins let every member post."""
    if not user.is_authenticated:
        return []
    memberships = [m for m in user.memberships if m.organisation.status == OrgStatus.ACTIVE]
    as_member = [m.organisation_id for m in memberships if m.role != Role.ORG_ADMIN]
    allowed = set(db.session.scalars(sa.select(SharePolicy.organisation_id).where(
        SharePolicy.organisation_id.in_(as_member), SharePolicy.members_may_post))) if as_member else set()
    return [m.organisation for m in memberships if m.role == Role.ORG_ADMIN or m.organisation_id in allowed]


def administered(user):
    """The active organisations whose admins this person is (they decide whether members may post)."""
    return organisations_run_by(user)


def may_post(user):
    return bool(poster_organisations(user))


def may_manage(user, share):
    """Coordinators, and the people of the organisation that posted a request, follow its answers and reports."""
    if not user.is_authenticated:
        return False
    return user.is_admin or any(o.id == share.organisation_id for o in my_organisations(user))


def answering_organisation(user, share):
    """The person's organisation among those the request asks (None: they may not answer it)."""
    mine = {o.id: o for o in my_organisations(user)}
    if not mine:
        return None
    asked = db.session.scalar(sa.select(ShareTarget.organisation_id).where(
        ShareTarget.request_id == share.id, ShareTarget.organisation_id.in_(mine)).order_by(
        ShareTarget.organisation_id).limit(1))
    return mine.get(asked)


def may_see(user, share, answering):
    """Its poster's organisation and coordinators always; the organisations asked while it is not hidden."""
    if may_manage(user, share):
        return True
    return not share.is_hidden and answering is not None


def share_or_abort(share_id, user, manage=False):
    """The request and the person's organisation that may answer it (or None), for a view: 404 to whoever may not see
    it, 403 to whoever may see it but not follow it when `manage` is asked."""
    share = db.get_or_404(ShareRequest, share_id)
    answering = answering_organisation(user, share)
    if not may_see(user, share, answering):
        abort(404)
    if manage and not may_manage(user, share):
        abort(403)
    return share, answering
