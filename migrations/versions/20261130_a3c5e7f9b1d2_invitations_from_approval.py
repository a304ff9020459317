"""invitations from an approval: they stand on the network's decision, not on the approving coordinator's rights

An invitation by hand is revoked when its inviter loses the right to invite (deactivated, demoted, removed, no
longer a coordinator); the invitation an approval sends to the new organisation's first admin stays. Existing
invitations that an approval sent (to the applicant, into the organisation their application created) are marked.
Plain ADD COLUMN, no batch mode.

Revision ID: a3c5e7f9b1d2
Revises: 4d2b8e6f1a57
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '4d2b8e6f1a57'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("invitation", sa.Column("from_approval", sa.Boolean(), server_default=sa.false(), nullable=False))
    invitation = sa.table("invitation", sa.column("email"), sa.column("organisation_id"),
                          sa.column("from_approval", sa.Boolean))
    application = sa.table("application", sa.column("applicant_email"), sa.column("organisation_id"))
    op.execute(invitation.update().where(sa.exists().where(
        application.c.organisation_id == invitation.c.organisation_id,
        application.c.applicant_email == invitation.c.email)).values(from_approval=True))


def downgrade():
    with op.batch_alter_table("invitation") as batch:
        batch.drop_column("from_approval")
