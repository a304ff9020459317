"""Outgoing mail: the transactional outbox, its worker and the development mailbox.

Only this package touches Flask-Mail.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.audit import Action

AUDIT_ACTIONS = {"outbox.retried": Action(_l("Undeliverable mail queued again"),
                                          _l("%(actor)s queued undeliverable mail again (messages: %(count)s)"),
                                          "mail")}


def _coordinator(user):
    return user.is_authenticated and user.is_admin


def _mailbox_for_coordinators(user):
    """The development mailbox, where it is on: coordinators find it among their tools."""
    return current_app.config["MAILBOX_ENABLED"] and _coordinator(user)


def _mailbox_in_debug(user):
    """In debug mode (make run) everyone reads the mailbox, from the bar."""
    return current_app.config["MAILBOX_ENABLED"] and current_app.debug and not _coordinator(user)


def init_app(app):
    """Register mail: the outbox commands, the development mailbox, the mail link builder, the outbox state names,
    the count of given-up messages, and the mailbox link."""
    from portal import audit, navigation, tokens
    from portal.i18n import Labels, register_labels
    from portal.mail.cli import outbox_cli
    from portal.mail.models import OutboxStatus
    from portal.mail.preferences import TOKEN_PURPOSE
    from portal.mail.services import dead_message_count, mail_url
    from portal.mail.unsubscribe import bp as unsubscribe_bp
    from portal.mail.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(unsubscribe_bp)
    tokens.register_purposes(app, TOKEN_PURPOSE)
    app.cli.add_command(outbox_cli)
    audit.register_actions(app, AUDIT_ACTIONS)
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("announcements", _l("Announcements from the network"), essential=False, digestible=True))
    register_labels(app, {"outbox_status_labels": Labels(OutboxStatus.labels())})
    app.jinja_env.globals["mail_url"] = mail_url
    app.jinja_env.globals["dead_message_count"] = dead_message_count
    navigation.add(app, navigation.NavItem(_l("Mailbox"), _mailbox_for_coordinators, "mailbox.index", group="tools",
                                           order=80),
                   navigation.NavItem(_l("Mailbox"), _mailbox_in_debug, "mailbox.index", order=80))
