"""What is published never changes: the database itself refuses UPDATE and DELETE on these tables.

Triggers on SQLite and PostgreSQL, created by the migration (which keeps a frozen copy of these statements: migrations
never import the application). The portal only ever inserts into these tables; a change made anyway, by someone who
drops the triggers, is what the signing record's hash chain then shows.
"""

from contextlib import contextmanager

import sqlalchemy as sa

IMMUTABLE_TABLES = ("agreement_version", "agreement_version_party", "agreement_answer", "agreement_event",
                    "agreement_certificate", "agreement_certificate_pdf")

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows cannot change once published', TG_TABLE_NAME USING ERRCODE = '23000';
END
$$"""


def protect_statements(dialect):
    """The statements that make the tables refuse changes, for a dialect ("sqlite" or "postgresql")."""
    if dialect == "postgresql":
        return [_POSTGRES_FUNCTION] + [
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()" for table in IMMUTABLE_TABLES]
    return [f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows cannot change once published'); END"
            for table in IMMUTABLE_TABLES for action in ("UPDATE", "DELETE")]


def lift_statements(dialect):
    """The statements that take the protection away again (the migration's downgrade; tests that tamper)."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}" for table in IMMUTABLE_TABLES] + [
            "DROP FUNCTION IF EXISTS portal_refuse_change()"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{action.lower()}"
            for table in IMMUTABLE_TABLES for action in ("UPDATE", "DELETE")]


@contextmanager
def lifted(connection):
    """Take the protection away on `connection` for the block, and put it back after: for tests that empty the
    database or tamper with it, never for the portal itself.

    On PostgreSQL the connection stops firing triggers for its transaction (session_replication_role, which needs a
    superuser: the tests' role); dropping them would wait for every other session that ever read the tables. SQLite
    has one writer at a time, so there the triggers are dropped and made again.
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        try:
            yield connection
        finally:
            connection.execute(sa.text("SET LOCAL session_replication_role = DEFAULT"))
        return
    for statement in lift_statements(dialect):
        connection.execute(sa.text(statement))
    try:
        yield connection
    finally:
        for statement in protect_statements(dialect):
            connection.execute(sa.text(statement))
