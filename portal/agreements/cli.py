"""`flask agreements remind` (daily, from cron) and `flask agreements verify` (the signing records' hash chains)."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from portal.agreements import record, reminders
from portal.agreements.models import Agreement
from portal.extensions import db

agreements_cli = AppGroup("agreements", help="Network agreements.")


@agreements_cli.command("remind")
def remind_command():
    """Remind parties 7 days and 1 day before a signing deadline; report deadlines passed (safe to run twice)."""
    acted = reminders.send_reminders()
    db.session.commit()
    click.echo(f"{acted} versions reminded or reported.")


@agreements_cli.command("verify")
@click.option("--agreement", "agreement_id", type=int, help="Check only this agreement (its id).")
def verify_command(agreement_id):
    """Recompute every agreement's signing record; name the first event that does not match (exit status 1)."""
    query = sa.select(Agreement.id).order_by(Agreement.id)
    if agreement_id is not None:
        query = query.where(Agreement.id == agreement_id)
    broken = 0
    for identifier in db.session.scalars(query):
        found = record.verify_chain(identifier)
        if found is None:
            click.echo(f"agreement {identifier}: the record holds")
        else:
            broken += 1
            click.echo(f"agreement {identifier}: event {found.event_id} does not match: {found.reason}")
    if broken:
        raise SystemExit(1)
