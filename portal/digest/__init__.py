"""The weekly digest: one mail a week to each person who wants it, with what waits for them, what is coming and the
network's news of the week (`flask digest send`, from cron)."""

from flask_babel import lazy_gettext as _l


def init_app(app):
    """Register the digest: its command and its kind of mail."""
    from portal.digest.cli import digest_cli
    from portal.mail import kinds as mail_kinds

    app.cli.add_command(digest_cli)
    mail_kinds.register(app, mail_kinds.MailKind("digest", _l("Weekly digest"), essential=False))
