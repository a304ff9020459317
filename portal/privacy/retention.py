"""The retention run: what the portal stops keeping once it has served its purpose. Each step touches only rows
that still hold what it removes, so a second run changes nothing."""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.applications.models import Application, ApplicationStatus
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.db import utcnow
from portal.extensions import db
from portal.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus

BATCH = 500
CLOSED_APPLICATION_STATES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
IN_FLIGHT = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.FAILED)


@dataclass
class Totals:
    mail_days: int
    audit_days: int
    application_days: int
    mail_bodies: int = 0
    audit_ips: int = 0
    applications: int = 0


def run(now=None):
    """Apply the retention settings in the caller's transaction and return what was done."""
    now = now or utcnow()
    config = current_app.config
    totals = Totals(config["RETENTION_MAIL_BODY_DAYS"], config["RETENTION_AUDIT_IP_DAYS"],
                    config["RETENTION_APPLICATION_DAYS"])
    totals.mail_bodies = blank_mail_bodies(now - timedelta(days=totals.mail_days))
    totals.audit_ips = shorten_audit_ips(now - timedelta(days=totals.audit_days))
    totals.applications = delete_closed_applications(now - timedelta(days=totals.application_days))
    if totals.mail_bodies or totals.audit_ips or totals.applications:
        record("privacy.retention_run", actor=None, mail_bodies=totals.mail_bodies, audit_ips=totals.audit_ips,
               applications=totals.applications)
    return totals


def blank_mail_bodies(before):
    """Blank the bodies (and drop the attachments) of mail delivered or given up before `before`: they hold reset,
    invitation and answer links, and what was said to a person. The subject, address, status and times stay."""
    old = sa.select(OutboxMessage.id).where(
        OutboxMessage.created_at < before, OutboxMessage.status.not_in(IN_FLIGHT),
        sa.or_(OutboxMessage.body_text != "", OutboxMessage.body_html != ""))
    ids = db.session.scalars(old).all()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        db.session.execute(sa.delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(chunk)))
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(chunk))
                           .values(body_text="", body_html="").execution_options(synchronize_session=False))
    return len(ids)


def shortened_ip(ip):
    """An address with its host part removed: IPv4 to its /24, IPv6 to its /48 (what remains names a network, not a
    person). Anything that is not an address becomes empty."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def shorten_audit_ips(before):
    """Shorten the IP addresses of audit events older than `before`; return how many changed."""
    rows = db.session.execute(sa.select(AuditEvent.id, AuditEvent.ip).where(
        AuditEvent.created_at < before, AuditEvent.ip != "")).all()
    changed = [{"event_id": event_id, "short": short} for event_id, ip in rows if (short := shortened_ip(ip)) != ip]
    if changed:  # one statement, its parameters sent in bulk (executemany), not a statement a row
        table = AuditEvent.__table__
        db.session.connection().execute(
            sa.update(table).where(table.c.id == sa.bindparam("event_id")).values(ip=sa.bindparam("short")), changed)
    return len(changed)


def delete_closed_applications(before):
    """Delete applications that were not approved or were withdrawn before `before` (approved ones stay: they are
    the record of how an organisation joined)."""
    closed_at = sa.func.coalesce(Application.decided_at, Application.updated_at)
    ids = db.session.scalars(sa.select(Application.id).where(
        Application.status.in_(CLOSED_APPLICATION_STATES), closed_at < before)).all()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        # Their trail in the audit log stays, without the applicant's name and address.
        for audit_event in db.session.scalars(sa.select(AuditEvent).where(
                AuditEvent.target_type == "application", AuditEvent.target_id.in_(chunk))):
            audit_event.actor_name = ""
            audit_event.details = {key: value for key, value in (audit_event.details or {}).items()
                                   if key != "email"}
        db.session.execute(sa.delete(Application).where(Application.id.in_(chunk))
                           .execution_options(synchronize_session=False))
    return len(ids)
