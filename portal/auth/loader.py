"""Load the logged-in user from the session, checking the per-user session token.

Other domains add to what is loaded with the person, in the same query (they register from their init_app): loader
options for a full page (what its navigation shows), and facts, named SQL expressions read beside the person (a
fragment needs them too, and one query is cheaper than two).
"""

import hmac

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.auth.models import User
from portal.extensions import db
from portal.htmx import is_htmx

_EXTENSION = "portal.user_loading"


def load_on_pages(app, option):
    """Load `option` (e.g. a joinedload of the person's memberships) with the person on every full page."""
    _loading(app)["page_options"].append(option)


def load_fact(app, name, expression):
    """Read the SQL `expression` (over User) with the person on every request, as `user.facts[name]`."""
    _loading(app)["facts"][name] = expression


def _loading(app):
    loading = app.extensions.setdefault(_EXTENSION, {"page_options": [], "facts": {}, "queries": {}})
    loading["queries"].clear()
    return loading


def load_user(session_id):
    """Return the user for 'id:token' if the token still matches and the account is active."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # A fragment shows no navigation: it loads the person and their facts alone.
    query, names = _user_query(with_page_options=not is_htmx())
    row = db.session.execute(query, {"id": int(user_id)}).unique().one_or_none()
    if row is None:
        return None
    user = row[0]
    if not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    user.facts = dict(zip(names, row[1:]))
    return user


def _user_query(with_page_options):
    """The person's query, with the facts and (for a full page) the page options. Built once per app and kind:
    every request runs it, and building it costs more than running it."""
    loading = current_app.extensions.get(_EXTENSION) or _loading(current_app)
    built = loading["queries"].get(with_page_options)
    if built is None:
        names = tuple(loading["facts"])
        query = sa.select(User, *(loading["facts"][name].label(name) for name in names)).where(
            User.id == sa.bindparam("id"))
        if with_page_options and loading["page_options"]:
            query = query.options(*loading["page_options"])
        built = loading["queries"][with_page_options] = (query, names)
    return built


def init_login(login_manager):
    """Tell Flask-Login how to load users and where to send people who must log in (again)."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
