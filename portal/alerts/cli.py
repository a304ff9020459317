"""`flask alerts remind`: for cron (the worker runs the same on its own rounds)."""

import click
from flask.cli import AppGroup

from portal.alerts import services

alerts_cli = AppGroup("alerts", help="Urgent alerts.")


@alerts_cli.command("remind")
def remind():
    """Remind, once, everyone who has not acknowledged an alert whose reminder time has come (idempotent)."""
    click.echo(f"reminded {services.remind_due()} people")
