"""`flask create-admin` and `flask demo`."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from portal.auth.services import AccountError, create_coordinator
from portal.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from portal.extensions import db
from portal.i18n import in_language
from portal.members.models import Organisation


@click.command("create-admin")
@click.argument("email")
@click.option("--password", help="The password; asked for (hidden, twice) when not given.")
@click.option("--name", default="", help="The coordinator's full name.")
@with_appcontext
def create_admin_command(email, password, name):
    """Create a network coordinator, or make an existing person one."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_coordinator(email, password, name=name)
    except AccountError as error:
        with in_language("en"):  # operators read the command line in English
            raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Coordinator {user.email} is ready.")


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
