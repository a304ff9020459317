"""URLs: safe redirects (a `next` value may only lead back into this site) and filters read from query arguments."""

from urllib.parse import urlsplit

from flask import request, url_for
from werkzeug.routing import IntegerConverter

# The largest id a URL may carry and the last page a list may be asked for: larger numbers are no row's, and a
# database cannot even compare them (SQLite and PostgreSQL integers end at 2**63; SQLite's driver raises beyond).
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


def safe_next(target, default_endpoint="main.home"):
    """Return `target` when it is a path on this site, else the URL of the default page."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target and target.isprintable():
            return target
    return url_for(default_endpoint)


def enum_arg(enum, name):
    """A query argument that must be one of an enum's values (a filter in a URL): the value, or None."""
    value = request.args.get(name)
    return value if value in enum._value2member_map_ else None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id too large for any row is not found (404), not an error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def page_arg():
    """The `page` query argument of a paginated list: 1 unless a sensible number is given."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
