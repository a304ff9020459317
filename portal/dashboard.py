"""The home base after login: what needs the person now, what is coming, and what happened lately in the network.

The dashboard knows no domain's tables. Each domain registers, from its init_app, a function that counts the work
waiting for a person (one count per kind, whatever the numbers) and one that returns what is coming and what
happened lately (one short list per kind of news); the dashboard sorts them into its three sections.

The counts of waiting work also show as badges in the navigation of every page. Those are kept in the person's
session for a minute (`WAITING_BADGE_SECONDS`) and counted again after any change the person makes, so a page costs
no query for them most of the time, and a person who has just acted sees the count drop on the next page.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, request, session

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


@dataclass(frozen=True)
class _Provider:
    order: int
    waiting: Callable | None
    items: Callable | None


def register(app, name, *, waiting: Callable | None = None, items: Callable | None = None, order=50):
    """Let a domain add its part (from its init_app): `waiting(user)` returns its NOW items (counts of waiting work,
    cheap: it runs for the navigation's badges too), `items(user)` its COMING and LATELY items."""
    providers = app.extensions.setdefault(_EXTENSION, {})
    if name in providers:
        raise ValueError(f"dashboard provider {name!r} registered twice")
    if waiting is None and items is None:
        raise ValueError(f"dashboard provider {name!r} gives nothing")
    providers[name] = _Provider(order, waiting, items)


def init_app(app):
    """Forget a person's counted badges whenever they change something."""
    app.config.setdefault("WAITING_BADGE_SECONDS", 60)  # set from the environment by portal.config

    @app.before_request
    def _forget_counts_on_change():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            session.pop(_SESSION_KEY, None)


_SESSION_KEY = "waiting"


def _providers():
    return [provider for _name, provider in sorted(current_app.extensions.get(_EXTENSION, {}).items(),
                                                   key=lambda pair: (pair[1].order, pair[0]))]


def _waiting_items(user):
    return [item for provider in _providers() if provider.waiting for item in provider.waiting(user)
            if item.section == NOW and item.count]


def _remember(user, items):
    counts = {}
    for item in items:
        counts[item.url] = counts.get(item.url, 0) + item.count
    session[_SESSION_KEY] = {"user": user.id, "at": int(time.time()), "counts": counts}
    return counts


def waiting_counts(user):
    """{url: how many things wait there} for the person, for the navigation's badges: from the session when counted
    less than WAITING_BADGE_SECONDS ago and nothing changed since, counted again otherwise."""
    if not user.is_authenticated:
        return {}
    kept = session.get(_SESSION_KEY)
    if (isinstance(kept, dict) and kept.get("user") == user.id and isinstance(kept.get("counts"), dict)
            and 0 <= time.time() - kept.get("at", 0) < current_app.config["WAITING_BADGE_SECONDS"]):
        return kept["counts"]
    return _remember(user, _waiting_items(user))


def for_user(user, limit=8):
    """The person's dashboard: waiting work (only kinds with something waiting, in the domains' order), the next
    `limit` things coming and the latest `limit` pieces of news. The counts it shows become the badges' too."""
    board = Dashboard(now=_waiting_items(user))
    _remember(user, board.now)
    for provider in _providers():
        for item in provider.items(user) if provider.items else ():
            if item.section != NOW:
                getattr(board, item.section).append(item)
    far = datetime.max.replace(tzinfo=None)
    board.coming.sort(key=lambda item: item.when.replace(tzinfo=None) if item.when else far)
    board.lately.sort(key=lambda item: item.when.replace(tzinfo=None) if item.when else far, reverse=True)
    board.coming, board.lately = board.coming[:limit], board.lately[:limit]
    return board
