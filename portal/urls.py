"""Safe redirects: a `next` value may only lead back into this site."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target, default_endpoint="main.home"):
    """Return `target` when it is a path on this site, else the URL of the default page."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target and target.isprintable():
            return target
    return url_for(default_endpoint)
