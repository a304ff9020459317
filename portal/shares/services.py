"""The rules of share requests: posting one to an audience fixed at that moment, answering (one answer per
organisation, kept so by the database), reporting where it was shared, hiding one, and the tally its poster follows."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from portal.audit.services import record
from portal.db import claim, fetch_page, utcnow
from portal.extensions import db
from portal.i18n import BANGKOK
from portal.organisations.audiences import organisations_query
from portal.organisations.models import Channel, Organisation
from portal.shares import emails
from portal.shares.models import (
    ShareAnswer,
    ShareAttachment,
    SharePolicy,
    ShareReply,
    ShareReport,
    ShareRequest,
    ShareTarget,
)

PAGE_SIZE = 50
# Channels shared without a web address: a note says where (a radio or TV programme, print, a notice board).
NOTE_CHANNELS = {Channel.BROADCAST, Channel.OTHER}


class ShareError(ValueError):
    """The change cannot be made now; the message (translatable) is for the person."""


def today():
    """Today's date in Bangkok, the date a request's `relevant_until` is read against."""
    return utcnow().astimezone(BANGKOK).date()


def is_open(share, on=None):
    """Tell whether a request takes answers: not hidden, and its last day not past."""
    return not share.is_hidden and (on or today()) <= share.relevant_until


def post_request(organisation, by, values, files=()):
    """Post a request in an organisation's name to the audience in `values` (regions, sectors, chosen), with the
    checked files (filename, content type, bytes); fix the organisations asked, mail their admins. Return it."""
    share = ShareRequest(organisation_id=organisation.id, posted_by_id=by.id, **values)
    share.attachments = [ShareAttachment(filename=name, content_type=kind, size=len(data), data=data)
                         for name, kind, data in files]
    db.session.add(share)
    db.session.flush()
    asked = organisations_query(share.regions, share.sectors, share.chosen).where(
        Organisation.id != organisation.id).subquery()
    db.session.execute(sa.insert(ShareTarget).from_select(
        ["request_id", "organisation_id"], sa.select(sa.literal(share.id, sa.Integer), asked.c.id)))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ShareTarget)
                              .where(ShareTarget.request_id == share.id))
    record("share.posted", share, actor=by, organisation=organisation.id, organisations=count,
           files=len(share.attachments) or None)
    emails.tell_organisations_asked(share)
    return share


def _upsert(model):
    return (sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else postgresql_insert)(model)


def answer(share, organisation, reply, by, note=""):
    """Record an organisation's answer, or change it: one row per organisation whatever the interleaving (an INSERT
    that updates the row another request made meanwhile). The caller commits."""
    if not is_open(share):
        raise ShareError(_l("This request no longer takes answers."))
    values = {"reply": reply, "note": note or "", "answered_by_id": by.id, "answered_at": utcnow()}
    insert = _upsert(ShareAnswer).values(request_id=share.id, organisation_id=organisation.id, **values)
    db.session.execute(insert.on_conflict_do_update(index_elements=["request_id", "organisation_id"], set_=values))
    record("share.answered", share, actor=by, organisation=organisation.id, reply=reply.value)


def answer_of(share, organisation):
    """An organisation's answer to a request, or None."""
    if organisation is None:
        return None
    return db.session.scalar(sa.select(ShareAnswer).options(joinedload(ShareAnswer.answered_by)).where(
        ShareAnswer.request_id == share.id, ShareAnswer.organisation_id == organisation.id))


def report(share, organisation, channel, by, url="", note=""):
    """Record where an organisation shared a request (its answer becomes "we will share" if it was not). The caller
    commits."""
    if share.is_hidden:
        raise ShareError(_l("This request is hidden."))
    current = answer_of(share, organisation)
    if current is None or current.reply != ShareReply.WILL_SHARE:
        answer(share, organisation, ShareReply.WILL_SHARE, by, note=current.note if current else "")
    entry = ShareReport(request_id=share.id, organisation_id=organisation.id, channel=channel, url=url or "",
                        note=note or "", reported_by_id=by.id)
    db.session.add(entry)
    record("share.reported", share, actor=by, organisation=organisation.id, channel=channel.value, url=url or None)
    return entry


def remove_report(share, organisation, report_id, by):
    """Take back one of an organisation's reports (a wrong link, say); return what it said, for an undo, or None when
    it is not the organisation's (or gone already). The caller commits."""
    entry = db.session.scalar(sa.select(ShareReport).where(
        ShareReport.id == report_id, ShareReport.request_id == share.id,
        ShareReport.organisation_id == organisation.id))
    if entry is None:
        return None
    said = {"channel": entry.channel.value, "url": entry.url, "note": entry.note}
    db.session.delete(entry)
    record("share.report_removed", share, actor=by, organisation=organisation.id, channel=said["channel"],
           url=said["url"] or None)
    return said


def reports_of(share, organisation):
    """Where an organisation reported sharing a request."""
    if organisation is None:
        return []
    return db.session.scalars(sa.select(ShareReport).options(joinedload(ShareReport.reported_by)).where(
        ShareReport.request_id == share.id, ShareReport.organisation_id == organisation.id)
        .order_by(ShareReport.id)).all()


def hide(share, reason, by):
    """Hide a request that breaks the network's rules (coordinators): gone for everyone but its poster's people and
    coordinators; the poster is mailed why. The caller commits."""
    if not claim(db.session, ShareRequest, ShareRequest.id == share.id, ShareRequest.hidden_at.is_(None),
                 hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason=reason):
        raise ShareError(_l("This request is hidden already."))
    db.session.expire(share)
    record("share.hidden", share, actor=by, reason=reason)
    emails.tell_hidden(share)


def unhide(share, by):
    """Show a hidden request again (coordinators: the undo of hide). The caller commits."""
    if not claim(db.session, ShareRequest, ShareRequest.id == share.id, ShareRequest.hidden_at.is_not(None),
                 hidden_at=None, hidden_by_id=None, hidden_reason=""):
        raise ShareError(_l("This request is not hidden."))
    db.session.expire(share)
    record("share.unhidden", share, actor=by)


def members_may_post(organisation):
    """Whether an organisation lets its members (not only its admins) post share requests."""
    return bool(db.session.scalar(sa.select(SharePolicy.members_may_post).where(
        SharePolicy.organisation_id == organisation.id)))


def set_members_may_post(organisation, allowed, by):
    """An organisation's admins let its members post share requests, or stop them. The caller commits."""
    values = {"members_may_post": allowed, "changed_by_id": by.id, "changed_at": utcnow()}
    insert = _upsert(SharePolicy).values(organisation_id=organisation.id, **values)
    db.session.execute(insert.on_conflict_do_update(index_elements=["organisation_id"], set_=values))
    record("share.policy_changed", organisation, actor=by, members_may_post=allowed)


@dataclass
class Feed:
    """A person's share requests: open ones still to answer, open ones answered, and their organisations' own."""

    owed: list
    answered: list  # (request, answer)
    ours: list


def feed(organisations, on=None):
    """The feed of people of these organisations (two queries whatever the counts)."""
    ids = [o.id for o in organisations]
    if not ids:
        return Feed([], [], [])
    rows = db.session.execute(
        sa.select(ShareRequest, ShareAnswer)
        .join(ShareTarget, sa.and_(ShareTarget.request_id == ShareRequest.id, ShareTarget.organisation_id.in_(ids)))
        .outerjoin(ShareAnswer, sa.and_(ShareAnswer.request_id == ShareRequest.id,
                                        ShareAnswer.organisation_id == ShareTarget.organisation_id))
        .options(joinedload(ShareRequest.organisation))
        .where(ShareRequest.hidden_at.is_(None), ShareRequest.relevant_until >= (on or today()))
        .order_by(ShareRequest.relevant_until, ShareRequest.id.desc()).limit(200)).all()
    ours = db.session.scalars(sa.select(ShareRequest).options(joinedload(ShareRequest.organisation))
                              .where(ShareRequest.organisation_id.in_(ids))
                              .order_by(ShareRequest.id.desc()).limit(50)).all()
    return Feed([share for share, given in rows if given is None],
                [(share, given) for share, given in rows if given is not None], ours)


def every_request(page=1):
    """Every request, newest first, for coordinators: one Page."""
    query = sa.select(ShareRequest).options(joinedload(ShareRequest.organisation)).order_by(ShareRequest.id.desc())
    return fetch_page(db.session, query, page, PAGE_SIZE)


@dataclass
class Tally:
    """Where a request stands: organisations asked, answers, organisations that reported sharing, links by channel,
    and the answers and reports themselves."""

    reached: int
    will_share: int
    cannot: int
    shared: int
    by_channel: dict
    answers: list
    reports: list

    @property
    def answered(self):
        return self.will_share + self.cannot


def tally_counts(request_id):
    """A request's organisations asked, answers "will share" and "can't", and organisations that reported sharing,
    as scalar subqueries for `request_id` (an id, or ShareRequest.id to count each request of a larger query)."""
    def count(model, *conditions, what=None):
        return (sa.select(what if what is not None else sa.func.count()).select_from(model)
                .where(model.request_id == request_id, *conditions).correlate_except(model).scalar_subquery())

    return (count(ShareTarget), count(ShareAnswer, ShareAnswer.reply == ShareReply.WILL_SHARE),
            count(ShareAnswer, ShareAnswer.reply == ShareReply.CANNOT),
            count(ShareReport, what=sa.func.count(sa.distinct(ShareReport.organisation_id))))


def tally(share):
    """The request's tally in four queries, whatever the number of organisations, answers and reports."""
    reached, will, cannot, shared = db.session.execute(sa.select(*tally_counts(share.id))).one()
    by_channel = dict(db.session.execute(
        sa.select(ShareReport.channel, sa.func.count()).where(ShareReport.request_id == share.id)
        .group_by(ShareReport.channel)).all())
    answers = db.session.scalars(
        sa.select(ShareAnswer).options(joinedload(ShareAnswer.organisation), joinedload(ShareAnswer.answered_by))
        .where(ShareAnswer.request_id == share.id).order_by(ShareAnswer.answered_at.desc())).all()
    reports = db.session.scalars(
        sa.select(ShareReport).options(joinedload(ShareReport.organisation), joinedload(ShareReport.reported_by))
        .where(ShareReport.request_id == share.id).order_by(ShareReport.created_at, ShareReport.id)).all()
    return Tally(reached, will, cannot, shared,
                 {channel: by_channel[channel] for channel in Channel if channel in by_channel}, answers, reports)


def last_day(value: date):
    """The latest `relevant_until` a request may have: a year ahead."""
    return value.replace(year=value.year + 1) if not (value.month == 2 and value.day == 29) else \
        value.replace(year=value.year + 1, day=28)
