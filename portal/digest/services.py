"""The weekly digest: for each person, their dashboard (waiting work, what is coming, the week's news) as a mail.

The dashboard's providers build links with url_for and texts with gettext, so each person's digest is made in a
request context of the configured SERVER_NAME, in their language; the links are then made absolute.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import lazy_gettext as _l

from portal import dashboard
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.i18n import BANGKOK, in_language
from portal.mail import preferences
from portal.mail.models import OutboxMessage
from portal.mail.services import PRIORITY_BULK, queue_mail

KIND = "digest"
NEWS_DAYS = 7
BATCH_SIZE = 500
SUBJECT = _l("Your weekly digest from the PR Network")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass
class Totals:
    """What one run did: digests queued, people with nothing to read, people who turned the digest off, and people
    whose digest of the week was queued by an earlier run."""

    sent: int = 0
    nothing_to_say: int = 0
    opted_out: int = 0
    already_sent: int = 0


def current_week(now=None):
    """The ISO week in Bangkok, as 2026-W49."""
    year, week, _ = (now or utcnow()).astimezone(BANGKOK).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text):
    """Return an ISO week written as 2026-W49, normalised; raise ValueError for anything else."""
    match = _WEEK.fullmatch(str(text).strip())
    if not match:
        raise ValueError(f"not an ISO week: {text!r}")
    date.fromisocalendar(int(match[1]), int(match[2]), 1)  # raises for week 54, or 53 in a 52-week year
    return f"{match[1]}-W{match[2]}"


def idempotency_key(week, user):
    return f"digest-{week}-to-{user.id}"


def send_week(week=None, batch_size=BATCH_SIZE):
    """Queue the week's digest for every active person with a confirmed address who has something to read and has
    not turned the digest off; commit after each batch and empty the session (what the caller holds is detached).
    Running it again in the same week queues nothing more. Return the Totals."""
    week = parse_week(week) if week else current_week()
    totals = Totals()
    last_id = 0
    while True:
        people = db.session.scalars(
            sa.select(User).where(User.active.is_(True), User.email_confirmed_at.is_not(None), User.id > last_id)
            .order_by(User.id).limit(batch_size)).all()
        if not people:
            return totals
        last_id = people[-1].id
        _send_batch(people, week, totals)
        db.session.commit()
        db.session.expunge_all()  # the batch's people and everything loaded with them: memory stays flat


def _send_batch(people, week, totals):
    keys = {idempotency_key(week, person): person for person in people}
    done = set(db.session.scalars(sa.select(OutboxMessage.idempotency_key)
                                  .where(OutboxMessage.idempotency_key.in_(keys))))
    totals.already_sent += len(done)
    waiting = [person for key, person in keys.items() if key not in done]
    off = preferences.opted_out(KIND, [person.email for person in waiting])
    since = utcnow() - timedelta(days=NEWS_DAYS)
    for person in waiting:
        if person.email in off:
            totals.opted_out += 1
        elif queue_digest(person, week, since) is None:
            totals.nothing_to_say += 1
        else:
            totals.sent += 1


def digest_of(user, since):
    """The person's digest in the current language: {"now", "coming", "lately"}, each a list of dicts with an
    absolute url; all empty when there is nothing to say. Needs a request context (see `queue_digest`)."""
    board = dashboard.for_user(user)
    lately = [item for item in board.lately if item.when and _aware(item.when) >= since]
    return {section: [_line(item) for item in items]
            for section, items in (("now", board.now), ("coming", board.coming), ("lately", lately))}


def queue_digest(user, week, since):
    """Queue one person's digest of `week` and return the message, or None when there is nothing to say."""
    language = user.language or "th"
    with current_app.test_request_context(), in_language(language):
        digest = digest_of(user, since)
    if not any(digest.values()):
        return None
    return queue_mail(user.email, "digest/digest", SUBJECT, kind="digest", language=language,
                      idempotency_key=idempotency_key(week, user), priority=PRIORITY_BULK,
                      name=user.name or user.email, day=utcnow(), **digest)


def _line(item):
    return {"text": item.text, "url": urljoin(request.host_url, item.url), "count": item.count, "when": item.when,
            "due": item.due}


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

