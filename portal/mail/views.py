"""The development mailbox: every queued and delivered message, readable in the browser."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, make_response, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.htmx import render
from portal.mail.models import OutboxAttachment, OutboxMessage
from portal.mail.services import mailbox_messages, outbox_counts
from portal.urls import page_arg

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")

# Mail HTML is shown in a sandboxed frame: no script, no forms, no outside requests, only its own inline styles
# and the portal's Thai web font (a reader's mail client has a Thai font; a bare server may not). Same origin
# only so that the font loads; with no script allowed it grants nothing else.
MAIL_HTML_POLICY = ("sandbox allow-same-origin; default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src data:; "
                    "frame-ancestors 'self'")


@bp.before_request
def only_for_coordinators_or_debug():
    """Hide the mailbox unless it is enabled and the viewer is a coordinator or the app runs in debug mode."""
    if not current_app.config["MAILBOX_ENABLED"]:
        abort(404)
    if not (current_app.debug or (current_user.is_authenticated and current_user.is_admin)):
        abort(404)


@bp.get("/")
def index():
    """List messages, newest first, optionally only those to one address."""
    recipient = request.args.get("to", "").strip().lower()
    return render("mailbox/index.html", "results", messages=mailbox_messages(recipient, page_arg()),
                  recipient=recipient, counts=outbox_counts())


@bp.get("/<int:message_id>")
def show(message_id):
    """Show one message: headers, text body, HTML body in a sandboxed frame, attachments."""
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.id == message_id).options(selectinload(OutboxMessage.attachments))
    ) or abort(404)
    return render("mailbox/show.html", message=message)


@bp.get("/<int:message_id>/html")
def html(message_id):
    """Serve a message's HTML body for the sandboxed frame."""
    message = db.get_or_404(OutboxMessage, message_id)
    font = url_for("static", filename="vendor/sarabun-5.3.0/sarabun.css")
    response = make_response(f'<link rel="stylesheet" href="{font}">\n{message.body_html}')
    response.headers["Content-Security-Policy"] = MAIL_HTML_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:message_id>/attachments/<int:attachment_id>")
def attachment(message_id, attachment_id):
    """Download one attachment of a message."""
    item = db.session.scalar(
        sa.select(OutboxAttachment).where(OutboxAttachment.id == attachment_id,
                                          OutboxAttachment.message_id == message_id)
    ) or abort(404)
    response = make_response(item.data)
    response.headers["Content-Type"] = item.content_type
    response.headers.set("Content-Disposition", "attachment", filename=item.filename)
    return response
