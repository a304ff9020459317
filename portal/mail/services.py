"""Queue mail in the caller's transaction: it leaves only if that transaction commits."""

import re
import uuid

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from jinja2 import nodes
from markupsafe import escape

from portal.audit.services import record
from portal.db import fetch_page, utcnow
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


def _plain(value):
    # A lazy translated string tells Jinja it is safe HTML (it has __html__), so the values formatted into it would
    # not be escaped: turn it into a plain string, in the mail's language, before the templates see it.
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def render_mail(template, subject, language, **context):
    """Render a mail's subject, text and HTML bodies in the recipient's language."""
    with in_language(language):
        context = {name: _plain(value) for name, value in context.items()}
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
    renderers = {}
    rows = []
    for address, language, extra in recipients:
        group = (language, tuple(sorted(extra)))
        render = renderers.get(group)
        if render is None:
            render = renderers[group] = _bulk_renderer(template, subject, language, context, extra)
        subject_text, text, html = render(extra)
        rows.append({
            "recipient": address, "subject": subject_text, "body_text": text, "body_html": html,
            "language": language, "status": OutboxStatus.QUEUED, "attempts": 0, "next_attempt_at": now,
            "created_at": now, "idempotency_key": f"{prefix}:{address}",
        })
    if rows:
        # A Core INSERT in the session's transaction: the ORM's bulk path adds ~30 µs a row for nothing used here.
        db.session.connection().execute(sa.insert(OutboxMessage.__table__), rows)
    return len(rows)


# Rendering a mail costs about 0.3 ms (Jinja, translations, links), most of queue_many's time for a broadcast. When a
# template only prints a recipient's own values (`{{ name }}`, or `_("Dear %(name)s,", name=name)`), queue_many
# renders it once per language with a unique marker for each value, and each recipient's mail is that text with the
# markers replaced by the recipient's values, escaped as Jinja would have (HTML) or not (text). Any other use of those
# values (a filter, a test, a condition, a macro, a pass_context call...) renders every mail in full, and so does a
# first recipient whose full rendering differs from the filled-in one.
_GETTEXT = frozenset({"_", "gettext"})
_CAPTURING = (nodes.FilterBlock, nodes.Macro, nodes.CallBlock, nodes.AssignBlock, nodes.EvalContextModifier)
_ONLY_STRING_FIELDS = re.compile(r"%(?:%|\(\w+\)s)")


def _bulk_renderer(template, subject, language, context, sample):
    """Return a function of a recipient's extra context that renders their (subject, text, html)."""

    def full(extra):
        return render_mail(template, subject, language, **context, **extra)

    keys = tuple(sample)
    if not keys:
        rendered = full(sample)
        return lambda extra: rendered
    if "subject" in keys or set(keys) & set(context) or not _prints_only(template, keys):
        return full
    markers = {key: f"queuemany{uuid.uuid4().hex}" for key in keys}
    subject_text, text, html = full(markers)
    by_marker = {marker: key for key, marker in markers.items()}
    pattern = re.compile("|".join(markers.values()))
    text_parts = pattern.split(text)
    html_parts = pattern.split(html)
    text_keys = [by_marker[m] for m in pattern.findall(text)]
    html_keys = [by_marker[m] for m in pattern.findall(html)]

    def fill(parts, part_keys, values):
        out = [parts[0]]
        for key, part in zip(part_keys, parts[1:]):
            out.append(values[key])
            out.append(part)
        return "".join(out)

    def filled(extra):
        as_text = {key: str(value) for key, value in extra.items()}
        as_html = {key: str(escape(value)) for key, value in extra.items()}
        return subject_text, fill(text_parts, text_keys, as_text), fill(html_parts, html_keys, as_html)

    if filled(sample) != full(sample):
        return full
    return filled


def _prints_only(template, keys):
    """Tell whether the mail's templates use each of `keys` only to print it, so that markers can stand in."""
    env = current_app.jinja_env
    if env.finalize is not None or set(keys) & (_GETTEXT | {"self", "super", "caller", "loop", "varargs", "kwargs"}):
        return False
    trees = {}
    for name in (f"mail/{template}.txt", f"mail/{template}.html"):
        closure = _template_closure(env, name)
        if closure is None:
            return False
        escaping = {bool(env.autoescape(n) if callable(env.autoescape) else env.autoescape) for n in closure}
        if len(escaping) > 1:
            return False  # a part escaped differently from the rest: markers cannot tell which
        trees.update(closure)
    keys = frozenset(keys)
    return all(_walk_prints_only(tree, [], keys, env) for tree in trees.values())


def _template_closure(env, name):
    """Parse a template and every template it extends, includes or imports; None if one is chosen at run time."""
    trees = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in trees:
            continue
        source, _, _ = env.loader.get_source(env, current)
        trees[current] = tree = env.parse(source, current)
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            if not (isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)):
                return None
            todo.append(node.template.value)
    return trees


def _takes_context(function):
    return getattr(function, "jinja_pass_arg", None) is not None


def _walk_prints_only(node, ancestors, keys, env):
    parent = ancestors[-1] if ancestors else None
    if isinstance(node, nodes.Name):
        if node.name == "self":
            return False  # {{ self.block() }} could pass a block, markers and all, through a filter
        if node.name in keys:
            return node.ctx == "load" and _printed(ancestors)
    elif isinstance(node, (nodes.Filter, nodes.Test)):
        table = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name is None or _takes_context(table.get(node.name)):
            return False
    elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        callee = node.node.name
        if callee == "super" and not isinstance(parent, nodes.Output):
            return False
        if callee not in _GETTEXT and _takes_context(env.globals.get(callee)):
            return False
    elif isinstance(node, _CAPTURING):
        # What these render can be filtered, captured or escaped differently: no marker may end up inside.
        for inner in node.find_all((nodes.Name, nodes.Include, nodes.Block, nodes.Call)):
            if isinstance(inner, nodes.Name) and (inner.name in keys or inner.name == "self"):
                return False
            if isinstance(inner, (nodes.Include, nodes.Block)):
                return False
            if isinstance(inner, nodes.Call) and isinstance(inner.node, nodes.Name) and inner.node.name == "super":
                return False
    ancestors.append(node)
    try:
        return all(_walk_prints_only(child, ancestors, keys, env) for child in node.iter_child_nodes())
    finally:
        ancestors.pop()


def _printed(ancestors):
    """Whether a value sits directly in `{{ value }}`, or is a `%(field)s` argument of a printed `_("...")`."""
    if ancestors and isinstance(ancestors[-1], nodes.Output):
        return True
    if len(ancestors) < 3:
        return False
    keyword, call, output = ancestors[-1], ancestors[-2], ancestors[-3]
    return (
        isinstance(keyword, nodes.Keyword) and isinstance(call, nodes.Call) and isinstance(output, nodes.Output)
        and isinstance(call.node, nodes.Name) and call.node.name in _GETTEXT
        and call.dyn_args is None and call.dyn_kwargs is None
        and len(call.args) == 1 and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)
        and "%" not in _ONLY_STRING_FIELDS.sub("", call.args[0].value)
    )


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


def queue_notice(to, name, language, key, subject, paragraphs, quote="", items=(), link=None, link_label=""):
    """Queue one message in the shared notice layout (templates/mail/notice): a greeting, paragraphs, an optional
    quoted reason or question, an optional list and an optional button."""
    return queue_mail(to, "notice", subject, language=language, idempotency_key=key,
                      greeting=_l("Dear %(name)s,", name=name), paragraphs=paragraphs, quote=quote, items=list(items),
                      link=link, link_label=link_label)


def queue_notice_to(user, key, subject, paragraphs, **parts):
    """A notice to a portal user, in their language (`key` is made unique per person)."""
    return queue_notice(user.email, user.name or user.email, user.language, f"{key}-to-{user.id}", subject,
                        paragraphs, **parts)
