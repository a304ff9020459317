"""The signing record: every event of an agreement, each row's hash covering its content and the previous row's hash.

A row changed, removed or inserted behind the portal's back breaks the chain from there on: `verify_chain` recomputes
it and names the first row that does not match. Certificates print the chain's head.
"""

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request

from portal.agreements.models import AgreementEvent
from portal.db import serialise, utcnow
from portal.extensions import db

GENESIS = "0" * 64


def event_hash(event, previous_hash):
    """The hash of an event's content and the previous event's hash (canonical JSON, SHA-256 hex)."""
    content = {
        "agreement": event.agreement_id, "version": event.version_id, "kind": str(event.kind),
        "actor": event.actor_id, "organisation": event.organisation_id, "details": event.details or {},
        "ip": event.ip or "", "at": event.created_at.isoformat(timespec="microseconds"), "previous": previous_hash,
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def head(agreement_id):
    """The hash of the agreement's newest event (the genesis value before the first)."""
    return db.session.scalar(sa.select(AgreementEvent.hash).where(AgreementEvent.agreement_id == agreement_id)
                             .order_by(AgreementEvent.id.desc()).limit(1)) or GENESIS


def append(agreement, kind, version=None, actor=None, organisation=None, **details):
    """Add an event to the agreement's record, chained to the one before; return it.

    Appends to one agreement's record are serialised (two signatures at the same moment would otherwise chain to the
    same previous row), so the caller's transaction holds the agreement's lock from here to its commit."""
    serialise(db.session, f"agreement-record:{agreement.id}")
    previous = head(agreement.id)
    event = AgreementEvent(
        agreement_id=agreement.id, version_id=version.id if version is not None else None, kind=kind,
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        details={key: value for key, value in details.items() if value is not None},
        ip=(request.remote_addr or "") if has_request_context() else "",
        created_at=utcnow(), previous_hash=previous)
    event.hash = event_hash(event, previous)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass
class Break:
    """Where a record stops matching: the event's id and what is wrong with it."""

    event_id: int
    reason: str


def verify_chain(agreement_id):
    """Recompute an agreement's record from its first event; return the first Break, or None when every row holds."""
    previous = GENESIS
    events = db.session.scalars(sa.select(AgreementEvent).where(AgreementEvent.agreement_id == agreement_id)
                                .order_by(AgreementEvent.id)).all()
    for event in events:
        if event.previous_hash != previous:
            return Break(event.id, "it does not follow the event before it (one was removed, added or changed)")
        if event_hash(event, previous) != event.hash:
            return Break(event.id, "its content does not match its hash (it was changed)")
        previous = event.hash
    return None
