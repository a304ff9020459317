"""`flask applications remind`: the coordinators' daily summary of applications waiting too long."""

import click
from flask.cli import AppGroup

from portal.applications import services
from portal.extensions import db

applications_cli = AppGroup("applications", help="Membership applications.")


@applications_cli.command("remind")
@click.option("--days", default=3, show_default=True, help="Remind about applications waiting longer than this.")
def remind_command(days):
    """Mail coordinators the applications waiting more than DAYS days (run daily, e.g. from cron)."""
    waiting = services.send_waiting_summary(days)
    db.session.commit()
    click.echo(f"{waiting} applications wait more than {days} days.")
