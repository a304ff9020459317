"""events: member organisations' requests to invite the whole network, or regions or sectors of it, waiting for a coordinator; invitations mailed later by the worker (mailed_at)

Revision ID: da229916caf3
Revises: 50c7446c2a23
Create Date: 2026-11-30 14:34:31.578370

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da229916caf3'
down_revision = '50c7446c2a23'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_audience_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'declined', name='requeststate', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_event_audience_request_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_audience_request_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_event_audience_request_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_audience_request'))
    )
    with op.batch_alter_table('event_audience_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_audience_request_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_audience_request_state'), ['state'], unique=False)

    # Invitations mailed later by the worker: those made before were mailed at once.
    with op.batch_alter_table('event_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailed_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_event_invitation_unmailed', ['mailed_at', 'id'], unique=False)
    op.execute("UPDATE event_invitation SET mailed_at = created_at")


def downgrade():
    with op.batch_alter_table('event_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_event_invitation_unmailed')
        batch_op.drop_column('mailed_at')
    with op.batch_alter_table('event_audience_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_audience_request_state'))
        batch_op.drop_index(batch_op.f('ix_event_audience_request_event_id'))

    op.drop_table('event_audience_request')
