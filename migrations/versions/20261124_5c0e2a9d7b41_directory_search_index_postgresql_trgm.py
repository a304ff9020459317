"""directory search index (PostgreSQL pg_trgm)

On PostgreSQL the directory's word search is `search_text LIKE '%word%'`, which read every organisation: ~10 ms for
a search's count and ~11 ms for its page at 10,000 organisations. A GIN index with pg_trgm's trigram operators
answers the same LIKE (words of three characters or more, Thai included) in ~0.4 and ~0.8 ms. This is the
counterpart of SQLite's FTS5 trigram table (revision 03526ffae0e6); the models do not describe it
(portal.db.UNMODELLED_PREFIXES). pg_trgm is a trusted extension: a database owner may create it.

Revision ID: 5c0e2a9d7b41
Revises: 03526ffae0e6
Create Date: 2026-11-24 00:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c0e2a9d7b41'
down_revision = '03526ffae0e6'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX organisation_search_trgm ON organisation USING gin (search_text gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS organisation_search_trgm")
