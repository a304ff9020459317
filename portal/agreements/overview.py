"""A person's agreements, grouped: to sign, open, in force, ended, and drafts. A constant number of queries, however
many agreements and parties."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.agreements.access import may_edit
from portal.agreements.models import Agreement, AgreementKind, AgreementVersion, PartyAnswer, VersionParty, VersionState
from portal.agreements.signing import state_of
from portal.extensions import db
from portal.organisations.access import is_active_member
from portal.organisations.models import Membership, OrgStatus


@dataclass
class Entry:
    """An agreement on the list: its latest version, where that stands, and how many parties have signed."""

    agreement: Agreement
    version: AgreementVersion | None = None
    state: VersionState | None = None
    parties: int = 0
    signed: int = 0
    mine_to_sign: bool = False


@dataclass
class Overview:
    to_sign: list = field(default_factory=list)
    open: list = field(default_factory=list)
    in_force: list = field(default_factory=list)
    ended: list = field(default_factory=list)
    drafts: list = field(default_factory=list)


def _visible(user):
    """The agreements a person sees: all for coordinators; else drafts they write, charters once published, and
    cooperation agreements their organisations are party to."""
    query = sa.select(Agreement).options(selectinload(Agreement.author_organisation)).order_by(Agreement.id.desc())
    if user.is_admin:
        return db.session.scalars(query).all()
    mine = [m.organisation_id for m in user.memberships if m.organisation.status == OrgStatus.ACTIVE]
    party_to = sa.select(AgreementVersion.agreement_id).join(
        VersionParty, VersionParty.version_id == AgreementVersion.id).where(VersionParty.organisation_id.in_(mine))
    published_charter = sa.and_(Agreement.kind == AgreementKind.CHARTER, Agreement.versions.any())
    found = db.session.execute(query.add_columns(Agreement.versions.any()).where(sa.or_(
        Agreement.id.in_(party_to), Agreement.author_organisation_id.in_(mine),
        published_charter if is_active_member(user) else sa.false()))).all()
    return [a for a, published in found if published or may_edit(user, a)]  # published: no query per agreement


def for_person(user, today=None):
    """The person's agreements, grouped for their page (five queries)."""
    today = today or date.today()
    agreements = _visible(user)
    latest = {}
    for version in db.session.scalars(sa.select(AgreementVersion).where(
            AgreementVersion.agreement_id.in_([a.id for a in agreements]))):
        if version.number > getattr(latest.get(version.agreement_id), "number", 0):
            latest[version.agreement_id] = version
    version_ids = [v.id for v in latest.values()]
    parties, answers = {}, {}
    for party in db.session.scalars(sa.select(VersionParty).where(VersionParty.version_id.in_(version_ids))
                                    .order_by(VersionParty.position)):
        parties.setdefault(party.version_id, []).append(party)
    for given in db.session.scalars(sa.select(PartyAnswer).where(PartyAnswer.version_id.in_(version_ids))):
        answers.setdefault(given.version_id, {})[given.organisation_id] = given
    signing_for = set(db.session.scalars(sa.select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.is_signatory))) if user.active else set()
    overview = Overview()
    for agreement in agreements:
        version = latest.get(agreement.id)
        if version is None:
            overview.drafts.append(Entry(agreement))
            continue
        entry = _entry(agreement, version, parties.get(version.id, []), answers.get(version.id, {}), signing_for,
                       today)
        _group(overview, entry, today)
        if agreement.drafting and may_edit(user, agreement):
            overview.drafts.append(Entry(agreement, version))
    return overview


def _entry(agreement, version, parties, answered, signing_for, today):
    state = state_of(version, list(answered.values()), parties, newer=False, today=today)
    waiting = [p for p in parties if p.organisation_id not in answered]
    turn = waiting[:1] if version.sequential else waiting
    return Entry(agreement, version, state, len(parties),
                 sum(1 for a in answered.values() if str(a.answer) == "signed"),
                 state == VersionState.OPEN and any(p.organisation_id in signing_for for p in turn))


def _group(overview, entry, today):
    version = entry.version
    if entry.state == VersionState.OPEN:
        (overview.to_sign if entry.mine_to_sign else overview.open).append(entry)
    elif entry.state == VersionState.COMPLETE and (version.valid_until is None or version.valid_until >= today):
        overview.in_force.append(entry)  # signed: in force, or about to be
    else:
        overview.ended.append(entry)
