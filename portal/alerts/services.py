"""Sending an alert, acknowledging it, reminding those who have not, and what its sender watches.

An alert is mailed at once with the outbox's urgent priority, so it leaves ahead of any bulk mail already queued;
every recipient is one row, acknowledged once (a conditional UPDATE: a double click or a link opened twice changes
nothing), and reminded at most once.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload

from portal.alerts.models import Alert, Recipient
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.db import claim, utcnow
from portal.extensions import db
from portal.mail.services import PRIORITY_URGENT, mail_url, queue_many, queue_notice_to
from portal.organisations.audiences import organisations_query
from portal.organisations.models import Membership, Organisation
from portal.tokens import TokenError, make_token, read_token

TOKEN_PURPOSE = "alert-ack"
LINK_MAX_AGE = 90 * 24 * 3600  # an acknowledgement link works for three months
REMINDER_CHOICES = (30, 60, 240, 1440)  # minutes after sending


class AlertError(ValueError):
    """The alert cannot be sent; the message (translatable) is for the sender."""


def audience_of(organisation=None, regions=(), sectors=(), chosen=()):
    """The organisations an alert goes to: a coordinator's choice for the network, or an organisation's own people
    when its admin sends it (regions, sectors and choices are then ignored)."""
    if organisation is not None:
        return organisations_query(chosen=[organisation.id])
    return organisations_query(regions, sectors, chosen)


def people_in(organisations):
    """A select of (user id, email, name, language, organisation id) of the active people of the organisations,
    each person once (in the first of their organisations)."""
    return (sa.select(User.id, User.email, User.name, User.language, sa.func.min(Membership.organisation_id))
            .join(Membership, Membership.user_id == User.id)
            .where(User.active.is_(True), Membership.organisation_id.in_(organisations))
            .group_by(User.id, User.email, User.name, User.language))


def count_reached(organisations):
    """How many people and organisations an audience reaches (for the confirmation step)."""
    people = db.session.scalar(sa.select(sa.func.count()).select_from(people_in(organisations).subquery()))
    return people, db.session.scalar(sa.select(sa.func.count()).select_from(organisations.subquery()))


def send(by, values, organisation=None, regions=(), sectors=(), chosen=()):
    """Send an alert now: one recipient row per person reached, one urgent mail each. Return the alert.

    `organisation` is the sender's organisation when an organisation admin sends it to its own people; None for
    the network's alerts (coordinators only). The caller checks who may send, and commits.
    """
    if not (values.get("title_th") or values.get("title_en")):
        raise AlertError(_l("Give the alert a title."))
    alert = Alert(organisation=organisation, sent_by=by, regions=list(regions) if organisation is None else [],
                  sectors=list(sectors) if organisation is None else [],
                  chosen=[int(n) for n in chosen] if organisation is None else [], **values)
    db.session.add(alert)
    db.session.flush()
    organisations = audience_of(organisation, regions, sectors, chosen)
    people = people_in(organisations).subquery()
    db.session.execute(sa.insert(Recipient).from_select(
        ["alert_id", "user_id", "email", "name", "language", "organisation_id"],
        sa.select(sa.literal(alert.id), *people.c)))
    recipients = db.session.execute(
        sa.select(Recipient.id, Recipient.email, Recipient.name, Recipient.language)
        .where(Recipient.alert_id == alert.id).order_by(Recipient.id)).all()
    if not recipients:
        raise AlertError(_l("Nobody is in this audience: choose another."))
    _mail(alert, recipients, "sent", lambda title: _l("Urgent: %(title)s", title=title),
          lambda sender: _l("%(sender)s sends this urgent alert. Please read it and acknowledge it with the button "
                            "below.", sender=sender))
    audit("alert.sent", alert, actor=by, people=len(recipients))
    return alert


def _mail(alert, recipients, key, subject, intro):
    """The alert to each recipient in their language, with their own acknowledgement link, at urgent priority.
    `recipients` are (id, email, name, language) rows; `subject(title)` and `intro(sender)` make the lazy texts."""
    for language in ("th", "en"):
        batch = [(email, language, {
            "greeting": _l("Dear %(name)s,", name=name or email),
            "link": mail_url("alerts.acknowledge_link", token=token_for(recipient_id, alert.id))})
            for recipient_id, email, name, their_language in recipients
            if ("en" if their_language == "en" else "th") == language]
        if not batch:
            continue
        sender = alert.organisation.name_in(language) if alert.organisation else _l("The PR Network's coordinators")
        queue_many("notice", subject(alert.title_in(language)), batch,
                   kind="alerts", idempotency_prefix=f"alert-{alert.id}-{key}", priority=PRIORITY_URGENT,
                   paragraphs=[intro(sender)], quote=alert.message_in(language), items=[],
                   link_label=_l("Acknowledge"))


def token_for(recipient_id, alert_id):
    """The signed token of one recipient's acknowledgement link (for that person and that alert only)."""
    return make_token(TOKEN_PURPOSE, {"r": recipient_id, "a": alert_id})


def recipient_of_token(token):
    """The recipient a link is for; raises TokenError when it is broken, foreign or too old."""
    data = read_token(TOKEN_PURPOSE, token, LINK_MAX_AGE)
    recipient = db.session.get(Recipient, data.get("r")) if isinstance(data.get("r"), int) else None
    if recipient is None or recipient.alert_id != data.get("a"):
        raise TokenError()
    return recipient


def recipient_of(alert, user):
    """The person's row of an alert, or None."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Recipient).where(Recipient.alert_id == alert.id, Recipient.user_id == user.id))


def acknowledge(recipient, actor=None):
    """Record that the person read the alert; tell whether this call did (False: acknowledged already)."""
    if not claim(db.session, Recipient, Recipient.id == recipient.id, Recipient.acknowledged_at.is_(None),
                 acknowledged_at=utcnow()):
        return False
    db.session.expire(recipient)
    audit("alert.acknowledged", recipient.alert, actor=actor, recipient=recipient.id)
    return True


def remind_due(now=None):
    """Remind, once, everyone who has not acknowledged an alert whose reminder time has come, and tell each sender
    which organisations nobody there has acknowledged. Idempotent: return the number of people reminded."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(Alert).where(
        Alert.remind_after_minutes.is_not(None), Alert.reminded_at.is_(None),
        Alert.sent_at >= now - timedelta(days=7))).all()
    reminded = 0
    for alert in due:
        if alert.sent_at + timedelta(minutes=alert.remind_after_minutes) > now:
            continue
        if not claim(db.session, Alert, Alert.id == alert.id, Alert.reminded_at.is_(None), reminded_at=now):
            continue  # another run has it
        rows = db.session.execute(
            sa.update(Recipient).where(Recipient.alert_id == alert.id, Recipient.acknowledged_at.is_(None),
                                       Recipient.reminded_at.is_(None))
            .values(reminded_at=now)
            .returning(Recipient.id, Recipient.email, Recipient.name, Recipient.language)
            .execution_options(synchronize_session=False)).all()
        _mail(alert, rows, "reminder", lambda title: _l("Reminder, urgent: %(title)s", title=title),
              lambda sender: _l("%(sender)s sent this urgent alert and has not seen your acknowledgement yet. Please "
                                "read it and acknowledge it with the button below.", sender=sender))
        _tell_sender(alert)
        audit("alert.reminded", alert, actor=None, people=len(rows))
        reminded += len(rows)
        db.session.commit()
    return reminded


def _tell_sender(alert):
    silent = [row for row in by_organisation(alert) if row.acknowledged == 0]
    if alert.sent_by is None or not silent:
        return
    language = alert.sent_by.language
    queue_notice_to(alert.sent_by, f"alert-{alert.id}-silent", _l("Not acknowledged: %(title)s",
                                                                   title=alert.title_in(language)),
                    [_l("Nobody in these organisations has acknowledged your alert yet; they have been reminded:")],
                    items=[row.organisation.name_in(language) for row in silent[:50]],
                    link=mail_url("alerts.show", alert_id=alert.id), link_label=_l("Open the alert"),
                    kind="alerts")


def counts(alert):
    """(people reached, people who acknowledged) in one query."""
    total, acknowledged = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(Recipient.acknowledged_at)).where(Recipient.alert_id == alert.id)).one()
    return total, acknowledged


def by_organisation(alert):
    """Per organisation reached: the organisation, its people reached and acknowledged, fewest acknowledged first."""
    acknowledged = sa.func.count(Recipient.acknowledged_at)
    organisation = aliased(Organisation, name="organisation")
    return db.session.execute(
        sa.select(organisation, sa.func.count().label("reached"), acknowledged.label("acknowledged"))
        .join(Recipient, Recipient.organisation_id == organisation.id)
        .where(Recipient.alert_id == alert.id)
        .group_by(organisation.id).order_by(acknowledged, organisation.name_th)).all()


def recipients(alert):
    """Everyone reached, with their organisation: those who have not acknowledged first."""
    return db.session.scalars(
        sa.select(Recipient).where(Recipient.alert_id == alert.id)
        .options(joinedload(Recipient.organisation))
        .order_by(Recipient.acknowledged_at.is_not(None), Recipient.name, Recipient.email)).all()


def for_person(user, limit=50):
    """The alerts that reached a person, newest first, with their row (acknowledged or not)."""
    return db.session.execute(
        sa.select(Alert, Recipient).join(Recipient, Recipient.alert_id == Alert.id)
        .where(Recipient.user_id == user.id).order_by(Alert.sent_at.desc()).limit(limit)).all()


def sent_by_organisations(organisation_ids, network=False, limit=50):
    """The alerts sent by these organisations (and the network's, for coordinators), newest first."""
    condition = Alert.organisation_id.in_(list(organisation_ids))
    if network:
        condition = sa.or_(condition, Alert.organisation_id.is_(None))
    return db.session.scalars(sa.select(Alert).where(condition).order_by(Alert.sent_at.desc()).limit(limit)).all()
