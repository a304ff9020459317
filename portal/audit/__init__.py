"""The audit log: who did what to what, when and from where. Every workflow's state change writes one.

Each domain registers its actions (`register_actions` in its init_app): for each, its name, the sentence the log
shows ("%(actor)s published %(target)s") and the kind it is filtered by. One rule in one place: the log page, its
export and every list of labels read them from here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

_EXTENSION = "portal.audit_actions"

# The kinds of action the log is filtered by, in the order its filter lists them. Sign-ins are hidden unless chosen.
SIGN_INS = "sign_ins"
KINDS = {
    "accounts": _l("Accounts"),
    "organisations": _l("Organisations"),
    "applications": _l("Applications"),
    "agreements": _l("Agreements"),
    "events": _l("Events"),
    "shares": _l("Share requests"),
    "alerts": _l("Urgent alerts"),
    "mail": _l("Mail"),
    "privacy": _l("Personal data"),
    SIGN_INS: _l("Sign-ins"),
}


# The sentence of an action registered by its name alone (%(action)s: that name).
PLAIN_SENTENCE = _l("%(actor)s: %(action)s")


@dataclass(frozen=True)
class Action:
    """An audit action as people read it.

    `sentence` is a lazy string with %(actor)s, %(target)s, %(organisation)s and the event's detail names as
    placeholders; `outsider` names an actor without an account (%(name)s: who they said they are), such as an
    applicant; `values` turns a detail's stored code into words ({detail: {code: label}} or {detail: function}).
    """

    label: object
    sentence: object
    kind: str
    outsider: object = None
    values: dict = field(default_factory=dict)


def register_actions(app, actions, values=None, kind=None):
    """Add a domain's {action: Action} to those the audit log shows; `values` apply to each of them.

    A plain {action: label} is told as "<actor>: <label>" and filed under `kind`."""
    registered = app.extensions.setdefault(_EXTENSION, {})
    clashes = set(registered) & set(actions)
    if clashes:
        raise ValueError(f"audit actions registered twice: {sorted(clashes)}")
    actions = {name: action if isinstance(action, Action) else Action(action, PLAIN_SENTENCE, kind or "accounts")
               for name, action in actions.items()}
    unknown = {name for name, action in actions.items() if action.kind not in KINDS}
    if unknown:
        raise ValueError(f"audit actions of no known kind: {sorted(unknown)}")
    for name, action in actions.items():
        registered[name] = Action(action.label, action.sentence, action.kind, action.outsider,
                                  {**(values or {}), **action.values})


def codes(labels):
    """A detail's value made of comma-separated codes ("confirmed,waiting"), read as their labels."""
    return lambda value: ", ".join(str(labels.get(code, code)) for code in str(value).split(",") if code)


def registered_actions(app):
    """Every registered {action: Action}."""
    return app.extensions.get(_EXTENSION, {})


def init_app(app):
    """Give templates the names of every action (filled in by each domain as it registers)."""
    from portal.audit import models  # noqa: F401  (the audit table)
    from portal.i18n import Labels, register_labels

    actions = app.extensions.setdefault(_EXTENSION, {})
    register_labels(app, {"audit_labels": Labels(_ActionLabels(actions)), "audit_kinds": Labels(KINDS)})


class _ActionLabels(Mapping):
    """The {action: label} view of the registered actions, read when first needed (domains register after us)."""

    def __init__(self, actions):
        self._actions = actions

    def __iter__(self):
        return iter(self._actions)

    def __len__(self):
        return len(self._actions)

    def __getitem__(self, name):
        return self._actions[name].label
