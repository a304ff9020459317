"""Applications to join: the public form, the applicant's private status page, and the coordinators' approval queue.
An approval creates the organisation and invites the applicant as its first admin."""

from flask_babel import lazy_gettext as _l

from portal.audit import Action

# What the applicant does, they do without an account: the log names them as the application's history does.
_APPLICANT = _l("the applicant %(name)s")
AUDIT_ACTIONS = {
    "application.submitted": Action(_l("Application submitted"), _l("%(actor)s sent the application of %(target)s"),
                                    "applications", outsider=_APPLICANT),
    "application.confirmed": Action(_l("Application confirmed by the applicant"),
                                    _l("%(actor)s confirmed the application of %(target)s"), "applications",
                                    outsider=_APPLICANT),
    "application.approved": Action(_l("Application approved"), _l("%(actor)s approved the application of %(target)s"),
                                   "applications"),
    "application.info_requested": Action(_l("More information requested"),
                                         _l("%(actor)s asked for more information on the application of %(target)s"),
                                         "applications"),
    "application.rejected": Action(_l("Application not approved"),
                                   _l("%(actor)s did not approve the application of %(target)s"), "applications"),
    "application.replied": Action(_l("Applicant answered"),
                                  _l("%(actor)s answered the question on the application of %(target)s"),
                                  "applications", outsider=_APPLICANT),
    "application.withdrawn": Action(_l("Application withdrawn"), _l("%(actor)s withdrew the application of %(target)s"),
                                    "applications", outsider=_APPLICANT),
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
    from portal.applications.services import applicant_details_for
    from portal.organisations import invitations

    # The new admin does not type their name again, nor accept the privacy notice twice.
    invitations.register_known_details(app, applicant_details_for)
    tokens.register_purposes(app, "application-confirm", "application-status")
    audit.register_actions(app, AUDIT_ACTIONS)
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
