"""Load the logged-in user from the session, checking the per-user session token."""

import hmac

from portal.auth.models import User
from portal.extensions import db


def load_user(session_id):
    """Return the user for 'id:token' if the token still matches and the account is active."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user
