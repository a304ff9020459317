"""Password rules and hashing (argon2id)."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l


@lru_cache(maxsize=4)
def _hasher_for(time_cost, memory_cost):
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    # Verified for unknown addresses so that a wrong address costs as much time as a wrong password.
    return hasher, hasher.hash("not a real password, only for timing")


def _hasher():
    """The hasher for the configured cost (argon2's defaults unless ARGON2_* settings lower them, as tests do)."""
    config = current_app.config
    return _hasher_for(config.get("ARGON2_TIME_COST", 3), config.get("ARGON2_MEMORY_COST", 65536))

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _common_passwords():
    # zxcvbn's list of the 30,000 most used passwords; the ones long enough to pass the length rule matter.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word for word in FREQUENCY_LISTS["passwords"] if len(word) >= MIN_LENGTH)


def password_problem(password):
    """Return why a new password is refused (a translatable message), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(count)d characters.", count=MAX_LENGTH)
    if password.lower() in _common_passwords() or len(set(password)) < 3:
        return _l("This password is among the most common ones and is easy to guess. Choose another.")
    return None


def hash_password(password):
    """Return the argon2id hash of a password."""
    return _hasher()[0].hash(password)


def verify_password(password_hash, password):
    """Tell whether the password matches the stored hash; takes the same time when there is no hash."""
    hasher, dummy = _hasher()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
