"""One-click unsubscribe (RFC 8058): the link in a non-essential message's List-Unsubscribe header.

GET shows a confirmation page in the recipient's language and changes nothing (mail scanners follow links); POST
turns that kind of mail off for that address. Mailbox providers POST `List-Unsubscribe=One-Click` with no session and
no CSRF token: the signed link is the authentication, so that one route is exempt from CSRF. The undo is a form of
the page, with its CSRF token.
"""

from flask import Blueprint, url_for

from portal.extensions import csrf, db
from portal.forms import ConfirmForm
from portal.htmx import render
from portal.i18n import in_language
from portal.mail import preferences
from portal.tokens import TokenError
from portal.web import invalid_link

bp = Blueprint("unsubscribe", __name__, url_prefix="/mail/unsubscribe")


def _page(token, state, address, kind, language, status=200):
    with in_language(language):
        return render("notifications/unsubscribe.html", state=state, address=address, kind=kind, form=ConfirmForm(),
                      action=url_for("unsubscribe.confirm", token=token),
                      undo=url_for("unsubscribe.undo", token=token), status=status)


@bp.get("/<token>")
def confirm(token):
    """Ask whether to stop this kind of mail (or say it is stopped already); change nothing."""
    try:
        address, kind, language = preferences.read_unsubscribe_token(token)
    except TokenError as error:
        return invalid_link(error)
    off = preferences.choices_of(address).get(kind.name) == preferences.OFF
    return _page(token, "off" if off else "ask", address, kind, language)


@bp.post("/<token>")
@csrf.exempt
def unsubscribe(token):
    """Turn this kind of mail off for this address: one POST, no login (the signed link says who)."""
    try:
        address, kind, language = preferences.read_unsubscribe_token(token)
    except TokenError as error:
        return invalid_link(error)
    preferences.set_choice(address, kind.name, preferences.OFF)
    db.session.commit()
    return _page(token, "off", address, kind, language)


@bp.post("/<token>/undo")
def undo(token):
    """Turn this kind of mail on again (the undo on the page that said it was off)."""
    try:
        address, kind, language = preferences.read_unsubscribe_token(token)
    except TokenError as error:
        return invalid_link(error)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _page(token, "off", address, kind, language, status=400)
    preferences.set_choice(address, kind.name, None)
    db.session.commit()
    return _page(token, "on", address, kind, language)
