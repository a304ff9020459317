"""search only what viewers see: hidden expertise out of the directory's search, public_search_text for visitors

The directory's search text held every expertise tag, whatever the organisation chose to show: a member found an
organisation by a hidden tag, and a visitor of the public list by a tag shown to members only. search_text now holds
the expertise members see; public_search_text the expertise visitors see. Both are filled here from the rows. Plain
ADD COLUMN, no batch mode: rebuilding the organisation table on SQLite would drop the FTS5 triggers (updating
search_text fires them, so the FTS5 index follows).

Revision ID: 4d2b8e6f1a57
Revises: 8e1f4c7a2d93
Create Date: 2026-11-24 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d2b8e6f1a57'
down_revision = '8e1f4c7a2d93'
branch_labels = None
depends_on = None

organisation = sa.table("organisation", sa.column("id"), sa.column("name_th"), sa.column("name_en"),
                        sa.column("province"), sa.column("expertise", sa.JSON), sa.column("visibility", sa.JSON),
                        sa.column("search_text"), sa.column("public_search_text"))


def _text(row, with_expertise):
    # A frozen copy of portal.members.models.search_texts: migrations never import the application.
    expertise = (row.expertise or []) if with_expertise else []
    return " ".join([row.name_th or "", row.name_en or "", row.province or "", *expertise]).lower()


def _fill(values):
    connection = op.get_bind()
    for row in connection.execute(sa.select(organisation)).all():
        connection.execute(organisation.update().where(organisation.c.id == row.id).values(**values(row)))


def upgrade():
    op.add_column("organisation", sa.Column("public_search_text", sa.Text(), nullable=False,
                                            server_default=sa.text("''")))

    def values(row):
        level = (row.visibility or {}).get("expertise") or "public"
        return {"search_text": _text(row, level != "hidden"), "public_search_text": _text(row, level == "public")}

    _fill(values)


def downgrade():
    _fill(lambda row: {"search_text": _text(row, True)})
    op.drop_column("organisation", "public_search_text")
