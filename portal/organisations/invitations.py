"""Invitations into an organisation: sent by its admins or coordinators, accepted once through a mailed link,
resent, revoked, and fallen when the inviter loses the right to send them."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.audit.services import record
from portal.auth import services as accounts
from portal.auth.models import User, new_session_token
from portal.auth.passwords import hash_password
from portal.db import claim, utcnow
from portal.extensions import db
from portal.organisations import emails
from portal.organisations.access import may_invite
from portal.organisations.models import (
    Membership,
    MembershipInvitation,
    OrgStatus,
    Role,
)
from portal.tokens import TokenError, make_token, read_token


class InvitationError(ValueError):
    """A rule about invitations was broken; the message (translatable) is for the user."""


class LogInFirst(Exception):
    """The invitation is for an address that has an account: its owner accepts it logged in."""


class AlreadyAccepted(TokenError):
    """The invitation's link was used to join: its page says so and leads to the login (`invitation`)."""

    def __init__(self, invitation):
        super().__init__()
        self.invitation = invitation


_KNOWN_DETAILS = "portal.invitation_known_details"


def register_known_details(app, details):
    """Let a domain say what it knows of an invited person: `details(invitation)` returns account fields
    ({"name": ..., "privacy_version": ...}) or None. An approved applicant has given their name and accepted the
    privacy notice already."""
    app.extensions.setdefault(_KNOWN_DETAILS, []).append(details)


def known_details(invitation):
    """The account fields other domains know of the invited person (None values left out)."""
    known = {}
    for details in current_app.extensions.get(_KNOWN_DETAILS, ()):
        known.update({field: value for field, value in (details(invitation) or {}).items() if value is not None})
    return known


def name_hint(invitation):
    """The name the invited person is known by already, to fill in for them, or ""."""
    return known_details(invitation).get("name", "")


def _expiry():
    return utcnow() + timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])


def invitation_token(invitation):
    """The token of the invitation's current link (resending makes a new one)."""
    return make_token("invitation", {"i": invitation.id, "n": invitation.nonce})


def stands(invitation):
    """Tell whether an invitation still stands: on the network's decision (an approval's), or on its inviter's rights."""
    return invitation.from_approval or may_invite(invitation.invited_by, invitation.organisation_id)


def revoke_beyond_rights(user, by):
    """Revoke the pending invitations a person sent that they may no longer send (they were deactivated, demoted or
    removed, or lost the coordinator role); return how many. Called after any change that takes rights away."""
    pending = db.session.scalars(sa.select(MembershipInvitation).where(
        MembershipInvitation.invited_by_id == user.id, MembershipInvitation.accepted_at.is_(None),
        MembershipInvitation.revoked_at.is_(None), MembershipInvitation.expires_at > utcnow(),
        MembershipInvitation.from_approval.is_(False))).all()
    revoked = [invitation for invitation in pending if not may_invite(user, invitation.organisation_id)]
    for invitation in revoked:
        invitation.revoked_at = utcnow()
        record("organisation.invitation_revoked", invitation, actor=by, email=invitation.email,
               reason="inviter_lost_rights")
    return len(revoked)


def invite(email, organisation, role, by, language="th", from_approval=False):
    """Invite a person into an organisation with a role, and mail them the link (`from_approval`: see the model)."""
    email = accounts.normalise_email(email)
    existing = accounts.find_user_by_email(email)
    if existing and any(m.organisation_id == organisation.id for m in existing.memberships):
        raise InvitationError(_l("This person is already in the organisation."))
    pending = db.session.scalar(sa.select(MembershipInvitation).where(
        MembershipInvitation.email == email, MembershipInvitation.organisation_id == organisation.id,
        MembershipInvitation.accepted_at.is_(None), MembershipInvitation.revoked_at.is_(None),
        MembershipInvitation.expires_at > utcnow()))
    if pending:
        raise InvitationError(_l("This person already has a pending invitation; resend it instead."))
    invitation = MembershipInvitation(email=email, organisation=organisation, role=Role(role), invited_by=by,
                                      language=language, expires_at=_expiry(), from_approval=from_approval)
    db.session.add(invitation)
    db.session.flush()
    emails.send_invitation(invitation, invitation_token(invitation))
    record("organisation.invitation_sent", invitation, actor=by, email=email, organisation=organisation,
           role=Role(role).value)
    return invitation


def resend(invitation, by):
    """Send a fresh link (the old one stops working) with a new expiry."""
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationError(_l("This invitation can no longer be resent."))
    invitation.nonce = new_session_token()
    invitation.expires_at = _expiry()
    invitation.sent_at = utcnow()
    emails.send_invitation(invitation, invitation_token(invitation))
    record("organisation.invitation_resent", invitation, actor=by, email=invitation.email)


def revoke(invitation, by):
    """Make an invitation's link stop working."""
    if invitation.accepted_at:
        raise InvitationError(_l("This invitation was already accepted."))
    invitation.revoked_at = invitation.revoked_at or utcnow()
    record("organisation.invitation_revoked", invitation, actor=by, email=invitation.email)


def for_token(token):
    """Return the pending invitation of a link, or raise TokenError (expired, used, revoked, resent, tampered, or
    fallen with its inviter's rights)."""
    data = read_token("invitation", token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(MembershipInvitation, data.get("i", 0))
    if invitation is None or invitation.nonce != data.get("n"):
        raise TokenError()
    if invitation.accepted_at:
        raise AlreadyAccepted(invitation)
    if not invitation.is_pending:
        raise TokenError(expired=invitation.expires_at <= utcnow())
    if not stands(invitation):  # revoked when the rights were lost; checked again here
        raise TokenError()
    return invitation


def on_hold(invitation):
    """Tell whether an invitation waits for its organisation's reactivation: a suspended organisation takes in nobody
    (the link keeps working until it expires)."""
    return invitation.organisation.status != OrgStatus.ACTIVE


def account_of(invitation):
    """The account that already has the invitation's address, or None (a new person sets one up)."""
    return accounts.find_user_by_email(invitation.email)


def accept(invitation, viewer, name=None, password=None):
    """Accept an invitation and return (the person, whether their account is new).

    For an address without an account, a new account is made with `name` and `password`. For an address with one,
    only its owner, logged in as `viewer`, joins: anyone else gets LogInFirst. The invitation is used up in one
    conditional statement before anything is added: of the same link posted twice at once, one accepts and the
    other raises TokenError, as a used link does."""
    if on_hold(invitation):
        raise InvitationError(_l("The organisation is suspended from the network: the invitation can be accepted "
                                 "once it is reactivated."))
    user = account_of(invitation)
    if user is not None:
        if not (viewer.is_authenticated and viewer.id == user.id):
            raise LogInFirst()
        if any(m.organisation_id == invitation.organisation_id for m in user.memberships):
            raise InvitationError(_l("You already belong to this organisation."))
    else:
        accounts.check_password_rules(password)
        password_hash = hash_password(password)  # before the claim: the slow part stays out of the transaction
    if not claim(db.session, MembershipInvitation, MembershipInvitation.id == invitation.id,
                 MembershipInvitation.nonce == invitation.nonce, MembershipInvitation.accepted_at.is_(None),
                 MembershipInvitation.revoked_at.is_(None), accepted_at=utcnow()):
        db.session.rollback()
        raise TokenError()
    created = user is None
    if created:
        user = User(**{**known_details(invitation), "email": invitation.email, "name": name.strip(),
                       "password_hash": password_hash, "language": invitation.language,
                       "email_confirmed_at": utcnow()})
        db.session.add(user)
    db.session.add(Membership(user=user, organisation=invitation.organisation, role=invitation.role))
    record("organisation.invitation_accepted", invitation, actor=user, email=user.email)
    try:
        db.session.flush()  # a new person has an id (and session token) to log in with
    except sa.exc.IntegrityError as error:  # the address or the membership was taken meanwhile (another invitation)
        db.session.rollback()
        raise InvitationError(_l("An account with this address exists: log in to accept the invitation.")) from error
    db.session.refresh(invitation)
    return user, created


def for_organisations(organisations):
    """The invitations into these organisations, newest first, with their organisation and inviter loaded."""
    ids = [organisation.id for organisation in organisations]
    return db.session.scalars(
        sa.select(MembershipInvitation).where(MembershipInvitation.organisation_id.in_(ids))
        .order_by(MembershipInvitation.created_at.desc())
        .options(selectinload(MembershipInvitation.organisation), selectinload(MembershipInvitation.invited_by))
        .limit(200)
    ).all()
