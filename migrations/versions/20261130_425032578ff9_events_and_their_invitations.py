"""events: events and their invitations (one row per invitee, with the answer); seats counted on the event and kept within the capacity by a CHECK

Revision ID: 425032578ff9
Revises: 3c15edeee1db
Create Date: 2026-11-30 14:01:15.720673

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '425032578ff9'
down_revision = '3c15edeee1db'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title_th', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_th', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=500), nullable=False),
    sa.Column('map_url', sa.String(length=500), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('rsvp_deadline', sa.DateTime(), nullable=False),
    sa.Column('visibility', sa.Enum('members', 'public', name='visibility', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'cancelled', name='eventstate', native_enum=False, length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR (capacity > 0 AND confirmed <= capacity)', name=op.f('ck_event_seats_within_capacity')),
    sa.CheckConstraint('confirmed >= 0', name=op.f('ck_event_seats_not_negative')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_event_ends_after_it_starts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['host_organisation_id'], ['organisation.id'], name=op.f('fk_event_host_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_host_organisation_id'), ['host_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_state'), ['state'], unique=False)

    op.create_table('event_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('invited', 'confirmed', 'waiting', 'maybe', 'declined', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('waiting_since', sa.DateTime(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_event_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_invitation_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_invitation_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_invitation')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_event_invitation_event_id_email'))
    )
    with op.batch_alter_table('event_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_invitation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_invitation_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_event_invitation_waiting', ['event_id', 'status', 'waiting_since'], unique=False)



def downgrade():
    with op.batch_alter_table('event_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_event_invitation_waiting')
        batch_op.drop_index(batch_op.f('ix_event_invitation_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_invitation_event_id'))

    op.drop_table('event_invitation')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_state'))
        batch_op.drop_index(batch_op.f('ix_event_host_organisation_id'))

    op.drop_table('event')
