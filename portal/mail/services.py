"""Queue mail in the caller's transaction: it leaves only if that transaction commits."""

import uuid

import sqlalchemy as sa
from flask import current_app, render_template

from portal.db import utcnow
from portal.extensions import db
from portal.i18n import in_language
from portal.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus


def mail_url(endpoint, **values):
    """Build an absolute link for a mail from SERVER_NAME and PREFERRED_URL_SCHEME, never from a request."""
    config = current_app.config
    adapter = current_app.url_map.bind(
        config["SERVER_NAME"],
        script_name=config.get("APPLICATION_ROOT") or "/",
        url_scheme=config["PREFERRED_URL_SCHEME"],
    )
    return adapter.build(endpoint, values, force_external=True)


def render_mail(template, subject, language, **context):
    """Render a mail's subject, text and HTML bodies in the recipient's language."""
    with in_language(language):
        context.setdefault("subject", str(subject))
        return (
            context["subject"],
            render_template(f"mail/{template}.txt", **context),
            render_template(f"mail/{template}.html", **context),
        )


def queue_mail(to, template, subject, language="th", attachments=(), idempotency_key=None, **context):
    """Add one message to the outbox in the current transaction and return it.

    `subject` may be a lazy string; it is rendered in `language`. `attachments` are (filename, content type,
    bytes) triples. A second call with the same `idempotency_key` returns the first message instead of a new one.
    """
    if idempotency_key is not None:
        existing = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
        if existing is not None:
            return existing
    subject_text, text, html = render_mail(template, subject, language, **context)
    message = OutboxMessage(
        recipient=to,
        subject=subject_text,
        body_text=text,
        body_html=html,
        language=language,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        attachments=[OutboxAttachment(filename=f, content_type=t, data=d) for f, t, d in attachments],
    )
    db.session.add(message)
    return message


def queue_many(template, subject, recipients, idempotency_prefix=None, **context):
    """Queue one message per recipient in a single statement and return how many were queued.

    `recipients` are (address, language, extra context) triples, rendered per recipient. For broadcasts: no
    attachments, no per-message objects, one INSERT for the lot.
    """
    now = utcnow()
    prefix = idempotency_prefix or uuid.uuid4().hex
    rows = []
    for address, language, extra in recipients:
        subject_text, text, html = render_mail(template, subject, language, **context, **extra)
        rows.append({
            "recipient": address, "subject": subject_text, "body_text": text, "body_html": html,
            "language": language, "status": OutboxStatus.QUEUED, "attempts": 0, "next_attempt_at": now,
            "created_at": now, "idempotency_key": f"{prefix}:{address}",
        })
    if rows:
        db.session.execute(sa.insert(OutboxMessage), rows)
    return len(rows)


def outbox_counts():
    """Return the number of messages in each state, every state included."""
    counts = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all())
    return {status.value: counts.get(status, 0) for status in OutboxStatus}
