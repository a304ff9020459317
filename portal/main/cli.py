"""`flask demo`: a believable Thai PR network in a fresh database."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from portal.extensions import db
from portal.main.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from portal.organisations.models import Organisation


@click.command("demo")
@with_appcontext
def demo_command():
    """Fill a fresh database with a believable Thai PR network; do nothing if organisations exist."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)):
        click.echo("Demo data is already loaded (organisations exist); nothing changed.")
    else:
        summary = load_demo()
        db.session.commit()
        click.echo(f"Loaded {summary['organisations']} organisations and {summary['people']} people.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, what in DEMO_LOGINS:
        click.echo(f"  {email:42} {what}")
