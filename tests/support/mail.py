"""Reading what the portal mailed: the outbox, and the links in its messages."""

import re

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
