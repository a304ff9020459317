"""Queries behind the coordinators' pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.db import LIKE_ESCAPE, contains_pattern
from portal.extensions import db
from portal.members.models import Membership

PAGE_SIZE = 50


def search_people(text="", page=1):
    """People whose name or address contains `text`, by name, with their organisations loaded; one page."""
    query = sa.select(User).order_by(User.name, User.email)
    if text:
        pattern = contains_pattern(text.strip().lower())
        query = query.where(sa.or_(sa.func.lower(User.name).like(pattern, escape=LIKE_ESCAPE),
                                   User.email.like(pattern, escape=LIKE_ESCAPE)))
    rows = db.session.scalars(
        query.options(selectinload(User.memberships).selectinload(Membership.organisation))
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def recent_audit_events(page=1):
    """The audit log, newest first, one page, with the actors loaded."""
    rows = db.session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.id.desc()).options(selectinload(AuditEvent.actor))
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
