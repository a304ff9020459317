"""Home page, language switch and health check."""

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, request, session
from flask_login import current_user, login_required

from portal import dashboard, glance
from portal.db import utcnow
from portal.extensions import db
from portal.htmx import render
from portal.i18n import supported_language
from portal.urls import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """A person's home base once logged in (what needs them, what is coming, what happened lately); the network's
    public page for visitors."""
    if current_user.is_authenticated:
        return render("main/dashboard.html", board=dashboard.for_user(current_user),
                      charts=glance.for_user(current_user), now=utcnow())
    return render("main/home.html", now=utcnow())


@bp.get("/network")
@login_required
def network():
    """The network at a glance: every chart the person may see, larger."""
    return render("main/network.html", charts=glance.for_user(current_user))


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session, and on the user when logged in."""
    language = supported_language(request.form.get("language", ""))
    if language is None:
        abort(400)
    session["lang"] = language
    if current_user.is_authenticated and current_user.language != language:
        current_user.language = language
        db.session.commit()
    return redirect(safe_next(request.form.get("next")), 303)


@bp.get("/healthz")
def health():
    """Answer 'ok' when the portal can serve: the process is up and its database answers (503 otherwise), for load
    balancers, which should send no one to a process that can only say sorry."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503, {"Retry-After": "30"}
    return {"status": "ok", "database": "ok"}


@bp.get("/livez")
def liveness():
    """Answer 'ok' while the web process runs, whatever its database does (for a supervisor deciding on a restart)."""
    return {"status": "ok"}
