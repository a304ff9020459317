"""events: calendar feeds, one secret key per person (unique, gone with the person) in the address of their
personal feed of the events they are coming to

Revision ID: 50c7446c2a23
Revises: 425032578ff9
Create Date: 2026-11-30 14:10:40.812451

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '50c7446c2a23'
down_revision = '425032578ff9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=43), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_calendar_feed_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_calendar_feed')),
    sa.UniqueConstraint('key', name=op.f('uq_event_calendar_feed_key')),
    sa.UniqueConstraint('user_id', name=op.f('uq_event_calendar_feed_user_id'))
    )


def downgrade():
    op.drop_table('event_calendar_feed')
