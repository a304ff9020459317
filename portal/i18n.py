"""Language choice, forced languages for mail, and dates in Thai (Buddhist era) or English."""

import functools
import re
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import current_app, g, has_request_context, request, session
from flask_babel import force_locale, format_timedelta, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}
# The query argument of a mailed link that opens its page in the recipient's language (added by portal.mail).
LINK_LANGUAGE_ARG = "language"

# Runs of a pattern letter outside quoted literals; the year and era letters are replaced for Thai.
_PATTERN_TOKEN = re.compile(r"'(?:[^']|'')*'|([yYuG])\1*")


class Labels(Mapping):
    """Codes and their translated names (roles, sectors, states...), translated once per language, not per use.

    A lazy string translates itself each time it is printed; a list page printing a sector on every row would
    look the catalogue up hundreds of times a request. Templates get each language's plain table from the context
    processor in `init_app` (looked up once a render); a Labels read directly looks the language up on each use.
    """

    def __init__(self, names):
        self._names = names
        self._by_language = {}

    def in_language(self, language):
        """The plain {code: name} table in a language."""
        table = self._by_language.get(language)
        if table is None:
            with in_language(language):
                table = self._by_language[language] = {code: str(name) for code, name in self._names.items()}
        return table

    def __getitem__(self, code):
        return self.in_language(str(get_locale()))[code]

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)


def supported_language(value):
    """Return value if the portal speaks it, else None."""
    return value if value in current_app.config["LANGUAGES"] else None


@functools.cache
def _parsed_locale(code):
    return Locale.parse(code)


def selected_locale():
    """The locale for Flask-Babel: select_locale's choice, parsed once per language rather than once a request."""
    return _parsed_locale(select_locale())


def page_language():
    """The language of the page being made ("th" or "en"), for what views and services pick by language."""
    return str(get_locale())


def select_locale():
    """Choose the page language: the session's choice, then the user's, then Thai."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = supported_language(session.get("lang"))
    if chosen:
        return chosen
    if current_user and current_user.is_authenticated:
        return supported_language(current_user.language) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_language(language):
    """Render everything inside in this language, with or without a request (for mail)."""
    # Flask-Babel ignores force_locale while g is empty; give it its namespace first.
    if not hasattr(g, "_flask_babel"):
        g._flask_babel = SimpleNamespace()
    with force_locale(language):
        yield


def _buddhist_pattern(pattern, year):
    """Rewrite a CLDR pattern so that years print in the Buddhist era."""

    def swap(match):
        letter = match.group(1)
        if letter is None:
            return match.group(0)
        if letter == "G":
            return "'พ.ศ.'"
        return f"'{year + BE_OFFSET}'"

    return _PATTERN_TOKEN.sub(swap, pattern)


# The network's house style writes the long Thai date without the era word: "23 พฤศจิกายน 2569".
_THAI_PATTERNS = {"long": "d MMMM y"}


def _date_pattern(locale, width, year):
    """Return the date pattern for this locale and width, in the Buddhist era for Thai."""
    if locale.language != "th":
        return locale.date_formats[width].pattern
    return _buddhist_pattern(_THAI_PATTERNS.get(width) or locale.date_formats[width].pattern, year)


def _locale():
    return Locale.parse(str(get_locale() or "th"))


def to_bangkok(value):
    """Return an aware datetime in Asia/Bangkok time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BANGKOK)


def format_date(value, width="medium"):
    """Format a date for the current language: '23 พ.ย. 2569' in Thai, 'Nov 23, 2026' in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_bangkok(value).date()
    locale = _locale()
    return babel_format_date(value, _date_pattern(locale, width, value.year), locale=locale)


def format_datetime(value, width="medium"):
    """Format a moment in Bangkok time: '23 พ.ย. 2569 14:30' in Thai, 'Nov 23, 2026, 14:30' in English."""
    if value is None:
        return ""
    local = to_bangkok(value)
    locale = _locale()
    date_pattern = _date_pattern(locale, width, local.year)
    if locale.language == "th":
        return babel_format_datetime(local, f"{date_pattern} HH:mm", tzinfo=BANGKOK, locale=locale)
    return babel_format_datetime(local, f"{date_pattern}, HH:mm", tzinfo=BANGKOK, locale=locale)


def format_time(value):
    """Format a time of day in Bangkok: '14:30 น.' in Thai, '14:30' in English."""
    if value is None:
        return ""
    local = to_bangkok(value)
    return local.strftime("%H:%M") + (" น." if _locale().language == "th" else "")


def register_labels(app, labels):
    """Give templates these Labels by name: the current language's table in each render's context, and the Labels
    themselves as globals for templates rendered without a request's context processors."""
    app.jinja_env.globals.update(labels)
    app.extensions.setdefault("portal.labels", {}).update(labels)


@pass_context
def org_name(context, organisation):
    """An organisation's name in the language of the page being rendered."""
    return organisation.name_in(context.get("current_language") or str(get_locale()))


def init_app(app):
    """Register the language selector's template helpers and the date filters."""

    @app.before_request
    def language_of_a_mailed_link():
        # A mailed link carries its recipient's language: in a browser that has no language yet (no choice made in
        # it, nobody logged in), the page opens in it and the browser keeps it. A choice already made in the
        # browser, or the logged-in person's own language, stays. Any other value is ignored.
        if request.method != "GET" or "lang" in session:
            return
        chosen = supported_language(request.args.get(LINK_LANGUAGE_ARG))
        if chosen and not current_user.is_authenticated:
            session["lang"] = chosen

    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["org_name"] = org_name
    labels = app.extensions.setdefault("portal.labels", {})

    @app.context_processor
    def language_context():
        language = str(get_locale())
        context = {name: names.in_language(language) for name, names in labels.items()}
        context.update(current_language=language, language_names=LANGUAGE_NAMES)
        return context


def wait_in_words(wait):
    """A sentence saying when to try again after a limit ("Please try again in about 40 minutes."), in the page's
    language; `wait` is a timedelta."""
    return _l("Please try again in about %(wait)s.", wait=format_timedelta(wait, threshold=1.1))
