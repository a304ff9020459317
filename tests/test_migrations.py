"""The schema only changes by migration: head builds it from nothing and matches the models exactly."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal import create_app
from portal.config import database_url as sqlalchemy_url
from portal.db import Model, include_in_migrations
from tests.conftest import POSTGRES_URL
from tests.support.databases import (
    create_postgres_database,
    drop_postgres_database,
    flask_command,
    migrate_to_head,
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TEST_POSTGRES_URL")
    url = create_postgres_database(POSTGRES_URL, f"portal_migrate_{uuid.uuid4().hex[:8]}")
    yield url
    drop_postgres_database(POSTGRES_URL, url)


def _differences(url):
    engine = sa.create_engine(sqlalchemy_url(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_object": include_in_migrations})
        differences = compare_metadata(context, Model.metadata)
    engine.dispose()
    return differences


def test_upgrade_from_empty_to_head_matches_the_models(empty_database):
    create_app({"PORTAL_ENV": "testing"})  # its domains put every table on the metadata
    migrate_to_head(empty_database)
    assert _differences(empty_database) == []


def test_downgrade_to_base_and_up_again(empty_database):
    import subprocess

    from tests.support.databases import ROOT

    migrate_to_head(empty_database)
    argv, env = flask_command(empty_database, "db", "downgrade", "base")
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    engine = sa.create_engine(sqlalchemy_url(empty_database))
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate_to_head(empty_database)
    assert _differences(empty_database) == []


def test_constraints_follow_the_naming_convention(empty_database):
    migrate_to_head(empty_database)
    engine = sa.create_engine(sqlalchemy_url(empty_database))
    inspector = sa.inspect(engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("outbox_message")}
    foreign = {f["name"] for f in inspector.get_foreign_keys("membership")}
    engine.dispose()
    assert "uq_outbox_message_idempotency_key" in uniques
    assert foreign == {"fk_membership_user_id_user", "fk_membership_organisation_id_organisation"}


def test_search_texts_are_refilled_with_only_what_viewers_see(empty_database):
    """4d2b8e6f1a57 takes hidden expertise out of the directory's search and fills the visitors' search text."""
    import subprocess

    from tests.support.databases import ROOT

    argv, env = flask_command(empty_database, "db", "upgrade", "8e1f4c7a2d93")
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    engine = sa.create_engine(sqlalchemy_url(empty_database))
    rows = [("hidden", '{"expertise": "hidden"}'), ("members", '{"expertise": "members"}'), ("public", "{}")]
    with engine.begin() as connection:
        for slug, visibility in rows:
            connection.execute(sa.text(
                "INSERT INTO organisation (slug, name_th, name_en, sector, region, province, description, website,"
                " public_email, phone, logo, channels, expertise, visibility, listed_publicly, search_text, sort_key,"
                " status, status_reason, joined_at) VALUES (:slug, 'องค์กร', 'Org', 'media', 'north', 'น่าน', '', '',"
                " '', '', '', '[]', '[\"Crisis PR\"]', :visibility, true, :text, 'องค์กร', 'active', '',"
                " CURRENT_TIMESTAMP)"), {"slug": slug, "visibility": visibility, "text": "องค์กร org น่าน crisis pr"})
    migrate_to_head(empty_database)
    with engine.connect() as connection:
        texts = {slug: (search, public) for slug, search, public in connection.execute(sa.text(
            "SELECT slug, search_text, public_search_text FROM organisation"))}
        if engine.dialect.name == "sqlite":  # the FTS5 index followed search_text
            assert set(connection.execute(sa.text(
                "SELECT slug FROM organisation WHERE id IN (SELECT rowid FROM organisation_search"
                " WHERE organisation_search MATCH '\"crisis\"')")).scalars()) == {"members", "public"}
    engine.dispose()
    # (b16e0a1c2d3e stores the province as its code: both its names are searched)
    assert texts == {"hidden": ("องค์กร org น่าน nan", "องค์กร org น่าน nan"),
                     "members": ("องค์กร org น่าน nan crisis pr", "องค์กร org น่าน nan"),
                     "public": ("องค์กร org น่าน nan crisis pr", "องค์กร org น่าน nan crisis pr")}


def _upgrade_to(url, revision):
    import subprocess

    from tests.support.databases import ROOT

    argv, env = flask_command(url, "db", "upgrade", revision)
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)


def test_invitations_into_organisations_survive_their_new_table(empty_database):
    """b4d6f8a0c2e3 moves `invitation` to `membership_invitation`: every row keeps its id and values, new rows take
    the next ids, and the audit log's invitation events follow."""
    _upgrade_to(empty_database, "a3c5e7f9b1d2")
    engine = sa.create_engine(sqlalchemy_url(empty_database))
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO organisation (id, slug, name_th, name_en, sector, region, province, description, website,"
            " public_email, phone, logo, channels, expertise, visibility, listed_publicly, search_text,"
            " public_search_text, sort_key, status, status_reason, joined_at) VALUES (7, 'home', 'บ้าน', '', 'media',"
            " 'north', 'น่าน', '', '', '', '', '', '[]', '[]', '{}', false, '', '', '', 'active', '', CURRENT_TIMESTAMP)"))
        for n, (email, accepted, approval) in enumerate([("a@home.example", None, True),
                                                          ("b@home.example", "2026-11-01 10:00:00", False)], start=41):
            connection.execute(sa.text(
                "INSERT INTO invitation (id, email, organisation_id, role, language, nonce, created_at, sent_at,"
                " expires_at, accepted_at, from_approval) VALUES (:id, :email, 7, 'org_admin', 'th', 'n', "
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '2030-01-01 00:00:00', :accepted, :approval)"),
                {"id": n, "email": email, "accepted": accepted, "approval": approval})
        connection.execute(sa.text(
            "INSERT INTO audit_event (action, target_type, target_id, details, ip, created_at) VALUES"
            " ('auth.invitation_sent', 'invitation', 41, '{}', '', CURRENT_TIMESTAMP)"))
    migrate_to_head(empty_database)
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT id, email, role, accepted_at IS NOT NULL, from_approval"
                                          " FROM membership_invitation ORDER BY id")).all()
        audit = connection.execute(sa.text("SELECT action, target_type, target_id FROM audit_event")).one()
        connection.execute(sa.text(
            "INSERT INTO membership_invitation (email, organisation_id, role, language, nonce, created_at, sent_at,"
            " expires_at) VALUES ('c@home.example', 7, 'member', 'th', 'm', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
            " '2030-01-01 00:00:00')"))
        newest = connection.execute(sa.text("SELECT MAX(id) FROM membership_invitation")).scalar()
        tables = set(sa.inspect(connection).get_table_names())
    engine.dispose()
    assert [tuple(row) for row in rows] == [(41, "a@home.example", "org_admin", False, True),
                                            (42, "b@home.example", "org_admin", True, False)]
    assert tuple(audit) == ("organisation.invitation_sent", "membershipinvitation", 41)
    assert newest == 43 and "invitation" not in tables
