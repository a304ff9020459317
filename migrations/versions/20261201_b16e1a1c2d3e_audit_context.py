"""audit log: context for filtering and for people

Each audit event now knows the organisation it concerns (indexed: the log is filtered by it) and, for an actor
without an account (an applicant), the name they gave. Existing events get both where they can be derived: the
organisation from the event's target (an organisation, or a target that belongs to one) or from the organisation its
details name (by id or slug); the applicant's name from the application of an applicant's own action.

Revision ID: b16e1a1c2d3e
Revises: b16e0a1c2d3e
Create Date: 2026-12-01 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b16e1a1c2d3e'
down_revision = 'b16e0a1c2d3e'
branch_labels = None
depends_on = None

# target_type -> (table, its organisation column): where a target names its organisation.
_TARGET_ORGANISATION = {
    "application": ("application", "organisation_id"),
    "sharerequest": ("share_request", "organisation_id"),
    "alert": ("alert", "organisation_id"),
    "membershipinvitation": ("membership_invitation", "organisation_id"),
    "event": ("event", "host_organisation_id"),
    "agreement": ("agreement", "author_organisation_id"),
}
# The actions an applicant takes without an account.
_APPLICANT_ACTIONS = ("application.submitted", "application.confirmed", "application.replied", "application.withdrawn")


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_organisation_id_organisation'), 'organisation',
                                    ['organisation_id'], ['id'], ondelete='SET NULL')
    # Events whose target was the logged-in person (Flask-Login's proxy) were stored as "localproxy": they are users.
    op.execute("UPDATE audit_event SET target_type = 'user' WHERE target_type = 'localproxy'")
    _backfill(op.get_bind())


def _backfill(connection):
    event = sa.table("audit_event", sa.column("id"), sa.column("action"), sa.column("actor_id"),
                     sa.column("target_type"), sa.column("target_id"), sa.column("details", sa.JSON),
                     sa.column("organisation_id"), sa.column("actor_name"))
    organisation = sa.table("organisation", sa.column("id"), sa.column("slug"))
    by_slug = dict(connection.execute(sa.select(organisation.c.slug, organisation.c.id)).all())
    known = set(by_slug.values())
    owners = {}
    for target_type, (table_name, column) in _TARGET_ORGANISATION.items():
        table = sa.table(table_name, sa.column("id"), sa.column(column))
        owners[target_type] = dict(connection.execute(sa.select(table.c.id, table.c[column])).all())
    application = sa.table("application", sa.column("id"), sa.column("applicant_name"),
                           sa.column("applicant_email"))
    applicants = {row.id: row.applicant_name or row.applicant_email
                  for row in connection.execute(sa.select(application))}
    changes = []
    for row in connection.execute(sa.select(event.c.id, event.c.action, event.c.actor_id, event.c.target_type,
                                            event.c.target_id, event.c.details)):
        named = row.details.get("organisation") if isinstance(row.details, dict) else None
        if isinstance(named, str):
            named = by_slug.get(named)
        if row.target_type == "organisation":
            owner = row.target_id
        else:
            owner = owners.get(row.target_type, {}).get(row.target_id)
        organisation_id = named if named in known else owner if owner in known else None
        actor_name = ""
        if row.action in _APPLICANT_ACTIONS and row.actor_id is None and row.target_type == "application":
            actor_name = (applicants.get(row.target_id) or "")[:200]
        if organisation_id is not None or actor_name:
            changes.append({"event_id": row.id, "organisation": organisation_id, "name": actor_name})
    if changes:
        connection.execute(event.update().where(event.c.id == sa.bindparam("event_id"))
                           .values(organisation_id=sa.bindparam("organisation"), actor_name=sa.bindparam("name")),
                           changes)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_event_organisation_id'))
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('actor_name')
