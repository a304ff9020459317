"""Load the logged-in user from the session, checking the per-user session token."""

import functools
import hmac

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.members.models import Membership, Organisation
from portal.extensions import db
from portal.htmx import is_htmx


def load_user(session_id):
    """Return the user for 'id:token' if the token still matches and the account is active."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # A fragment shows no navigation: it loads the user alone (the member check reads User.in_active_organisation).
    query = _user_query(with_organisations=not is_htmx())
    user = db.session.execute(query, {"id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


# What a full page reads of a person's organisations (its navigation); a page that shows one of them
# whole loads it with its own query, which fills in the rest.
ORGANISATION_COLUMNS = (Organisation.slug, Organisation.name_th, Organisation.name_en, Organisation.status)


@functools.cache
def _user_query(with_organisations):
    """The user, with their memberships and organisations in the same query for a full page (its navigation lists
    them). Built once: every request runs it, and building it costs more than running it. A fragment loads the user
    alone: loading the memberships with it would cost about as much as a directory search's own SQL."""
    query = sa.select(User).where(User.id == sa.bindparam("id"))
    if with_organisations:
        query = query.options(joinedload(User.memberships).joinedload(Membership.organisation)
                              .load_only(*ORGANISATION_COLUMNS))
    return query


def init_login(login_manager):
    """Tell Flask-Login how to load users and where to send people who must log in (again)."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = _l("Please enter your password again to continue.")
    login_manager.needs_refresh_message_category = "info"
