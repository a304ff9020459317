"""Every mail about organisations: invitations, and notices to an organisation's admins."""

from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.mail.services import mail_url, queue_mail, queue_notice_to
from portal.organisations.models import Section


def send_invitation(invitation, token):
    """Invite a person to set up their account in an organisation."""
    inviter = invitation.invited_by
    queue_mail(
        invitation.email, "organisations/invitation", _l("Invitation to the PR Network Portal"), kind="invitations",
        language=invitation.language,
        idempotency_key=f"invitation-{invitation.id}-{invitation.nonce}",
        invitation=invitation, inviter_name=inviter.name if inviter else "",
        link=mail_url("invitations.accept", token=token),
    )


def _to_admins(admins, organisation, subject, paragraphs, key, quote=""):
    for admin in admins:
        queue_notice_to(admin, f"organisation-{organisation.id}-{key}", subject, paragraphs, quote=quote,
                   link=mail_url("organisations.profile", slug=organisation.slug),
                   link_label=_l("Open the organisation profile"), kind="membership")


def notify_admins_of_coordinator_edit(organisation, coordinator, section, admins):
    """Tell an organisation's admins that a coordinator changed their profile."""
    _to_admins(admins, organisation, _l("A coordinator changed your organisation profile"),
               [_l("%(name)s, a network coordinator, changed the profile of %(organisation)s (%(section)s).",
                   name=coordinator.name or coordinator.email, organisation=organisation.name_th,
                   section=Section(section).label)],
               f"edit-{section}-{utcnow().timestamp():.6f}")


def notify_admins_of_status(organisation, admins):
    """Tell an organisation's admins it was suspended (and why) or reactivated."""
    if organisation.status.value == "suspended":
        subject = _l("Your organisation has been suspended from the PR Network")
        paragraphs = [_l("The network coordinators have suspended %(organisation)s, for this reason:",
                         organisation=organisation.name_th),
                      _l("While it is suspended, its members cannot use the member pages. "
                         "Reply to a coordinator to resolve it.")]
    else:
        subject = _l("Your organisation is active again in the PR Network")
        paragraphs = [_l("%(organisation)s is active again: its members can use the portal as before.",
                         organisation=organisation.name_th)]
    _to_admins(admins, organisation, subject, paragraphs,
               f"status-{organisation.status.value}-{utcnow().timestamp():.6f}", quote=organisation.status_reason)
