"""Applications to join: the public form, the applicant's private status page, and the coordinators' approval queue.
An approval creates the organisation and invites the applicant as its first admin."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "application.submitted": _l("Application submitted"),
    "application.confirmed": _l("Application confirmed by the applicant"),
    "application.approved": _l("Application approved"),
    "application.info_requested": _l("More information requested"),
    "application.rejected": _l("Application not approved"),
    "application.replied": _l("Applicant answered"),
    "application.withdrawn": _l("Application withdrawn"),
}


def init_app(app):
    """Register applications: their pages, the reminder command, the purposes of their links, audit and state
    labels, and the navigation entries (apply, for visitors; the approval queue, in the coordinators' tools)."""
    from portal import audit, navigation, tokens
    from portal.applications.cli import applications_cli
    from portal.applications.models import ApplicationStatus
    from portal.applications.views import bp
    from portal.i18n import Labels, register_labels

    app.register_blueprint(bp)
    app.cli.add_command(applications_cli)
    tokens.register_purposes(app, "application-confirm", "application-status")
    audit.register_actions(app, AUDIT_LABELS)
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("applicant", _l("Your application: confirmation and decision"), essential=True),
        mail_kinds.MailKind("applications", _l("Applications: new, answered, waiting (coordinators)"),
                            essential=False, digestible=True))
    register_labels(app, {"application_states": Labels(ApplicationStatus.labels())})
    navigation.add(
        app,
        navigation.NavItem(_l("Apply to join"), navigation.visitors, "applications.apply", order=20),
        navigation.NavItem(_l("Approval queue"), navigation.coordinators, "applications.approval_queue",
                           group="tools", order=10),
    )
    from portal import dashboard
    from portal.applications import dashboard as applications_dashboard

    dashboard.register(app, "applications", waiting=applications_dashboard.waiting, order=60)
