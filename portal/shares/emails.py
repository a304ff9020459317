"""The mail of share requests, each in its recipient's language: the request to the admins of every organisation
asked (one INSERT for them all), and the notice to its poster when a coordinator hides it."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.auth.models import User
from portal.extensions import db
from portal.i18n import format_date, in_language
from portal.mail.services import PRIORITY_BULK, mail_url, queue_many, queue_notice_to
from portal.organisations.models import Membership, Role
from portal.shares.models import ShareTarget


def _admins_asked(share):
    """(address, name, language) of the active admins of the organisations a request asks (one query)."""
    return db.session.execute(
        sa.select(User.email, User.name, User.language).distinct()
        .join(Membership, Membership.user_id == User.id)
        .join(ShareTarget, ShareTarget.organisation_id == Membership.organisation_id)
        .where(ShareTarget.request_id == share.id, Membership.role == Role.ORG_ADMIN, User.active)
        .order_by(User.email)).all()


def tell_organisations_asked(share):
    """Ask the admins of every organisation asked to share the news: one INSERT per language, each message rendered
    in its recipient's language. Return how many were mailed."""
    link = mail_url("shares.show", share_id=share.id)
    by_language = {}
    for email, name, language in _admins_asked(share):
        by_language.setdefault(language if language in ("th", "en") else "th", []).append(
            (email, language, {"name": name or email}))
    mailed = 0
    for language, recipients in by_language.items():
        with in_language(language):
            until = format_date(share.relevant_until, "long")
        mailed += queue_many(
            "shares/request", _l("Please share: %(headline)s", headline=share.headline_in(language)), recipients,
            kind="shares", idempotency_prefix=f"share-{share.id}", priority=PRIORITY_BULK, link=link, links=list(share.links or []),
            poster=share.organisation.name_in(language), headline=share.headline_in(language),
            message=share.message_in(language), until=until)
    return mailed


def tell_hidden(share):
    """Tell the poster that a coordinator hid their request, and why."""
    poster = share.posted_by
    if poster is None:
        return None
    headline = share.headline_in(poster.language)
    return queue_notice_to(
        poster, f"share-{share.id}-hidden", _l("Your share request was hidden: %(headline)s", headline=headline),
        [_l("A network coordinator hid your share request \"%(headline)s\": only your organisation and the "
            "coordinators see it now. The reason given:", headline=headline)],
        quote=share.hidden_reason, link=mail_url("shares.show", share_id=share.id),
        link_label=_l("Open the request"), kind="shares")
