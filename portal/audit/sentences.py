"""Audit events as people read them: a sentence in the reader's language, with names instead of codes."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from portal.audit import registered_actions
from portal.extensions import db
from portal.i18n import format_datetime

_ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@dataclass(frozen=True)
class ToldEvent:
    """One audit event, told: who, what (the action's name and the whole sentence), to what, where."""

    event: object
    actor: str
    action: str
    sentence: str
    target: str
    organisation: str


class _Blanks(dict):
    """Sentence values: a detail an older event lacks prints as a dash, never as an error."""

    def __missing__(self, key):
        return "—"


def tell(events, language):
    """Tell each event (with its actor and organisation loaded) in `language`: a list of ToldEvent."""
    actions = registered_actions(current_app)
    targets = _target_names(events, language)
    told = []
    for event in events:
        action = actions.get(event.action)
        actor = _actor_name(event, action)
        target = targets.get((event.target_type, event.target_id), "")
        organisation = event.organisation.name_in(language) if event.organisation is not None else ""
        values = _Blanks({key: _value(action, key, value) for key, value in (event.details or {}).items()})
        label = str(action.label) if action else event.action
        values.update(actor=actor, target=target or "—", organisation=organisation or "—", action=label)
        sentence = _sentence(action, values) if action else f"{actor}: {label}"
        told.append(ToldEvent(event, actor, label, sentence, target, organisation))
    return told


def _sentence(action, values):
    try:
        sentence = str(action.sentence) % values
    except (TypeError, ValueError, KeyError):  # a translation that breaks its placeholders still says something
        sentence = f"{values['actor']}: {action.label}"
    return sentence[:1].upper() + sentence[1:]  # "The applicant ...", "The system ..."


def _actor_name(event, action):
    if event.actor is not None:
        return event.actor.name or event.actor.email
    if event.actor_name:
        return str(action.outsider) % {"name": event.actor_name} if action and action.outsider else event.actor_name
    return _("the system")


def _value(action, key, value):
    """A detail's value as people read it: the label of a code, a list joined, a moment in Bangkok time."""
    if isinstance(value, list):
        return ", ".join(_value(action, key, item) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    known = action.values.get(key) if action else None
    if callable(known):
        return str(known(value))
    if known is not None and value in known:
        return str(known[value])
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _target_names(events, language):
    """The name of every event's target in `language`, {(type, id): name}: one query per type of target."""
    wanted = defaultdict(set)
    for event in events:
        if event.target_type and event.target_id is not None:
            wanted[event.target_type].add(event.target_id)
    classes = {mapper.class_.__name__.lower(): mapper.class_ for mapper in db.Model.registry.mappers}
    names = {}
    for target_type, ids in wanted.items():
        model = classes.get(target_type)
        if model is None:
            continue
        for row in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
            names[(target_type, row.id)] = name_of(row, language)
    return names


def name_of(thing, language):
    """What people call a thing, in a language: its name, title or headline (Thai or English), else its address."""
    for base in ("name", "title", "headline"):
        if language == "en" and getattr(thing, f"{base}_en", None):
            return getattr(thing, f"{base}_en")
        if getattr(thing, f"{base}_th", None):
            return getattr(thing, f"{base}_th")
    for attribute in ("name", "subject", "email"):
        if getattr(thing, attribute, None):
            return str(getattr(thing, attribute))
    return ""
