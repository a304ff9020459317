"""Queries behind the coordinators' pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.db import LIKE_ESCAPE, contains_pattern, fetch_page
from portal.extensions import db
from portal.organisations.models import Membership

PAGE_SIZE = 50


def search_people(text="", page=1):
    """People whose name or address contains `text`, by name, with their organisations loaded: one Page."""
    query = sa.select(User).order_by(User.name, User.email)
    if text:
        pattern = contains_pattern(text.strip().lower())
        query = query.where(sa.or_(sa.func.lower(User.name).like(pattern, escape=LIKE_ESCAPE),
                                   User.email.like(pattern, escape=LIKE_ESCAPE)))
    query = query.options(selectinload(User.memberships).selectinload(Membership.organisation))
    return fetch_page(db.session, query, page, PAGE_SIZE)


def recent_audit_events(page=1):
    """The audit log, newest first, with the actors loaded: one Page."""
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).options(selectinload(AuditEvent.actor))
    return fetch_page(db.session, query, page, PAGE_SIZE)
