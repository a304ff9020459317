"""URLs: safe redirects (a `next` value may only lead back into this site) and filters read from query arguments."""

from urllib.parse import urlsplit

from flask import request, url_for


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
