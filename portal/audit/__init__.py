"""The audit log: who did what to what, when and from where. Every workflow's state change writes one."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "auth.login": _l("Logged in"),
    "auth.profile_updated": _l("Profile updated"),
    "auth.password_changed": _l("Password changed"),
    "auth.password_reset_requested": _l("Password reset requested"),
    "auth.password_reset": _l("Password reset"),
    "auth.email_change_requested": _l("Email change requested"),
    "auth.email_changed": _l("Email address changed"),
    "auth.invitation_sent": _l("Invitation sent"),
    "auth.invitation_resent": _l("Invitation resent"),
    "auth.invitation_revoked": _l("Invitation revoked"),
    "auth.invitation_accepted": _l("Invitation accepted"),
    "auth.user_deactivated": _l("Account deactivated"),
    "auth.user_reactivated": _l("Account reactivated"),
    "auth.coordinator_granted": _l("Made coordinator"),
    "auth.coordinator_removed": _l("Coordinator role removed"),
    "auth.coordinator_created": _l("Coordinator created"),
    "application.submitted": _l("Application submitted"),
    "application.confirmed": _l("Application confirmed by the applicant"),
    "application.approved": _l("Application approved"),
    "application.info_requested": _l("More information requested"),
    "application.rejected": _l("Application not approved"),
    "application.replied": _l("Applicant answered"),
    "application.withdrawn": _l("Application withdrawn"),
    "organisation.updated": _l("Organisation profile changed"),
    "organisation.colleague_updated": _l("Colleague's role changed"),
    "organisation.colleague_removed": _l("Colleague removed"),
    "organisation.suspended": _l("Organisation suspended"),
    "organisation.reactivated": _l("Organisation reactivated"),
}
