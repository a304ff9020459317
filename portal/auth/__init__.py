"""People and their accounts: logging in, sessions, passwords, account settings, the coordinator role.

Knows nothing of organisations: the domains above learn of lost rights through `portal.auth.signals`.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.audit import SIGN_INS, Action

AUDIT_ACTIONS = {
    "auth.login": Action(_l("Logged in"), _l("%(actor)s logged in"), SIGN_INS),
    "auth.profile_updated": Action(_l("Profile updated"), _l("%(actor)s updated their profile"), "accounts"),
    "auth.password_changed": Action(_l("Password changed"), _l("%(actor)s changed their password"), "accounts"),
    "auth.password_reset_requested": Action(_l("Password reset requested"),
                                            _l("%(actor)s asked for a link to reset the password"), "accounts"),
    "auth.password_reset": Action(_l("Password reset"), _l("%(actor)s set a new password with a reset link"),
                                  "accounts"),
    "auth.email_change_requested": Action(_l("Email change requested"),
                                          _l("%(actor)s asked to change their email address to %(new_email)s"),
                                          "accounts"),
    "auth.email_changed": Action(_l("Email address changed"),
                                 _l("%(actor)s changed their email address from %(old_email)s to %(new_email)s"),
                                 "accounts"),
    "auth.user_deactivated": Action(_l("Account deactivated"), _l("%(actor)s deactivated the account of %(target)s"),
                                    "accounts"),
    "auth.user_reactivated": Action(_l("Account reactivated"), _l("%(actor)s reactivated the account of %(target)s"),
                                    "accounts"),
    "auth.coordinator_granted": Action(_l("Made coordinator"), _l("%(actor)s made %(target)s a coordinator"),
                                       "accounts"),
    "auth.coordinator_removed": Action(_l("Coordinator role removed"),
                                       _l("%(actor)s ended the coordinator role of %(target)s"), "accounts"),
    "auth.coordinator_created": Action(_l("Coordinator created"),
                                       _l("%(target)s was made a coordinator from the command line"), "accounts"),
}


def init_app(app):
    """Register accounts: the login manager's loader, the blueprint, the create-admin command, the purposes of the
    links it mails, its audit labels and the login link."""
    from portal import audit, navigation, tokens
    from portal.auth import models  # noqa: F401  (the user table)
    from portal.auth.cli import create_admin_command
    from portal.auth.loader import init_login
    from portal.auth.views import bp
    from portal.extensions import login_manager

    init_login(login_manager)
    app.register_blueprint(bp)
    app.cli.add_command(create_admin_command)
    tokens.register_purposes(app, "password-reset", "email-change")
    audit.register_actions(app, AUDIT_ACTIONS)
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("account", _l("Your account: signing in, password, email address"), essential=True))
    navigation.add(
        app,
        navigation.NavItem(_l("Log in"), navigation.visitors, "auth.login", order=90),
        navigation.NavItem(_l("Account settings"), navigation.members, "auth.account", group="person", order=10),
        navigation.NavItem(_l("Email notifications"), navigation.members, group="person", order=20, links=lambda user: [
            (_l("Email notifications"), url_for("auth.account", _anchor="notifications"))]))
