"""Create, migrate and drop the test databases."""

import os
import subprocess
import sys

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def portal_env(database_url, **extra):
    """Return the environment for running the portal's `flask` commands against a test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "OUTBOX_"))}
    env.update({"FLASK_APP": "wsgi.py", "PORTAL_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production",
                "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def flask_command(database_url, *args, **extra):
    """Return the argv and environment of a `flask` command for a test database."""
    return [sys.executable, "-m", "flask", *args], portal_env(database_url, **extra)


def migrate_to_head(database_url):
    """Run `flask db upgrade` on a database, as a deployer would."""
    argv, env = flask_command(database_url, "db", "upgrade")
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)


def _admin_engine(admin_url):
    from portal.config import database_url

    return sa.create_engine(database_url(admin_url), isolation_level="AUTOCOMMIT")


def create_postgres_database(admin_url, name):
    """Create an empty PostgreSQL database and return its URL."""
    engine = _admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    from portal.config import database_url

    return make_url(database_url(admin_url)).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin_url, url):
    """Drop a test database, ending any connection still open to it."""
    name = make_url(url).database
    engine = _admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def count(model):
    """Return how many rows a model's table holds (in the current app context)."""
    from portal.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
