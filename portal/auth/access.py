"""Who may do what, as far as accounts know: logged in, a coordinator, a fresh login."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_fresh, login_required


def coordinator_required(view):
    """Let only network coordinators in: others get 403, visitors the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def fresh_login_required(view):
    """Ask for the password again when the session was restored from a remember cookie."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not login_fresh():  # after the password, back to the page (the account page for a form without one)
            page = request.full_path.rstrip("?") if "GET" in request.url_rule.methods else url_for("auth.account")
            return redirect(url_for("auth.reauthenticate", next=page), 303)
        return view(*args, **kwargs)

    return wrapped
