"""`flask events remind` (from cron, hourly or daily: safe to run again)."""

import click
from flask.cli import AppGroup

from portal.events import reminders
from portal.extensions import db

events_cli = AppGroup("events", help="Events.")


@events_cli.command("remind")
def remind_command():
    """Remind people coming the day before, and people who have not answered three days before answers close."""
    reminded = reminders.send_reminders()
    db.session.commit()
    click.echo(f"{reminded} people reminded.")
