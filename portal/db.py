"""The declarative base, column types and connection settings shared by every model."""

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    """Base of every model: one metadata with a constraint naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always read back as aware UTC.

    SQLite keeps no time zone, so one rule for both databases: convert on the way in, attach UTC on the way out.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC time")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def serialise(session, key):
    """Make the rest of the session's transaction run alone among the transactions serialised on the same `key`.

    For a rule that reads before it writes ("an organisation keeps one admin", "the network keeps one coordinator"):
    two requests checking at the same moment would both see the rule kept, and both break it. PostgreSQL takes a
    transaction-level advisory lock on the key; SQLite takes its database write lock at once (BEGIN IMMEDIATE), which
    serialises every writer. Read what the rule needs after this call, never before: the lock is held until the
    transaction ends.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": number})
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # Python's sqlite3 opens a transaction only before a write; with none open, no write has been made yet.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def claim(session, model, *conditions, **values):
    """Change one row in one conditional UPDATE; tell whether it was this caller's (True) or taken already (False).

    For what may happen once (a link used, a state left): the database checks the conditions, not a loaded object
    that may be stale, so of two requests at the same moment exactly one wins.
    """
    result = session.execute(sa.update(model).where(*conditions).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def enum_column(cls):
    """The column type of an enum: its values as strings (no native enum type, so adding a member needs no ALTER)."""
    return sa.Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True, name=cls.__name__.lower())


@dataclass
class Page:
    """One page of a list: its rows, its number, whether another follows, and the total when it was counted."""

    items: list
    number: int
    has_next: bool
    total: int | None = None
    size: int | None = None

    @property
    def pages(self):
        """How many pages the list has (when its total is known)."""
        return max(1, -(-self.total // self.size)) if self.total is not None else None


def fetch_page(session, query, number, size):
    """Run `query` (a select of ORM entities) for page `number` of `size` rows: one more row is fetched to tell
    whether another page follows, without counting."""
    rows = session.scalars(query.limit(size + 1).offset((number - 1) * size)).all()
    return Page(rows[:size], number, len(rows) > size)


def on_commit(session, action):
    """Run `action()` once the session's transaction commits (never if it rolls back): for what cannot be undone,
    such as deleting a file that the change, were it rolled back, would still need."""
    session.info.setdefault(_ON_COMMIT, []).append(action)


_ON_COMMIT = "portal.on_commit"


@event.listens_for(Session, "after_commit")
def _run_on_commit(session):
    for action in session.info.pop(_ON_COMMIT, []):
        action()


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session):
    session.info.pop(_ON_COMMIT, None)


SQLITE_MMAP_SIZE = 128 * 1024 * 1024

# The escape character of every search's LIKE (`column.like(contains_pattern(text), escape=LIKE_ESCAPE)`).
LIKE_ESCAPE = "/"


def contains_pattern(text):
    """A LIKE pattern for `text` anywhere, a % or _ the user typed taken literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on foreign keys, WAL, a busy timeout and memory-mapped reads for every SQLite connection.

    Memory-mapped reads (as Rails does by default) share the operating system's cache of the file between
    connections and processes instead of copying pages into each connection's own 2 MB cache: a directory search
    touches more pages than that cache holds, and with mmap its two queries take ~0.6 ms instead of ~0.9 ms.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_SIZE}")
    cursor.close()


def render_migration_item(type_, obj, autogen_context):
    """Write UTCDateTime columns as plain sa.DateTime in migrations, which never import the application."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


# What the models do not describe: the directory's search indexes, SQLite's full-text tables and PostgreSQL's trigram
# index (see their migrations).
UNMODELLED_PREFIXES = ("organisation_search",)


def include_in_migrations(obj, name, type_, reflected, compare_to):
    """Leave the unmodelled search tables and indexes out of Alembic's comparisons of models and database."""
    return not (type_ in ("table", "index") and name and name.startswith(UNMODELLED_PREFIXES))
