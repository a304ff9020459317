"""directory filter indexes (region, sector)

The directory's region and sector filters counted by reading every organisation (~2 ms for a region at 10,000
organisations) and paged a region and sector together by walking the whole (status, sort_key) index (~4 ms).
These two indexes answer the counts from the index alone (~0.1 ms) and a region and sector page in ~0.02 ms.
Plain CREATE INDEX, no batch mode: rebuilding the organisation table on SQLite would drop the FTS5 triggers.

Revision ID: 8e1f4c7a2d93
Revises: 5c0e2a9d7b41
Create Date: 2026-11-24 00:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8e1f4c7a2d93'
down_revision = '5c0e2a9d7b41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_organisation_region", "organisation", ["region", "sector", "status", "sort_key"])
    op.create_index("ix_organisation_sector", "organisation", ["sector", "status"])


def downgrade():
    op.drop_index("ix_organisation_sector", table_name="organisation")
    op.drop_index("ix_organisation_region", table_name="organisation")
