"""Error pages in the visitor's language, for the codes a user can meet; and the one request no page can take."""

import logging

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    413: (_l("File too large"), _l("What you sent is larger than the portal accepts.")),
    429: (_l("Too many requests"), _l("You have tried too many times. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. It has been logged; please try again later.")),
}
CSRF_MESSAGE = _l("This form has expired or did not come from this site. Please reload the page and try again.")
KEPT_HEADERS = ("Allow", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def error_page(code, message=None):
    """Render the error page for `code`, with an optional more precise message."""
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message or default_message), code


def _handle_http_error(error):
    code = error.code if error.code in MESSAGES else (500 if error.code >= 500 else 400)
    message = CSRF_MESSAGE if error.__class__.__name__ == "CSRFError" else None
    body, status = error_page(code, message)
    headers = [(name, value) for name, value in error.get_headers() if name in KEPT_HEADERS]
    return body, status, headers


def _handle_unexpected(error):
    if isinstance(error, HTTPException):
        return _handle_http_error(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    from portal.extensions import db

    db.session.rollback()  # the page (its navigation loads the user's organisations) needs a usable session
    try:
        return _handle_http_error(InternalServerError())
    except Exception:  # the page itself failed (database down?): answer in plain words, in both languages
        log.exception("the error page failed too")
        return "ขออภัย เกิดข้อผิดพลาด / Sorry, something went wrong.", 500, {"Content-Type": "text/plain; charset=utf-8"}


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
