"""Check-in on the day, for an event's hosts: the page made for a phone (live search, one tap per person, walk-ins,
the counts), and the attendee's record that the QR code of their confirmation mail opens."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from portal.events import access, checkin
from portal.events.checkin_forms import WalkInForm
from portal.events.models import Invitation
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.htmx import is_htmx, render, see_other
from portal.tokens import TokenError
from portal.urls import safe_next
from portal.web import invalid_link

checkin_bp = Blueprint("checkin", __name__, url_prefix="/events")

MAX_QUERY = 100


def _event(event_id):
    """The event, for its managers: 404 to whoever may not see it, 403 to whoever may see it but not manage it."""
    return access.event_or_abort(event_id, current_user, manage=True)[0]


def _invitation(event, attendee_id):
    invitation = db.get_or_404(Invitation, attendee_id)
    if invitation.event_id != event.id:
        abort(404)
    return invitation


def _query(source):
    return source.get("q", "").strip()[:MAX_QUERY]


def _context(event, **context):
    checked, confirmed = checkin.counts(event)
    return {"event": event, "checked": checked, "confirmed": confirmed, "open": checkin.open_for_checkin(event),
            "has_address": checkin.has_address, "refresh_counts": False, **context}


def _page(event, query, block="attendees", form=None, status=200):
    """The page, or for htmx one block of it: the list (a search; the counts come along out of band), the counts
    alone (the page polls them), or the walk-in form with its errors."""
    return render("events/checkin.html", block, status=status, **_context(
        event, attendees=checkin.attendees(event, query), query=query, form=form or WalkInForm(formdata=None),
        refresh_counts=block == "attendees" and is_htmx()))


@checkin_bp.get("/<int:event_id>/check-in")
@login_required
def page(event_id):
    """The check-in page: the counts, a search by name or organisation, a button per person, the walk-in form."""
    event = _event(event_id)
    polled = request.headers.get("HX-Target") == "checkin-counts"
    return _page(event, _query(request.args), "counts" if polled else "attendees")


def _tapped(event, invitation, action):
    """Answer a tap: the row again and the counts (htmx), or back to the page with its search (no JavaScript)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    query = _query(request.form)
    try:
        action(invitation, by=current_user)
    except checkin.CheckInError as error:
        db.session.rollback()
        if is_htmx():
            return _row(event, invitation, query, error=str(error), status=409)
        flash(str(error), "error")
    else:
        db.session.commit()
        if is_htmx():
            return _row(event, invitation, query)
    back = request.form.get("next")
    return redirect(safe_next(back) if back else url_for("checkin.page", event_id=event.id, q=query or None), 303)


def _row(event, invitation, query, error=None, status=200):
    """The tapped person's row, and the counts out of band: the two parts of the page that changed."""
    context = _context(event, invitation=invitation, query=query, error=error, back=request.form.get("next"))
    row = render_template("events/_checkin_row.html", **context)
    counts = render_block("events/checkin.html", "counts", **{**context, "refresh_counts": True})
    response = make_response(row + counts, status)
    response.vary.add("HX-Request")
    return response


@checkin_bp.post("/<int:event_id>/check-in/<int:attendee_id>")
@login_required
def check_in(event_id, attendee_id):
    """Check a person in (one tap)."""
    event = _event(event_id)
    return _tapped(event, _invitation(event, attendee_id), checkin.check_in)


@checkin_bp.post("/<int:event_id>/check-in/<int:attendee_id>/undo")
@login_required
def undo(event_id, attendee_id):
    """Undo a check-in (the wrong person tapped)."""
    event = _event(event_id)
    return _tapped(event, _invitation(event, attendee_id), checkin.undo_check_in)


@checkin_bp.post("/<int:event_id>/walk-in")
@login_required
def walk_in(event_id):
    """Admit a person at the door: a seat if one is free, checked in at once."""
    event = _event(event_id)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            invitation = checkin.walk_in(event, form.name.data, form.email.data, by=current_user)
        except checkin.CheckInError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s is checked in.", name=invitation.display_name), "success")
            return see_other(url_for("checkin.page", event_id=event.id, q=invitation.display_name))
    return _page(event, _query(request.form), "walk_in", form=form, status=422)


# The QR code of the confirmation mail: it opens the attendee's record, for the event's managers only.

@checkin_bp.get("/check-in/<token>")
@login_required
def record(token):
    """An attendee's check-in record, from the QR code of their mail: for the event's hosts; 404 to anyone else."""
    try:
        invitation = checkin.invitation_for_checkin_token(token)
    except TokenError as error:
        return invalid_link(error, note=_("Check-in codes come in the confirmation mail of each attendee."))
    if not access.may_manage(current_user, invitation.event):
        abort(404)
    return render("events/checkin_record.html", **_context(
        invitation.event, invitation=invitation, query="", form=WalkInForm(formdata=None),
        back=url_for("checkin.record", token=token)))
