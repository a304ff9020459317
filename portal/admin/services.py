"""Queries behind the coordinators' pages."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.audit import SIGN_INS
from portal.audit.models import AuditEvent
from portal.audit.services import actions_of_kind
from portal.auth.models import User
from portal.db import LIKE_ESCAPE, contains_pattern, fetch_page
from portal.extensions import db
from portal.i18n import BANGKOK
from portal.organisations.models import Membership, Organisation

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


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to: a kind of action ("" for all but sign-ins, ALL_KINDS for every one), text
    in the actor's name or address, an organisation's id, and Bangkok days from and to (both included)."""

    kind: str = ""
    person: str = ""
    organisation: int | None = None
    since: date | None = None
    until: date | None = None


ALL_KINDS = "all"
EXPORT_BATCH = 500


def audit_events(filters, page=1):
    """The audit log narrowed by `filters`, newest first, with actors and organisations loaded: one Page."""
    return fetch_page(db.session, _audit_query(filters), page, PAGE_SIZE)


def audit_event_batch(filters, before_id=None):
    """The next batch of the narrowed log, newest first, from the event before `before_id`: for an export."""
    query = _audit_query(filters)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return db.session.scalars(query.limit(EXPORT_BATCH)).all()


def _audit_query(filters):
    query = (sa.select(AuditEvent).order_by(AuditEvent.id.desc())
             .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.organisation)))
    sign_ins = actions_of_kind(SIGN_INS)
    if filters.kind == ALL_KINDS:
        pass
    elif filters.kind:
        query = query.where(AuditEvent.action.in_(actions_of_kind(filters.kind)))
    elif sign_ins:
        query = query.where(AuditEvent.action.not_in(sign_ins))
    if filters.person:
        pattern = contains_pattern(filters.person.strip().lower())
        actors = sa.select(User.id).where(sa.or_(sa.func.lower(User.name).like(pattern, escape=LIKE_ESCAPE),
                                                 User.email.like(pattern, escape=LIKE_ESCAPE)))
        query = query.where(sa.or_(AuditEvent.actor_id.in_(actors),
                                   sa.func.lower(AuditEvent.actor_name).like(pattern, escape=LIKE_ESCAPE)))
    if filters.organisation is not None:
        query = query.where(AuditEvent.organisation_id == filters.organisation)
    if filters.since is not None:
        query = query.where(AuditEvent.created_at >= _start_of_day(filters.since))
    if filters.until is not None:
        query = query.where(AuditEvent.created_at < _start_of_day(filters.until + timedelta(days=1)))
    return query


def _start_of_day(day):
    """The moment a Bangkok day starts, in UTC."""
    return datetime.combine(day, time(), tzinfo=BANGKOK).astimezone(timezone.utc)


def organisations_by_name(language):
    """Every organisation as (id, name in `language`), by name: the log's organisation filter."""
    rows = db.session.execute(sa.select(Organisation.id, Organisation.name_th, Organisation.name_en)
                              .order_by(Organisation.sort_key, Organisation.id)).all()
    if language != "en":
        return [(row.id, row.name_th) for row in rows]
    return sorted(((row.id, row.name_en or row.name_th) for row in rows), key=lambda pair: pair[1].casefold())
