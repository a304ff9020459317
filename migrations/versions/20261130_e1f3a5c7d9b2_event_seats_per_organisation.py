"""events: an optional limit of seats per member organisation

Revision ID: e1f3a5c7d9b2
Revises: da229916caf3
Create Date: 2026-11-30 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f3a5c7d9b2'
down_revision = 'da229916caf3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats_per_organisation', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'seats_per_organisation_positive', 'seats_per_organisation IS NULL OR seats_per_organisation > 0')


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_seats_per_organisation_positive'), type_='check')
        batch_op.drop_column('seats_per_organisation')
