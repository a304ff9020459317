"""membership invitations: the invitation into an organisation gets a name of its own, beside the events' to come

The table `invitation` becomes `membership_invitation` (the organisations domain's), every row kept with its id;
its constraints and indexes take the new name (the naming convention puts the table's name in them). Built as a new
table and copied, on both databases: SQLite cannot rename constraints in place. The audit log follows: the actions
`auth.invitation_*` become `organisation.invitation_*`, and their target type `invitation` becomes
`membershipinvitation` (the model's name, as portal.audit.services.record writes it).

Revision ID: b4d6f8a0c2e3
Revises: a3c5e7f9b1d2
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e3'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None

COLUMNS = ("id", "email", "organisation_id", "role", "language", "invited_by_id", "nonce", "created_at", "sent_at",
           "expires_at", "accepted_at", "revoked_at", "from_approval")
ACTIONS = ("invitation_sent", "invitation_resent", "invitation_revoked", "invitation_accepted")


def _create(name):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("from_approval", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"], name=op.f(f"fk_{name}_invited_by_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f(f"fk_{name}_organisation_id_organisation"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_email"), name, ["email"], unique=False)
    op.create_index(op.f(f"ix_{name}_organisation_id"), name, ["organisation_id"], unique=False)


def _move(source, target):
    """Copy every row of `source` into `target` (ids kept), then drop `source`."""
    columns = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}")
    if op.get_bind().dialect.name == "postgresql":  # the new id sequence goes on after the copied ids
        op.execute(f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), "
                   f"COALESCE((SELECT MAX(id) FROM {target}), 0) + 1, false)")
    op.drop_index(op.f(f"ix_{source}_organisation_id"), table_name=source)
    op.drop_index(op.f(f"ix_{source}_email"), table_name=source)
    op.drop_table(source)


def _rename_in_audit(old_prefix, new_prefix, old_type, new_type):
    audit = sa.table("audit_event", sa.column("action", sa.String), sa.column("target_type", sa.String))
    for action in ACTIONS:
        op.execute(audit.update().where(audit.c.action == f"{old_prefix}.{action}")
                   .values(action=f"{new_prefix}.{action}"))
    op.execute(audit.update().where(audit.c.target_type == old_type).values(target_type=new_type))


def upgrade():
    _create("membership_invitation")
    _move("invitation", "membership_invitation")
    _rename_in_audit("auth", "organisation", "invitation", "membershipinvitation")


def downgrade():
    _create("invitation")
    _move("membership_invitation", "invitation")
    _rename_in_audit("organisation", "auth", "membershipinvitation", "invitation")
