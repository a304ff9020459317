"""Account rules: creating people and coordinators."""

import sqlalchemy as sa

from portal.auth.models import User
from portal.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from portal.db import utcnow
from portal.extensions import db


class AccountError(ValueError):
    """A rule about accounts was broken; the message is for the user."""


def normalise_email(email):
    """Return the address as stored: trimmed and lower-case."""
    return email.strip().lower()


def find_user_by_email(email):
    """Return the user with this address, in any letter case, or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password_rules(password):
    """Raise AccountError when a password is too short or too long."""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"The password must have at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"The password must have at most {MAX_LENGTH} characters.")


def create_coordinator(email, password, name=""):
    """Create a coordinator account, or promote an existing one, with a confirmed address."""
    check_password_rules(password)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name)
        db.session.add(user)
    user.is_admin = True
    user.active = True
    user.password_hash = hash_password(password)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    return user
