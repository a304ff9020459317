"""Starting a logged-in session (the login form, a reset link, a new account from an invitation)."""

from flask import session
from flask_login import login_user


def start_session(user, remember=False):
    """Log a user in with a new session (keeping only the language choice)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user, remember=remember)
