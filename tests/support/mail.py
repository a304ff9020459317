"""Reading what the portal mailed: the outbox, and the links in its messages."""

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.extensions import db
from portal.mail.models import OutboxMessage


def last_mail(to):
    """Return the newest outbox message to an address."""
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == to)
                             .order_by(OutboxMessage.id.desc()))


def mail_subjects(to):
    """The subjects of every message to an address, oldest first."""
    return db.session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == to)
                              .order_by(OutboxMessage.id)).all()


def link_in(message):
    """Return the path of the first portal link in a message's text body."""
    return re.search(r"http://portal\.test(/\S+)", message.body_text).group(1)


def token_in(path):
    """The token at the end of a mailed link's path (before its query: the link's language)."""
    return urlsplit(path).path.rsplit("/", 1)[1]


def tampered(path):
    """A mailed link with the last characters of its token changed, its query kept."""
    token = token_in(path)
    changed = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    return path.replace(token, changed, 1)
