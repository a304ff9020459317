"""People and their accounts: logging in, sessions, passwords, account settings, the coordinator role.

Knows nothing of organisations: the domains above learn of lost rights through `portal.auth.signals`.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "auth.login": _l("Logged in"),
    "auth.profile_updated": _l("Profile updated"),
    "auth.password_changed": _l("Password changed"),
    "auth.password_reset_requested": _l("Password reset requested"),
    "auth.password_reset": _l("Password reset"),
    "auth.email_change_requested": _l("Email change requested"),
    "auth.email_changed": _l("Email address changed"),
    "auth.user_deactivated": _l("Account deactivated"),
    "auth.user_reactivated": _l("Account reactivated"),
    "auth.coordinator_granted": _l("Made coordinator"),
    "auth.coordinator_removed": _l("Coordinator role removed"),
    "auth.coordinator_created": _l("Coordinator created"),
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
    audit.register_actions(app, AUDIT_LABELS)
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
