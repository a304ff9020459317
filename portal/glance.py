"""The network at a glance: charts of what the network is and does, drawn as SVG on the server (templates/_charts.html).

The glance knows no domain's tables. Each domain registers, from its init_app, a function that returns the charts a
person may see (each from one aggregate query, whatever the numbers, and counting only what the person may see);
the dashboard shows them, and the network page shows them larger.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from portal.i18n import page_language

_EXTENSION = "portal.glance"

BARS, STACKED = "bars", "stacked"
# The tones a stacked chart's series take (templates/_charts.html gives each its colour, and a gap between segments
# tells them apart without colour).
GOOD, ON_HOLD, MAYBE, BAD, NONE = "good", "on-hold", "maybe", "bad", "none"


@dataclass(frozen=True)
class Series:
    """One kind of part of a stacked bar (its legend entry): "Coming", "Not answered"..."""

    label: str
    tone: str = NONE


@dataclass(frozen=True)
class Bar:
    """One bar: its label and value; for a progress bar the whole it is part of (`total`: signed of asked); for a
    stacked bar its parts, one value per series of the chart, in order."""

    label: str
    value: int = 0
    total: int | None = None
    parts: tuple = ()

    @property
    def whole(self):
        """What the bar is drawn against: its total, the sum of its parts, or its value."""
        if self.parts:
            return sum(self.parts)
        return max(self.value, self.total or 0)


@dataclass(frozen=True)
class Chart:
    """A chart: title, bars (BARS: one value each, maybe of a total; STACKED: parts of `series`), where it leads
    (optional) and a sentence saying the gist in words."""

    name: str  # the domain's name for it ("organisations.regions"): the SVG's ids, styling and tests
    title: str
    bars: list
    kind: str = BARS
    series: tuple = ()
    url: str | None = None
    link_text: str = ""
    summary: str = ""
    unit: str = ""  # what the values count (or the stacked bars' wholes), for the table's header: "Organisations"
    category: str = ""  # what the bars are, for the table's header: "Region"
    total_heading: str = ""  # what the bars' totals count, for the table's header: "Parties asked"

    @property
    def scale(self):
        """The largest whole among the bars (at least 1): the full width of the drawing."""
        return max([bar.whole for bar in self.bars] + [1])


@dataclass(frozen=True)
class _Provider:
    order: int
    charts: Callable


def register(app, name, provider, order=50):
    """Let a domain add its charts (from its init_app): `provider(user)` returns the Charts the person may see."""
    providers = app.extensions.setdefault(_EXTENSION, {})
    if name in providers:
        raise ValueError(f"glance provider {name!r} registered twice")
    providers[name] = _Provider(order, provider)


def registered(app, name):
    """Tell whether a provider of that name is registered."""
    return name in app.extensions.get(_EXTENSION, {})


def for_user(user):
    """The charts a person may see, in the domains' order; charts with nothing to draw are left out."""
    if not user.is_authenticated:
        return []
    providers = sorted(current_app.extensions.get(_EXTENSION, {}).items(), key=lambda pair: (pair[1].order, pair[0]))
    return [chart for _name, provider in providers for chart in provider.charts(user) if chart.bars]


def labels(name):
    """A registered label table ("region_names", "sector_names"...) in the page's language: {code: name}."""
    return current_app.extensions["portal.labels"][name].in_language(page_language())

