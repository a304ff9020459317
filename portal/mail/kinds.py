"""The kinds of mail, in one place: each domain registers the kinds it sends (`register` in its init_app), each
marked essential (always sent, no unsubscribe) or not. Queueing mail of an unregistered kind raises."""

from dataclasses import KW_ONLY, dataclass

from flask import current_app
from flask_babel.speaklater import LazyString

_EXTENSION = "portal.mail_kinds"


@dataclass(frozen=True)
class MailKind:
    """A kind of mail a person may turn off (unless `essential`), or later take in the weekly digest (`digestible`)."""

    name: str
    label: LazyString | str
    _: KW_ONLY
    essential: bool  # no default: every kind says whether a person can do without it
    digestible: bool = False

    def __post_init__(self):
        if not isinstance(self.essential, bool) or not isinstance(self.digestible, bool):
            raise TypeError(f"mail kind {self.name!r}: essential and digestible are True or False")


class UnknownMailKind(ValueError):
    """Mail was queued with a kind that no domain registered."""


def register(app, *kinds):
    """Let the app queue mail of these kinds."""
    registered = app.extensions.setdefault(_EXTENSION, {})
    for kind in kinds:
        if not isinstance(kind, MailKind):
            raise TypeError(f"not a MailKind: {kind!r}")
        if kind.name in registered:
            raise ValueError(f"mail kind registered twice: {kind.name!r}")
        registered[kind.name] = kind


def registered_kinds(app=None):
    """Every registered kind, in the order the domains registered them."""
    return list((app or current_app).extensions.get(_EXTENSION, {}).values())


def optional_kinds(app=None):
    """The kinds a person may turn off."""
    return [kind for kind in registered_kinds(app) if not kind.essential]


def essential_kinds(app=None):
    """The kinds always sent."""
    return [kind for kind in registered_kinds(app) if kind.essential]


def get(name):
    """The registered kind called `name`; raise UnknownMailKind for any other."""
    try:
        return current_app.extensions.get(_EXTENSION, {})[name]
    except (KeyError, TypeError):
        raise UnknownMailKind(f"mail kind {name!r} is not registered: add it with mail.kinds.register") from None
