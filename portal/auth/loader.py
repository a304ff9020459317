"""Load the logged-in user from the session, checking the per-user session token."""

import functools
import hmac

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.members.models import Membership, Organisation
from portal.extensions import db


def load_user(session_id):
    """Return the user for 'id:token' if the token still matches and the account is active."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(_user_query(), {"id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


# What every page reads of a person's organisations (the member check, the navigation); a page that shows one of them
# whole loads it with its own query, which fills in the rest.
ORGANISATION_COLUMNS = (Organisation.slug, Organisation.name_th, Organisation.name_en, Organisation.status)


@functools.cache
def _user_query():
    """The user with their memberships and organisations, in one query: the navigation and the member checks of
    every page use them. Built once: every request runs it, and building it costs more than running it."""
    return (sa.select(User).where(User.id == sa.bindparam("id"))
            .options(joinedload(User.memberships).joinedload(Membership.organisation)
                     .load_only(*ORGANISATION_COLUMNS)))


def init_login(login_manager):
    """Tell Flask-Login how to load users and where to send people who must log in (again)."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = _l("Please enter your password again to continue.")
    login_manager.needs_refresh_message_category = "info"
