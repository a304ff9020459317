"""Signed, expiring tokens for links in mail, each bound to one purpose by its salt.

Each domain registers the purposes of its links (`register_purposes` in its init_app); a token of an unregistered
purpose can be neither made nor read.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_EXTENSION = "portal.token_purposes"


class TokenError(Exception):
    """The link cannot be used; `expired` tells an old link from a broken or foreign one, `used` a genuine link that
    has done its work (with `what`: a sentence saying what it did, for the page that answers it)."""

    def __init__(self, expired=False, used=False, what=None):
        super().__init__("expired" if expired else "used" if used else "invalid")
        self.expired, self.used, self.what = expired, used, what


def register_purposes(app, *purposes):
    """Let the app make and read tokens for these purposes (a domain's mailed links)."""
    registered = app.extensions.setdefault(_EXTENSION, set())
    clashes = registered & set(purposes)
    if clashes:
        raise ValueError(f"token purposes registered twice: {sorted(clashes)}")
    registered.update(purposes)


def _serializer(purpose):
    if purpose not in current_app.extensions.get(_EXTENSION, ()):
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def make_token(purpose, data):
    """Sign `data` (a small dict) for one purpose."""
    return _serializer(purpose).dumps(data)


def read_token(purpose, token, max_age):
    """Return the data of a token made for `purpose` no more than `max_age` seconds ago, or raise TokenError."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError(expired=True) from error
    except BadSignature as error:
        raise TokenError() from error
    if not isinstance(data, dict):
        raise TokenError()
    return data
