"""Queue mail in the caller's transaction: it leaves only if that transaction commits."""

import functools
import re
import uuid

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from portal.audit.services import record
from portal.db import fetch_page, utcnow
from portal.extensions import db
from portal.i18n import LINK_LANGUAGE_ARG, in_language
from portal.mail import kinds, preferences
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


def _plain(value):
    # A lazy translated string tells Jinja it is safe HTML (it has __html__), so the values formatted into it would
    # not be escaped: turn it into a plain string, in the mail's language, before the templates see it.
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


# A link's characters (RFC 3986); what a sentence may put right after a link is trimmed off its end.
_URL_CHARACTERS = r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]*"
_TRAILING = ".,;:!?)'"


def _site_links(html):
    """The pattern of this site's links in a text body, or in the href attributes of an HTML body."""
    return _links_under(mail_url("main.home").rstrip("/"), html)


@functools.lru_cache(maxsize=8)
def _links_under(base, html):
    base = re.escape(base)
    if html:
        return re.compile(r'(href=")(' + base + r'(?:/[^"#]*)?)')
    return re.compile(r"()(" + base + r"(?:/" + _URL_CHARACTERS + r")?)")


def in_recipient_language(body, language, *, html):
    """Give every link to this site in a mail body the recipient's language, so that it opens their language's
    page even in a browser that has never seen the portal (one rule for every mail, whoever built the link)."""
    separator_html = "&amp;" if html else "&"

    def with_language(match):
        prefix, url = match.groups()
        url, trail = (url, "") if html else (url.rstrip(_TRAILING), url[len(url.rstrip(_TRAILING)):])
        if f"{LINK_LANGUAGE_ARG}=" in url:
            return match.group(0)
        separator = separator_html if "?" in url else "?"
        return f"{prefix}{url}{separator}{LINK_LANGUAGE_ARG}={language}{trail}"

    return _site_links(html).sub(with_language, body)


def render_mail(template, subject, language, **context):
    """Render a mail's subject, text and HTML bodies in the recipient's language, links included."""
    with in_language(language):
        context = {name: _plain(value) for name, value in context.items()}
        context.setdefault("subject", str(subject))
        return (
            context["subject"],
            in_recipient_language(render_template(f"mail/{template}.txt", **context), language, html=False),
            in_recipient_language(render_template(f"mail/{template}.html", **context), language, html=True),
        )


PRIORITY_BULK, PRIORITY_NORMAL, PRIORITY_URGENT = -1, 0, 10


def queue_mail(to, template, subject, *, kind, language="th", attachments=(), idempotency_key=None,
               priority=PRIORITY_NORMAL, **context):
    """Add one message to the outbox in the current transaction and return it, or None when the recipient turned
    this `kind` of mail off.

    `kind` is a registered kind (portal.mail.kinds). `subject` may be a lazy string; it is rendered in `language`.
    `attachments` are (filename, content type, bytes) triples. A second call with the same `idempotency_key` returns
    the first message instead of a new one. The worker delivers higher `priority` first (PRIORITY_URGENT for alerts).
    """
    kinds.get(kind)  # an unregistered kind fails here, on every path
    if idempotency_key is not None:
        existing = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
        if existing is not None:
            return existing
    if preferences.opted_out(kind, [to]):
        return None
    subject_text, text, html = render_mail(template, subject, language, **context)
    message = OutboxMessage(
        recipient=to,
        subject=subject_text,
        body_text=text,
        body_html=html,
        language=language,
        idempotency_key=idempotency_key or uuid.uuid4().hex, priority=priority,
        kind=kind, unsubscribe_url=_unsubscribe_url(to, kind, language),
        attachments=[OutboxAttachment(filename=f, content_type=t, data=d) for f, t, d in attachments],
    )
    db.session.add(message)
    return message


def _unsubscribe_url(address, kind, language):
    if kinds.get(kind).essential:
        return None
    return mail_url("unsubscribe.confirm", token=preferences.unsubscribe_token(address, kind, language))


def queue_many(template, subject, recipients, *, kind, idempotency_prefix=None, priority=PRIORITY_NORMAL, **context):
    """Queue one message per recipient in a single statement and return how many were queued.

    `recipients` are (address, language, extra context) triples; each mail is rendered in full for its recipient.
    Recipients who turned this `kind` of mail off are left out (one query for the lot). For broadcasts: no
    attachments, no per-message objects, one INSERT for the lot.
    """
    now = utcnow()
    prefix = idempotency_prefix or uuid.uuid4().hex
    recipients = list(recipients)
    skipped = preferences.opted_out(kind, [address for address, _, _ in recipients])
    rows = []
    for address, language, extra in recipients:
        if address in skipped:
            continue
        subject_text, text, html = render_mail(template, subject, language, **context, **extra)
        rows.append({
            "recipient": address, "subject": subject_text, "body_text": text, "body_html": html,
            "language": language, "status": OutboxStatus.QUEUED, "attempts": 0, "next_attempt_at": now,
            "created_at": now, "idempotency_key": f"{prefix}:{address}", "priority": priority, "kind": kind,
            "unsubscribe_url": _unsubscribe_url(address, kind, language),
        })
    if rows:
        # A Core INSERT in the session's transaction: the ORM's bulk path adds ~30 µs a row for nothing used here.
        db.session.connection().execute(sa.insert(OutboxMessage.__table__), rows)
    return len(rows)


def outbox_counts():
    """Return the number of messages in each state, every state included."""
    counts = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all())
    return {status.value: counts.get(status, 0) for status in OutboxStatus}


UNDELIVERABLE = (OutboxStatus.DEAD, OutboxStatus.FAILED)
PAGE_SIZE = 50


def retry_messages(statuses=(OutboxStatus.DEAD,), ids=(), queued_since=None, queued_before=None, by=None):
    """Queue dead or failed messages again, attempts reset, so that the next batch takes them; return how many.

    Only messages in one of `statuses` change: running it twice, or naming a queued or sent message, changes nothing
    more. `ids`, `queued_since` and `queued_before` (when the message was queued) narrow the choice. One audit event
    records a retry that changed anything, by `by` (default: the logged-in person; none from the command line).
    """
    statuses = sorted({OutboxStatus(status) for status in statuses})
    if not statuses or not set(statuses) <= set(UNDELIVERABLE):
        raise ValueError(f"only dead or failed messages can be retried, not {statuses}")
    ids = sorted(set(ids))
    conditions = [OutboxMessage.status.in_(statuses)]
    if ids:
        conditions.append(OutboxMessage.id.in_(ids))
    if queued_since is not None:
        conditions.append(OutboxMessage.created_at >= queued_since)
    if queued_before is not None:
        conditions.append(OutboxMessage.created_at < queued_before)
    changed = db.session.execute(
        sa.update(OutboxMessage).where(*conditions)
        .values(status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=utcnow(), claimed_by=None,
                lease_expires_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        record("outbox.retried", target=db.session.get(OutboxMessage, ids[0]) if len(ids) == 1 else None, actor=by,
               count=changed, status=", ".join(statuses), messages=ids or None,
               queued_since=queued_since and queued_since.isoformat(timespec="seconds"),
               queued_before=queued_before and queued_before.isoformat(timespec="seconds"))
    return changed


def undeliverable_messages(page=1):
    """Dead and failed messages, newest first: one Page."""
    query = sa.select(OutboxMessage).where(OutboxMessage.status.in_(UNDELIVERABLE)).order_by(OutboxMessage.id.desc())
    return fetch_page(db.session, query, page, PAGE_SIZE)


def mailbox_messages(recipient="", page=1):
    """Every message, newest first, or only those to one address: one Page, for the development mailbox."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return fetch_page(db.session, query, page, PAGE_SIZE)


def dead_message_count():
    """How many messages were given up after their last attempt (one count on the status index)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
    )


def queue_notice(to, name, language, key, subject, paragraphs, quote="", items=(), link=None, link_label="", *,
                 kind):
    """Queue one message of `kind` in the shared notice layout (templates/mail/notice): a greeting, paragraphs, an
    optional quoted reason or question, an optional list and an optional button."""
    return queue_mail(to, "notice", subject, kind=kind, language=language, idempotency_key=key,
                      greeting=_l("Dear %(name)s,", name=name), paragraphs=paragraphs, quote=quote, items=list(items),
                      link=link, link_label=link_label)


def queue_notice_to(user, key, subject, paragraphs, *, kind, **parts):
    """A notice of `kind` to a portal user, in their language (`key` is made unique per person)."""
    return queue_notice(user.email, user.name or user.email, user.language, f"{key}-to-{user.id}", subject,
                        paragraphs, kind=kind, **parts)
