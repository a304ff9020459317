"""Security headers on every response, error pages included; secrets kept out of logs, caches and referrers; and
request bodies held to MAX_CONTENT_LENGTH however they are sent."""

import io
import logging
import re

from flask import request, session

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# A signed token of a mailed link (itsdangerous: payload.time.signature, the signature 27 characters), wherever it
# stands in a path: /password/reset/<token>, /invitations/accept/<token>, /apply/status/<token>...
TOKEN = re.compile(r"\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}")
HIDDEN = "[token]"
# A calendar feed's key (secrets.token_urlsafe(32): 43 characters, no dots) in /calendar/<key>.ics.
FEED_KEY = re.compile(r"(?<=/calendar/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def scrub_tokens(text):
    """The text with every mailed link's token and calendar feed key replaced by [token]: logs must not hold what
    opens an account or a person's calendar."""
    return FEED_KEY.sub(HIDDEN, TOKEN.sub(HIDDEN, text)) if isinstance(text, str) else text


class ScrubTokens(logging.Filter):
    """Scrub tokens from a log record's message and arguments (Werkzeug's and gunicorn's request lines)."""

    def filter(self, record):
        record.msg = scrub_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub_tokens(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: scrub_tokens(value) for key, value in record.args.items()}
        return True


REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class BodyLimit:
    """Hold a request body that came without a Content-Length (chunked) to MAX_CONTENT_LENGTH.

    Werkzeug checks a declared length, but reads a chunked body only up to the limit and parses what it read: a
    16 MiB chunked form was cut to 8 MiB and saved. Such a body is read here up to one byte past the limit and passed
    on with its length declared, so that Werkzeug refuses a longer one (413) as it refuses a declared one.
    """

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        limit = self.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and not environ.get("CONTENT_LENGTH") and "chunked" in environ.get(
                "HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_up_to(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # read: the length is known now (Werkzeug ignores it beside chunked)
            environ.pop("wsgi.input_terminated", None)
        return self.wsgi_app(environ, start_response)


def _read_up_to(stream, size):
    """Read `size` bytes, or what there is: a server's input stream may give fewer per call (a chunk at a time)."""
    parts, left = [], size
    while left > 0:
        part = stream.read(min(left, 64 * 1024))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def init_app(app):
    """Add the security headers to every response (a view may set a stricter policy of its own), keep tokens out of
    request logs, and hold chunked bodies to MAX_CONTENT_LENGTH."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubTokens) for f in logger.filters):
            logger.addFilter(ScrubTokens())
    app.wsgi_app = BodyLimit(app.wsgi_app, app.config)

    @app.after_request
    def add_security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            if request.view_args and "token" in request.view_args:
                # A page opened from a mailed link: its address is a key; no other site may learn it.
                response.headers["Referrer-Policy"] = "no-referrer"
                response.headers["Cache-Control"] = "no-store"
            elif "_user_id" in session and "Cache-Control" not in response.headers:
                # A logged-in person's page: no shared or back-button cache keeps it (a logo says how it is cached).
                response.headers["Cache-Control"] = "no-store"
        return response
