"""Error pages in the visitor's language, for the codes a user can meet; and the one request no page can take."""

import logging
import math
import time
from datetime import timedelta

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from portal.i18n import wait_in_words
from portal.security import scrub_tokens

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    413: (_l("File too large"), _l("What you sent is larger than the portal accepts.")),
    429: (_l("Too many requests"), _l("You have tried too many times. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. It has been logged; please try again later.")),
    503: (_l("The portal is busy for a moment"),
          _l("The portal cannot reach its database just now. Nothing you sent was saved; please try again in a minute.")),
}
CSRF_MESSAGE = _l("This form has expired or did not come from this site. Please reload the page and try again.")
KEPT_HEADERS = ("Allow", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
RETRY_AFTER_SECONDS = 30
PLAIN_FALLBACK = "ขออภัย เกิดข้อผิดพลาด / Sorry, something went wrong."


def error_page(code, message=None):
    """Render the error page for `code`, with an optional more precise message."""
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message or default_message), code


def _handle_http_error(error):
    code = error.code if error.code in MESSAGES else (500 if error.code >= 500 else 400)
    message = CSRF_MESSAGE if error.__class__.__name__ == "CSRFError" else _too_many_requests() if code == 429 else None
    body, status = error_page(code, message)
    headers = [(name, value) for name, value in error.get_headers() if name in KEPT_HEADERS]
    return body, status, headers


def _too_many_requests():
    """The refusal of a rate limit, saying how long to wait in words (the limit's own reset time)."""
    from portal.extensions import limiter

    limit = limiter.current_limit
    if limit is None:
        return None
    wait = timedelta(seconds=max(1, math.ceil(limit.reset_at - time.time())))
    return _l("You have tried too many times. %(when)s", when=wait_in_words(wait))


def database_unavailable(error):
    """Tell whether an error means the database cannot be reached now (down, restarting, a connection cut, a pool
    with no free connection, SQLite locked too long), rather than a fault in the portal."""
    return (isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError))
            or bool(getattr(error, "connection_invalidated", False)))


def _forget_the_session():
    """Roll back what the request began; with the database gone even that can fail, and must not end the answer."""
    from portal.extensions import db

    try:
        db.session.rollback()
    except Exception as error:  # noqa: BLE001
        log.warning("rollback after an error failed too: %s", _first_line(error))


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _handle_unexpected(error):
    if isinstance(error, HTTPException):
        return _handle_http_error(error)
    _forget_the_session()
    if database_unavailable(error):
        # One line, no traceback: an outage would otherwise write a traceback with SQL for every request.
        log.error("database unavailable on %s %s: %s", request.method, scrub_tokens(request.path), _first_line(error))
        _as_visitor()  # the page's navigation would load the user from the database
        failure = ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS)
    else:
        log.exception("unhandled error on %s %s", request.method, scrub_tokens(request.path))
        failure = InternalServerError()
    try:
        return _handle_http_error(failure)
    except Exception as page_error:  # noqa: BLE001  (the page itself failed: answer in plain words, both languages)
        log.error("the error page failed too: %s", _first_line(page_error))
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        if failure.code == 503:
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return PLAIN_FALLBACK, failure.code, headers


def _as_visitor():
    """Show the rest of this request's pages as to a visitor: Flask-Login keeps the loaded user in `g`."""
    from portal.extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def _refuse_nul_characters():
    """No text a person types holds a NUL character, and PostgreSQL cannot store one: such a request is refused
    (400) before any view reads it, instead of failing on the way into the database."""
    pairs = list(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in ("application/x-www-form-urlencoded",
                                                                           "multipart/form-data"):
        pairs += request.form.items(multi=True)
        pairs += ((name, upload.filename or "") for name, upload in request.files.items(multi=True))
    if any("\x00" in name or "\x00" in value for name, value in pairs):
        return error_page(400)
    return None


def init_app(app):
    """Register the error pages, and the refusal of NUL characters."""
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
    app.before_request(_refuse_nul_characters)
