"""Reminders for cron (`flask agreements remind`): safe to run twice, the same day or not."""

from datetime import date, timedelta

import sqlalchemy as sa

from portal.agreements import emails, record
from portal.agreements.models import AgreementEvent, AgreementVersion, EventKind, VersionState
from portal.agreements.signing import status
from portal.extensions import db

REMIND_DAYS_BEFORE = (7, 1)
LOOK_BACK_DAYS = 30  # deadlines passed this long ago are still reported (cron may have missed days)


def _done(version, kind, days=None):
    """Tell whether this reminder (or deadline notice) was already sent for the version."""
    events = db.session.scalars(sa.select(AgreementEvent.details).where(
        AgreementEvent.version_id == version.id, AgreementEvent.kind == kind)).all()
    return any(details.get("days") == days for details in events)


def send_reminders(today=None):
    """Remind the parties that have not answered, 7 days and 1 day before the deadline; tell the drafters and the
    coordinators once when a deadline passes unsigned. Return how many versions were reminded or reported."""
    today = today or date.today()
    horizon = today + timedelta(days=max(REMIND_DAYS_BEFORE))
    versions = db.session.scalars(sa.select(AgreementVersion).where(
        AgreementVersion.signing_deadline <= horizon,
        AgreementVersion.signing_deadline >= today - timedelta(days=LOOK_BACK_DAYS)).order_by(AgreementVersion.id)).all()
    acted = 0
    for version in versions:
        current = status(version, today)
        days = (version.signing_deadline - today).days
        if current.state == VersionState.OPEN and days in REMIND_DAYS_BEFORE and not _done(
                version, EventKind.REMINDED, days):
            waiting = [party.organisation for party in current.parties if party.turn]
            for organisation in waiting:
                emails.remind(version, organisation, days)
            record.append(version.agreement, EventKind.REMINDED, version=version, days=days, parties=len(waiting))
            acted += 1
        elif current.state == VersionState.EXPIRED and not _done(version, EventKind.EXPIRED):
            emails.tell_deadline_passed(version, [party.organisation for party in current.waiting])
            record.append(version.agreement, EventKind.EXPIRED, version=version)
            acted += 1
    return acted
