"""Outgoing mail: the transactional outbox, its worker and the development mailbox.

Only this package touches Flask-Mail.
"""

from flask_babel import lazy_gettext as _l

OUTBOX_STATUS_LABELS = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "dead": _l("Given up"),
}


def init_app(app):
    """Give templates the mail link builder, the outbox state names and the count of given-up messages."""
    from portal.i18n import Labels
    from portal.mail.services import dead_message_count, mail_url

    app.jinja_env.globals["mail_url"] = mail_url
    app.jinja_env.globals["dead_message_count"] = dead_message_count
    app.jinja_env.globals["outbox_status_labels"] = Labels(OUTBOX_STATUS_LABELS)
