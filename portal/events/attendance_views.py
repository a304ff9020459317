"""The certificate of attendance to download: the person's own, once they were checked in and the event has ended."""

from flask import Blueprint, abort, current_app, make_response, request
from flask_login import current_user, login_required

from portal.db import utcnow
from portal.events import access, attendance
from portal.i18n import supported_language

attendance_bp = Blueprint("attendance", __name__, url_prefix="/events")


def _own_invitation(event_id):
    """The current person's invitation to the event: 404 to whoever was not invited (or may not see the event)."""
    invitation = access.event_or_abort(event_id, current_user)[1]
    if invitation is None:
        abort(404)
    return invitation


@attendance_bp.get("/<int:event_id>/attendance.pdf")
@login_required
def certificate(event_id):
    """The person's certificate of attendance as a sealed PDF, in ?lang= (th or en) or else their own language."""
    invitation = _own_invitation(event_id)
    if not attendance.may_download(invitation, utcnow()):
        abort(403)
    language = (supported_language(request.args.get("lang")) or supported_language(current_user.language)
                or current_app.config["BABEL_DEFAULT_LOCALE"])
    response = make_response(attendance.certificate_pdf(invitation, language))
    response.headers["Content-Type"] = "application/pdf"
    response.headers.set("Content-Disposition", "attachment", filename=f"attendance-{event_id}-{language}.pdf")
    return response
