"""The privacy notice's acceptance, and erasure: a person's account anonymised at their request, or a former
colleague's by an admin of their organisation. Signatures on agreements keep the typed name and position."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.alerts.models import Recipient
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.auth.models import new_session_token
from portal.auth.signals import rights_lost
from portal.db import utcnow
from portal.events.feed_models import CalendarFeed
from portal.events.models import Invitation
from portal.extensions import db
from portal.i18n import page_language
from portal.mail.models import MailPreference, OutboxAttachment, OutboxMessage, OutboxStatus
from portal.organisations.access import is_admin_of
from portal.organisations.models import Membership, MembershipInvitation, OrgStatus, Role
from portal.organisations.profiles import admins_of
from portal.privacy_notice import CURRENT

# What an erased person is called from then on (stored: every page shows it as it is).
FORMER_MEMBER = "Former member"


class PrivacyError(Exception):
    """A request the rules refuse, with the reason to show."""


class NotAllowed(PrivacyError):
    """The viewer may not erase this person."""


# Acceptance of the notice

def needs_acceptance(user):
    """Tell whether a logged-in person has not accepted the current notice."""
    return user.is_authenticated and (user.privacy_version or 0) < CURRENT.version


def accept_notice(user):
    """Record that the person accepted the current notice, now."""
    user.privacy_version, user.privacy_accepted_at = CURRENT.version, utcnow()
    record("privacy.notice_accepted", user, actor=user, version=CURRENT.version)


# Erasure

def erased_address(user):
    """A unique address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"deleted-{user.id}@invalid"


def why_not_leave(user):
    """Why this person cannot delete their own account now (a translatable message), or None."""
    if user.is_admin:
        return _l("You are a network coordinator: ask another coordinator to remove that role first.")
    for membership in user.memberships:
        organisation = membership.organisation
        if (membership.role == Role.ORG_ADMIN and organisation.status == OrgStatus.ACTIVE
                and [admin.id for admin in admins_of(organisation)] == [user.id]):
            return _l("You are the only organisation admin of %(name)s: make a colleague an admin first.",
                      name=organisation.name_in(page_language()))
    return None


def erase_own_account(user):
    """Anonymise the person's own account (its password confirmed by the view), if the rules allow it."""
    reason = why_not_leave(user)
    if reason:
        raise PrivacyError(reason)
    erase(user, by=user, action="privacy.account_erased")


def may_erase_colleague(viewer, membership):
    """Tell whether `viewer` may erase the person of `membership`: an admin of that active organisation, erasing
    someone other than themselves who is no coordinator and belongs to no other organisation."""
    person, organisation = membership.user, membership.organisation
    return (viewer.is_authenticated and viewer.active and organisation.status == OrgStatus.ACTIVE
            and is_admin_of(viewer, organisation) and person.id != viewer.id and not person.is_admin
            and all(m.organisation_id == organisation.id for m in person.memberships))


def erase_colleague(membership, by):
    """Take a former colleague out of the organisation and anonymise their account (`by`'s password confirmed by
    the view)."""
    if not may_erase_colleague(by, membership):
        raise NotAllowed()
    erase(membership.user, by=by, action="privacy.colleague_erased", organisation=membership.organisation)


def erase(user, by, action, **details):
    """Anonymise a person everywhere the portal keeps their name or address, except the signatures on agreements
    (the typed name and position stay, as the law of evidence needs them). One transaction: the caller commits."""
    old_email, old_name, new_email = user.email, user.name, erased_address(user)
    for membership in list(user.memberships):
        db.session.delete(membership)
    _forget_address(user, old_email, new_email)
    _scrub_audit_log(user, {old_email: new_email, old_name: FORMER_MEMBER} if old_name else {old_email: new_email})
    user.name, user.email, user.password_hash = FORMER_MEMBER, new_email, None
    user.active, user.is_admin, user.email_confirmed_at = False, False, None
    user.session_token = new_session_token()  # every session ends
    db.session.flush()
    rights_lost.send(user, by=by)  # the invitations the person sent fall, as when an account is deactivated
    record(action, user, actor=by, **details)
    db.session.flush()


def _forget_address(user, old_email, new_email):
    """Replace the person's address wherever it was kept; drop what only served to mail them."""
    db.session.execute(sa.delete(MailPreference).where(MailPreference.address == old_email))
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    in_flight = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED)
    to_them = sa.select(OutboxMessage.id).where(OutboxMessage.recipient == old_email)
    db.session.execute(sa.delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(to_them)))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.recipient == old_email,
                                                      OutboxMessage.status.in_(in_flight)))
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.recipient == old_email)
                       .values(recipient=new_email, body_text="", body_html=""))
    now = utcnow()
    db.session.execute(sa.update(MembershipInvitation).where(
        MembershipInvitation.email == old_email, MembershipInvitation.accepted_at.is_(None),
        MembershipInvitation.revoked_at.is_(None)).values(revoked_at=now))
    db.session.execute(sa.update(MembershipInvitation).where(MembershipInvitation.email == old_email)
                       .values(email=new_email))
    for invitation in db.session.scalars(sa.select(Invitation).where(
            sa.or_(Invitation.user_id == user.id, Invitation.email == old_email))):
        invitation.email, invitation.name = f"deleted-{user.id}-{invitation.id}@invalid", ""
    db.session.execute(sa.update(Recipient).where(Recipient.user_id == user.id).values(email=new_email, name=""))
    applied = db.session.scalars(sa.select(Application.id).where(Application.applicant_email == old_email)).all()
    if applied:  # an applicant acts in the audit log by the name they gave
        db.session.execute(sa.update(AuditEvent).where(
            AuditEvent.target_type == "application", AuditEvent.target_id.in_(applied), AuditEvent.actor_name != "")
            .values(actor_name=FORMER_MEMBER).execution_options(synchronize_session=False))
    db.session.execute(sa.update(Application).where(Application.applicant_email == old_email).values(
        applicant_email=new_email, applicant_name=FORMER_MEMBER, applicant_position=""))


def _scrub_audit_log(user, replacements):
    """Replace the person's name and address in the details of the audit events that mention them."""
    mentions = sa.or_(AuditEvent.actor_id == user.id,
                      sa.and_(AuditEvent.target_type == "user", AuditEvent.target_id == user.id),
                      *(sa.cast(AuditEvent.details, sa.Text).contains(text) for text in replacements if text.isascii()))
    for audit_event in db.session.scalars(sa.select(AuditEvent).where(mentions)):
        scrubbed = _replace(audit_event.details or {}, replacements)
        if scrubbed != audit_event.details:
            audit_event.details = scrubbed


def _replace(value, replacements):
    if isinstance(value, dict):
        return {key: _replace(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, replacements) for item in value]
    if isinstance(value, str):
        for old, new in replacements.items():
            # An address wherever it appears (in "to x@y", say); a name only as a whole value.
            value = value.replace(old, new) if "@" in old else (new if value == old else value)
    return value


def membership_or_none(membership_id):
    """The membership with this id, or None."""
    return db.session.get(Membership, membership_id)
