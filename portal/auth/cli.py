"""`flask create-admin`: the first coordinator, or another one, from the command line."""

import click
from flask.cli import with_appcontext

from portal.auth.services import AccountError, create_coordinator
from portal.extensions import db
from portal.i18n import in_language


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
