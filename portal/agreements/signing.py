"""Signing: where a version stands, each party's one answer (signed by an authorised signatory, or declined), and
the certificate issued when the last party signs."""

import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.agreements import emails, record
from portal.agreements.access import signs_for
from portal.agreements.models import (
    AgreementEvent,
    AgreementVersion,
    Answer,
    Certificate,
    EventKind,
    PartyAnswer,
    VersionParty,
    VersionState,
)
from portal.audit.services import record as audit
from portal.db import utcnow
from portal.extensions import db
from portal.organisations.models import Organisation


class SigningError(ValueError):
    """A version cannot be answered now, or not by this person; the message (translatable) is for the user."""


@dataclass
class PartyStatus:
    """One party of a version: its organisation, its answer (None while waiting), and whether it may answer now."""

    organisation: Organisation
    position: int
    answer: PartyAnswer | None = None
    turn: bool = False


@dataclass
class Status:
    """Where a version stands, party by party."""

    version: AgreementVersion
    state: VersionState
    parties: list = field(default_factory=list)
    newer: bool = False

    @property
    def signed(self):
        return [p for p in self.parties if p.answer and p.answer.answer == Answer.SIGNED]

    @property
    def declined(self):
        return [p for p in self.parties if p.answer and p.answer.answer == Answer.DECLINED]

    @property
    def waiting(self):
        return [p for p in self.parties if p.answer is None]

    def days_left(self, today=None):
        """Days until the signing deadline (negative once it has passed)."""
        return (self.version.signing_deadline - (today or date.today())).days


def state_of(version, answered, parties, newer, today=None):
    """The state of a version from its answers: superseded by a newer version, complete, declined, expired, open."""
    if newer:
        return VersionState.SUPERSEDED
    if any(a.answer == Answer.DECLINED for a in answered):
        return VersionState.DECLINED
    if parties and len(answered) == len(parties):
        return VersionState.COMPLETE
    if version.signing_deadline < (today or date.today()):
        return VersionState.EXPIRED
    return VersionState.OPEN


def status(version, today=None):
    """A version's status: every party, its answer and who gave it, whose turn it is. Three queries, whatever the
    number of parties (the parties with their organisations, the answers with their people, a newer version)."""
    # Joined, not select-in: a select-in load splits into one more query for every 500 parties.
    parties = db.session.scalars(sa.select(VersionParty).where(VersionParty.version_id == version.id)
                                 .order_by(VersionParty.position).options(joinedload(VersionParty.organisation)))
    answers = {a.organisation_id: a for a in db.session.scalars(
        sa.select(PartyAnswer).where(PartyAnswer.version_id == version.id).options(joinedload(PartyAnswer.user)))}
    newer = db.session.scalar(sa.select(sa.exists().where(AgreementVersion.agreement_id == version.agreement_id,
                                                          AgreementVersion.number > version.number)))
    rows = [PartyStatus(p.organisation, p.position, answers.get(p.organisation_id)) for p in parties]
    state = state_of(version, list(answers.values()), rows, newer, today)
    if state == VersionState.OPEN:
        waiting = [row for row in rows if row.answer is None]
        for row in (waiting[:1] if version.sequential else waiting):
            row.turn = True
    return Status(version, state, rows, newer)


def _answerable(version, organisation, user, shown_sha256):
    """Check, under the agreement's lock and on what the database holds now, that this person may answer for this
    organisation now (the caller holds the agreement's lock)."""
    current = status(version)
    if current.state != VersionState.OPEN:
        raise SigningError({
            VersionState.SUPERSEDED: _l("A newer version of this agreement has been published: sign that one."),
            VersionState.COMPLETE: _l("Every party has already signed this version."),
            VersionState.DECLINED: _l("A party has declined this version: it can no longer be signed."),
            VersionState.EXPIRED: _l("The signing deadline of this version has passed."),
        }[current.state])
    if organisation.id not in {o.id for o in signs_for(user, version)}:
        raise SigningError(_l("You are not an authorised signatory of this organisation."))
    party = next(p for p in current.parties if p.organisation.id == organisation.id)
    if party.answer is not None:
        who = party.answer.user.name or party.answer.user.email
        raise SigningError(_l("%(organisation)s has already answered (%(person)s).",
                              organisation=organisation.name_th, person=who))
    if not party.turn:
        raise SigningError(_l("The parties sign in order: it is not yet this organisation's turn."))
    if shown_sha256 != version.text_sha256:
        raise SigningError(_l("The text you read is not this version's: read it again before signing."))


def consent_sentence(organisation, version):
    """The sentence a signatory ticks, in the current language: it is kept, word for word, with the signature."""
    return gettext("I have read version %(number)d of this agreement in full and sign it on behalf of "
                   "%(organisation)s, as its authorised signatory.", number=version.number,
                   organisation=organisation.name_in(str(get_locale())))


def answer(version, organisation, user, answer_kind, *, typed_name="", typed_position="", consent_text="",
           reason="", language="th", shown_sha256="", ip="", user_agent=""):
    """Record a party's answer to a version (signed, or declined with a reason); mail whom it concerns; when the last
    party signs, issue the certificate. Raises SigningError when the person may not answer for it now."""
    agreement = version.agreement
    # The agreement's lock first (taken by appending to its record): of two signatories of one organisation signing
    # at the same moment, the second finds the answer given; the unique (version, organisation) backs it up.
    event = record.append(agreement, EventKind.SIGNED if answer_kind == Answer.SIGNED else EventKind.DECLINED,
                          version=version, actor=user, organisation=organisation, language=language,
                          text_sha256=shown_sha256, reason=reason or None)
    _answerable(version, organisation, user, shown_sha256)
    given = PartyAnswer(version_id=version.id, organisation_id=organisation.id, user_id=user.id, answer=answer_kind,
                        typed_name=typed_name.strip(), typed_position=typed_position.strip(),
                        consent_text=consent_text, reason=reason.strip(), language=language,
                        text_sha256=shown_sha256, answered_at=event.created_at, ip=ip, user_agent=user_agent[:400])
    db.session.add(given)
    db.session.flush()
    audit(f"agreement.{answer_kind.value}", agreement, actor=user, version=version.number,
          organisation=organisation)
    after = status(version)
    if answer_kind == Answer.DECLINED:
        emails.tell_declined(version, given, [p.organisation for p in after.parties])
    elif after.state == VersionState.COMPLETE:
        certificate = _complete(version, after)
        emails.tell_completed(version, certificate, [p.organisation for p in after.parties])
    elif version.sequential:
        emails.ask_to_sign(version, [p.organisation for p in after.parties if p.turn])
    return given


def _complete(version, current):
    """Every party has signed: record it and issue the certificate, which certifies the record up to this event."""
    completed = record.append(version.agreement, EventKind.COMPLETED, version=version,
                              signatures=len(current.signed))
    certificate = Certificate(version_id=version.id, number=_certificate_number(version), chain_head=completed.hash,
                              issued_at=completed.created_at)
    db.session.add(certificate)
    audit("agreement.completed", version.agreement, actor=None, version=version.number, certificate=certificate.number)
    return certificate


def _certificate_number(version):
    # Readable (agreement, version, Buddhist-era year) and not guessable (the random part), so that the public verify
    # page cannot be walked through every agreement.
    year = utcnow().year + 543
    return f"AGR-{year}-{version.agreement_id:04d}-{version.number}-{secrets.token_hex(3).upper()}"


def record_view(version, user, organisation):
    """Note, once per signatory and version, that a signatory opened the version to sign it."""
    seen = db.session.scalar(sa.select(sa.exists().where(
        AgreementEvent.version_id == version.id, AgreementEvent.actor_id == user.id,
        AgreementEvent.kind == EventKind.VIEWED)))
    if not seen:
        record.append(version.agreement, EventKind.VIEWED, version=version, actor=user, organisation=organisation)
