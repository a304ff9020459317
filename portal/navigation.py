"""The navigation: each domain adds the entries it offers, and each page shows those meant for the person looking.

Entries go in one of three groups: "main", links in the bar; "tools", the coordinators' tools, in one menu so that
the bar stays on one line as domains are added; "person", the logged-in person's own menu (account, notifications),
which ends with logging out. A link where work waits for the person carries its count (the dashboard's waiting
counts, matched by the link's address).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app, url_for

from portal import dashboard

_EXTENSION = "portal.navigation"


@dataclass(frozen=True)
class NavItem:
    """One entry: shown to those for whom `shown(user)` holds, as one link or, when `links(user)` gives several, as a
    menu named `label`."""

    label: object  # a lazy string
    shown: Callable
    endpoint: str | None = None
    links: Callable | None = None  # user -> [(label, url), ...], in place of the one link to `endpoint`
    group: str = "main"
    order: int = 50

    def links_for(self, user):
        """The entry's (label, url) links for this person."""
        if self.links is not None:
            return self.links(user)
        return [(self.label, url_for(self.endpoint))]


def add(app, *items):
    """Add a domain's entries to the navigation (from its init_app)."""
    app.extensions.setdefault(_EXTENSION, []).extend(items)


class Link(NamedTuple):
    text: object
    url: str
    waiting: int = 0  # how many things wait for the person behind the link


class Entry(NamedTuple):
    label: object
    links: list

    @property
    def waiting(self):
        return sum(link.waiting for link in self.links)


def for_user(user):
    """The entries this person sees, by group, in order: {"main": [Entry(label, [Link])], "tools": [...],
    "person": [...]}."""
    groups = {"main": [], "tools": [], "person": []}
    counts = dashboard.waiting_counts(user)
    for item in sorted(current_app.extensions.get(_EXTENSION, ()), key=lambda item: item.order):
        if item.shown(user):
            links = [Link(text, url, counts.get(url, 0)) for text, url in item.links_for(user)]
            if links:
                groups[item.group].append(Entry(item.label, links))
    return groups


def init_app(app):
    """Give templates the navigation of the person looking."""
    app.jinja_env.globals["navigation_for"] = for_user


def everyone(user):
    """Shown to everyone."""
    return True


def visitors(user):
    """Shown to people not logged in."""
    return not user.is_authenticated


def members(user):
    """Shown to people logged in."""
    return user.is_authenticated


def coordinators(user):
    """Shown to network coordinators."""
    return user.is_authenticated and user.is_admin
