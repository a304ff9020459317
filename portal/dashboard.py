"""The home base after login: what needs the person now, what is coming, and what happened lately in the network.

The dashboard knows no domain's tables. Each domain registers a function from its init_app that returns the items it
has for a person (a few queries whatever the counts: one count per kind of waiting work, one short list per kind of
news); the dashboard sorts them into its three sections.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

_EXTENSION = "portal.dashboard"

NOW, COMING, LATELY = "now", "coming", "lately"


@dataclass(frozen=True)
class Item:
    """One line of the dashboard: a text (translated), where it leads, and for waiting work how many and since when.

    `section` is NOW (work waiting for the person: shown with its count), COMING (dated things ahead, soonest first)
    or LATELY (news of the network, newest first). `when` orders COMING and LATELY and, for NOW, is the oldest
    waiting item's time (shown as "waiting since"), or with `due` the nearest deadline."""

    section: str
    text: str
    url: str
    count: int | None = None
    when: datetime | None = None
    kind: str = ""  # the domain's name for it, for styling and tests ("agreements.to_sign")
    due: bool = False  # for NOW: `when` is the nearest deadline, not the oldest item's time


@dataclass
class Dashboard:
    now: list = field(default_factory=list)
    coming: list = field(default_factory=list)
    lately: list = field(default_factory=list)

    @property
    def waiting(self):
        """How many things wait for the person in all."""
        return sum(item.count or 0 for item in self.now)


def register(app, name, provider: Callable, order=50):
    """Let a domain add its items: `provider(user)` returns a list of Item (from its init_app)."""
    providers = app.extensions.setdefault(_EXTENSION, {})
    if name in providers:
        raise ValueError(f"dashboard provider {name!r} registered twice")
    providers[name] = (order, provider)


def for_user(user, limit=8):
    """The person's dashboard: waiting work (only kinds with something waiting, in the domains' order), the next
    `limit` things coming and the latest `limit` pieces of news."""
    board = Dashboard()
    providers = sorted(current_app.extensions.get(_EXTENSION, {}).items(), key=lambda pair: (pair[1][0], pair[0]))
    for _name, (_order, provider) in providers:
        for item in provider(user):
            if item.section == NOW and not item.count:
                continue
            getattr(board, item.section).append(item)
    far = datetime.max.replace(tzinfo=None)
    board.coming.sort(key=lambda item: item.when.replace(tzinfo=None) if item.when else far)
    board.lately.sort(key=lambda item: item.when.replace(tzinfo=None) if item.when else far, reverse=True)
    board.coming, board.lately = board.coming[:limit], board.lately[:limit]
    return board
