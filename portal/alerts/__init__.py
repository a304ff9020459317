"""Urgent alerts: coordinators (and an organisation's admins, to its own people) send a message that goes out ahead
of any bulk mail; each person acknowledges it with one click, and those who have not are reminded once."""

from flask_babel import lazy_gettext as _l

from portal.audit import Action

AUDIT_ACTIONS = {
    "alert.sent": Action(_l("Urgent alert sent"), _l("%(actor)s sent the urgent alert %(target)s (people: %(people)s)"),
                         "alerts"),
    "alert.acknowledged": Action(_l("Urgent alert acknowledged"), _l("%(actor)s acknowledged the urgent alert %(target)s"),
                                 "alerts"),
    "alert.reminded": Action(_l("Reminder of an urgent alert sent"),
                             _l("Reminders of the urgent alert %(target)s were sent (people: %(people)s)"), "alerts"),
}


def init_app(app):
    """Register alerts: their pages and acknowledgement links, the reminder command and worker job, token purpose,
    audit labels, navigation entry."""
    from portal import audit, jobs, navigation, tokens
    from portal.alerts import models, services  # noqa: F401  (their tables)
    from portal.alerts.cli import alerts_cli
    from portal.alerts.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(alerts_cli)
    jobs.register(app, "alert-reminders", services.remind_due)
    tokens.register_purposes(app, services.TOKEN_PURPOSE)
    audit.register_actions(app, AUDIT_ACTIONS)
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("alerts", _l("Urgent alerts"), essential=True))
    navigation.add(app, navigation.NavItem(_l("Alerts"), lambda user: user.is_authenticated, "alerts.index",
                                           order=18))
    from portal import dashboard
    from portal.alerts import dashboard as alerts_dashboard

    dashboard.register(app, "alerts", waiting=alerts_dashboard.waiting, order=10)
