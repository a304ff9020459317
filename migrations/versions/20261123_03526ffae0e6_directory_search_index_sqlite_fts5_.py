"""directory search index (SQLite FTS5 trigram)

On SQLite the directory's word search (a substring of names, province and expertise, Thai included) goes through
an FTS5 index with the trigram tokenizer instead of a LIKE over every row: ~0.2 ms instead of ~10 ms at 10,000
organisations. Triggers keep it in step with organisation.search_text. A later migration that rebuilds the
organisation table in batch mode drops these triggers and must create them again (the directory tests notice).
PostgreSQL keeps using LIKE.

Revision ID: 03526ffae0e6
Revises: b17b3f756cba
Create Date: 2026-11-23 21:58:15.380814

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '03526ffae0e6'
down_revision = 'b17b3f756cba'
branch_labels = None
depends_on = None


TRIGGERS = {
    "organisation_search_ai": "AFTER INSERT ON organisation BEGIN "
                              "INSERT INTO organisation_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "organisation_search_ad": "AFTER DELETE ON organisation BEGIN "
                              "INSERT INTO organisation_search(organisation_search, rowid, search_text) "
                              "VALUES ('delete', old.id, old.search_text); END",
    "organisation_search_au": "AFTER UPDATE OF search_text ON organisation BEGIN "
                              "INSERT INTO organisation_search(organisation_search, rowid, search_text) "
                              "VALUES ('delete', old.id, old.search_text); "
                              "INSERT INTO organisation_search(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIRTUAL TABLE organisation_search USING fts5("
               "search_text, content='organisation', content_rowid='id', tokenize='trigram')")
    for name, definition in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")
    op.execute("INSERT INTO organisation_search(organisation_search) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS organisation_search")
