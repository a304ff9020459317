"""The test bed: a migrated database per backend (SQLite always, PostgreSQL when configured), apps, clients, mail."""

import os
import uuid

import pytest

from portal import create_app
from portal.agreements import immutability
from portal.extensions import db
from tests.support.databases import (
    create_postgres_database,
    drop_postgres_database,
    migrate_to_head,
)
from tests.support.network import build_network
from tests.support.smtp import SmtpSink

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

BASE_CONFIG = {
    "PORTAL_ENV": "testing",
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SERVER_NAME": "portal.test",
    "MAIL_SERVER": None,
    "MAIL_DEFAULT_SENDER": "เครือข่ายประชาสัมพันธ์ <no-reply@prnetwork.example>",
    "MAILBOX_ENABLED": True,
    "OUTBOX_BACKOFF_SECONDS": 0,
    "RATELIMIT_ENABLED": True,
    # argon2id at a low cost: the same code path, a hundred times faster than production's cost.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
}


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A database migrated to head, once per backend for the whole session."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.db")
        migrate_to_head(url)
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    url = create_postgres_database(POSTGRES_URL, f"portal_test_{uuid.uuid4().hex[:8]}")
    migrate_to_head(url)
    yield url
    drop_postgres_database(POSTGRES_URL, url)


@pytest.fixture
def make_app(database_url):
    """Return a factory of apps on the session's database; tables are emptied after each test."""
    apps = []

    def factory(**config):
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **config})
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            empty_tables()
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def empty_tables():
    """Delete every row of every table, children first (lifting, for that, the protection of published rows)."""
    db.session.remove()
    with db.engine.begin() as connection, immutability.lifted(connection):
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port, recording what it accepts."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_app(make_app, smtp):
    """An app that delivers its outbox to the test's SMTP server."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5, MAILBOX_ENABLED=False)


@pytest.fixture
def network(app):
    """The one world of the tests (tests/support/network.py): three organisations, their people, a coordinator."""
    return build_network(app)
