"""My data: everything the portal holds about a person, as JSON (all of it) and one CSV per table, in a zip."""

import enum
import io
import json
import zipfile
from datetime import date, datetime

import sqlalchemy as sa

from portal.agreements.models import Agreement, AgreementVersion, PartyAnswer
from portal.alerts.models import Alert, Recipient
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.events.models import Event, Invitation
from portal.extensions import db
from portal.mail.models import MailPreference, OutboxMessage
from portal.organisations.models import Membership, Organisation
from portal.privacy_notice import CURRENT
from portal.shares.models import ShareAnswer, ShareReport, ShareRequest
from portal.web import csv_text


def _value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _rows(statement):
    return [{key: _value(value) for key, value in row.items()} for row in db.session.execute(statement).mappings()]


def collect(user):
    """{table: [row, ...]} of everything about the person, only theirs."""
    email = user.email
    return {
        "account": [{"id": user.id, "email": user.email, "name": user.name, "language": user.language,
                     "is_coordinator": user.is_admin, "active": user.active,
                     "email_confirmed_at": _value(user.email_confirmed_at), "created_at": _value(user.created_at),
                     "last_login_at": _value(user.last_login_at), "privacy_version": user.privacy_version,
                     "privacy_accepted_at": _value(user.privacy_accepted_at)}],
        "memberships": _rows(sa.select(
            Organisation.name_th.label("organisation"), Membership.role, Membership.position, Membership.is_signatory,
            Membership.created_at).join(Organisation).where(Membership.user_id == user.id).order_by(Membership.id)),
        "applications": _rows(sa.select(
            Application.name_th.label("organisation"), Application.status, Application.applicant_name,
            Application.applicant_email, Application.applicant_position, Application.motivation,
            Application.applicant_reply, Application.created_at, Application.decided_at,
            Application.privacy_version, Application.privacy_accepted_at)
            .where(Application.applicant_email == email).order_by(Application.id)),
        "event_answers": _rows(sa.select(
            Event.title_th.label("event"), Event.starts_at, Invitation.email, Invitation.name, Invitation.status,
            Invitation.answered_at, Invitation.checked_in_at).join(Event)
            .where(sa.or_(Invitation.user_id == user.id, Invitation.email == email)).order_by(Invitation.id)),
        "agreement_signatures": _rows(sa.select(
            Agreement.title_th.label("agreement"), AgreementVersion.number.label("version"),
            Organisation.name_th.label("organisation"), PartyAnswer.answer, PartyAnswer.typed_name,
            PartyAnswer.typed_position, PartyAnswer.consent_text, PartyAnswer.reason, PartyAnswer.answered_at,
            PartyAnswer.ip, PartyAnswer.user_agent, PartyAnswer.text_sha256)
            .join(AgreementVersion, PartyAnswer.version_id == AgreementVersion.id)
            .join(Agreement, AgreementVersion.agreement_id == Agreement.id)
            .join(Organisation, PartyAnswer.organisation_id == Organisation.id)
            .where(PartyAnswer.user_id == user.id).order_by(PartyAnswer.id)),
        "share_answers": _rows(sa.select(
            ShareRequest.headline_th.label("share_request"), ShareAnswer.reply, ShareAnswer.note,
            ShareAnswer.answered_at).join(ShareRequest, ShareAnswer.request_id == ShareRequest.id)
            .where(ShareAnswer.answered_by_id == user.id).order_by(ShareAnswer.id)),
        "share_reports": _rows(sa.select(
            ShareRequest.headline_th.label("share_request"), ShareReport.channel, ShareReport.url, ShareReport.note,
            ShareReport.created_at).join(ShareRequest, ShareReport.request_id == ShareRequest.id)
            .where(ShareReport.reported_by_id == user.id).order_by(ShareReport.id)),
        "alert_acknowledgements": _rows(sa.select(
            Alert.title_th.label("alert"), Recipient.email, Recipient.acknowledged_at, Recipient.reminded_at)
            .join(Alert, Recipient.alert_id == Alert.id).where(Recipient.user_id == user.id).order_by(Recipient.id)),
        "audit_events": _rows(sa.select(
            AuditEvent.created_at, AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_type,
            AuditEvent.target_id, AuditEvent.details, AuditEvent.ip)
            .where(sa.or_(AuditEvent.actor_id == user.id,
                          sa.and_(AuditEvent.target_type == "user", AuditEvent.target_id == user.id)))
            .order_by(AuditEvent.id)),
        "mail_settings": _rows(sa.select(MailPreference.kind, MailPreference.choice, MailPreference.updated_at)
                               .where(MailPreference.address == email).order_by(MailPreference.id)),
        "mails": _rows(sa.select(
            OutboxMessage.created_at, OutboxMessage.subject, OutboxMessage.status, OutboxMessage.sent_at,
            OutboxMessage.body_text).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)),
    }


def _csv(rows):
    """One table as CSV (a heading row, then the rows; nested values as JSON), through the house's CSV rule."""
    if not rows:
        return csv_text([], bom=True)
    return csv_text([list(rows[0]), *([json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list))
                                       else value for value in row.values()] for row in rows)], bom=True)


def zip_of(user, now):
    """The zip's bytes: my-data.json and one CSV per table."""
    data = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(
            {"exported_at": now.isoformat(), "privacy_notice_version": CURRENT.version, **data},
            ensure_ascii=False, indent=2))
        for table, rows in data.items():
            archive.writestr(f"{table}.csv", _csv(rows))
    return buffer.getvalue()
