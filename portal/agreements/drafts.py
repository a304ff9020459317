"""Writing agreements: drafts, publishing a draft as version N (its text frozen), and amendments."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.agreements import emails, record
from portal.agreements.models import Agreement, AgreementKind, AgreementVersion, DraftParty, EventKind, VersionParty
from portal.agreements.text import text_sha256
from portal.audit.services import record as audit
from portal.extensions import db
from portal.organisations.models import Organisation, OrgStatus

DRAFT_FIELDS = ("title_th", "title_en", "body_th", "body_en", "signing_deadline", "valid_from", "valid_until",
                "sequential")


class AgreementError(ValueError):
    """A rule about agreements was broken; the message (translatable) is for the user."""


def start(kind, by, organisation=None):
    """Begin a draft: a charter (coordinators), or a cooperation agreement of `organisation` with others."""
    agreement = Agreement(kind=kind, created_by=by, drafting=True,
                          author_organisation=organisation if kind == AgreementKind.COOPERATION else None)
    db.session.add(agreement)
    if organisation is not None and kind == AgreementKind.COOPERATION:
        agreement.draft_parties.append(DraftParty(organisation=organisation, position=0))
    db.session.flush()
    audit("agreement.drafted", agreement, actor=by, kind=str(kind))
    return agreement


def save_draft(agreement, values, partner_ids=(), by=None):
    """Save the draft's text and terms; for a cooperation agreement, its other parties in signing order (the drafting
    organisation signs first)."""
    if not agreement.drafting:
        raise AgreementError(_l("This agreement is published: start an amendment to change it."))
    for name in DRAFT_FIELDS:
        if name in values:
            setattr(agreement, name, values[name])
    if agreement.kind == AgreementKind.COOPERATION:
        wanted = dict.fromkeys([agreement.author_organisation_id, *partner_ids])
        kept = {party.organisation_id: party for party in agreement.draft_parties}
        agreement.draft_parties = [kept.get(i) or DraftParty(organisation_id=i) for i in wanted]
        for position, party in enumerate(agreement.draft_parties):
            party.position = position
    audit("agreement.draft_saved", agreement, actor=by)


def _parties(agreement):
    """The organisations that will be asked to sign, in order: every active member for a charter."""
    if agreement.kind == AgreementKind.CHARTER:
        return db.session.scalars(sa.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE)
                                  .order_by(Organisation.sort_key, Organisation.id)).all()
    by_id = {o.id: o for o in db.session.scalars(sa.select(Organisation).where(
        Organisation.id.in_([p.organisation_id for p in agreement.draft_parties])))}
    return [by_id[p.organisation_id] for p in sorted(agreement.draft_parties, key=lambda p: p.position)
            if p.organisation_id in by_id]


def problems(agreement, today=None):
    """What stops the draft from being published, each as a message for its author (empty when it may go)."""
    today = today or date.today()
    found = []
    if not agreement.title_th.strip():
        found.append(_l("Give the agreement a Thai title."))
    if not agreement.body_th.strip():
        found.append(_l("Write the agreement's text in Thai."))
    if agreement.signing_deadline is None or agreement.signing_deadline <= today:
        found.append(_l("Choose a signing deadline after today."))
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        found.append(_l("The agreement cannot end before it begins."))
    parties = _parties(agreement)
    if agreement.kind == AgreementKind.COOPERATION and len(parties) < 2:
        found.append(_l("Name at least one other organisation to sign with."))
    if any(o.status != OrgStatus.ACTIVE for o in parties):
        found.append(_l("Only active member organisations can sign: remove the suspended ones."))
    return found


def publish(agreement, by):
    """Freeze the draft as the next version, ask its parties to sign (all at once, or the first in order), and
    record it. Raises AgreementError listing what stops it."""
    found = problems(agreement)
    if found:
        raise AgreementError(" ".join(str(message) for message in found))
    number = len(agreement.versions) + 1
    version = AgreementVersion(
        agreement=agreement, number=number, title_th=agreement.title_th.strip(),
        title_en=agreement.title_en.strip(), body_th=agreement.body_th, body_en=agreement.body_en,
        text_sha256=text_sha256(agreement.title_th.strip(), agreement.title_en.strip(), agreement.body_th,
                                agreement.body_en),
        signing_deadline=agreement.signing_deadline, valid_from=agreement.valid_from,
        valid_until=agreement.valid_until, sequential=agreement.sequential, published_by=by)
    db.session.add(version)
    db.session.flush()
    parties = _parties(agreement)
    db.session.add_all(VersionParty(version_id=version.id, organisation_id=o.id, position=n)
                       for n, o in enumerate(parties))
    agreement.drafting = False
    db.session.flush()
    record.append(agreement, EventKind.PUBLISHED, version=version, actor=by, number=number,
                  text_sha256=version.text_sha256, parties=len(parties))
    audit("agreement.published", agreement, actor=by, version=number)
    emails.ask_to_sign(version, parties[:1] if version.sequential else parties)
    return version


def amend(agreement, by):
    """Open a draft of the next version, starting from the current one's text and terms."""
    if agreement.drafting:
        return
    current = agreement.versions[-1]
    for name in DRAFT_FIELDS:
        setattr(agreement, name, getattr(current, name))
    agreement.signing_deadline = None  # a new round of signing needs a new deadline
    agreement.drafting = True
    audit("agreement.amendment_started", agreement, actor=by, from_version=current.number)
