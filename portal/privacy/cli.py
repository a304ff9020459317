"""`flask retention run`: remove the personal data the portal no longer needs (for cron; running it again changes
nothing more)."""

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.privacy import retention

retention_cli = AppGroup("retention", help="Remove personal data older than the retention settings.")


@retention_cli.command("run")
def run_command():
    """Blank old mail bodies, shorten old IP addresses in the audit log, delete long-closed applications."""
    totals = retention.run()
    db.session.commit()
    click.echo(f"retention: mail bodies blanked {totals.mail_bodies} (older than {totals.mail_days} days), "
               f"audit IP addresses shortened {totals.audit_ips} (older than {totals.audit_days} days), "
               f"applications deleted {totals.applications} (closed more than {totals.application_days} days ago)")
