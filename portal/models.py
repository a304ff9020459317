"""Import every domain's models so that the metadata, Alembic and the tests see all tables."""

from portal.audit.models import AuditEvent  # noqa: F401
from portal.auth.models import Invitation, User  # noqa: F401
from portal.mail.models import OutboxAttachment, OutboxMessage  # noqa: F401
from portal.members.models import Application, Membership, Organisation  # noqa: F401
