"""The organisations' rules applied to requests: decorators for views, and the answers to a refusal."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from portal.extensions import login_manager
from portal.htmx import render
from portal.organisations.access import (
    is_active_member,
    may_manage_invitations,
    suspended_organisations_of,
)


def closed():
    """The answer to a logged-in person without an active organisation: why member pages are closed to them."""
    return render("organisations/closed.html", suspended=suspended_organisations_of(current_user), status=403)


def answer(refused):
    """The response for an access.Refused."""
    if refused.answer == "login":
        return login_manager.unauthorized()
    if refused.answer == "closed":
        return closed()
    abort(404 if refused.answer == "not_found" else 403)


def member_required(view):
    """Let in coordinators and people of an active organisation; tell people of a suspended one why not."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not (current_user.is_admin or is_active_member(current_user)):
            return closed()
        return view(*args, **kwargs)

    return wrapped


def invitation_manager_required(view):
    """Let in coordinators and the admins of an active organisation (the people who can invite)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not may_manage_invitations(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
