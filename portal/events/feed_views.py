"""Calendar feeds: the personal feed at its secret address and the public feed, read by calendar apps with no login;
and the account page where a member starts, renews or stops their feed."""

import hashlib

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.events import feeds
from portal.events.feed_models import new_key
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.htmx import render
from portal.mail.services import mail_url

feeds_bp = Blueprint("calendar_feeds", __name__)

FEED_MAX_AGE = 900  # seconds a calendar or a proxy may keep a feed before asking again
KEY_LENGTH = len(new_key())  # the personal route takes exactly this many characters: never "public"
ACTIONS = {  # the form's action: the service, and what the person is told
    "start": (feeds.start_feed, _l("Your calendar feed is ready: copy its address into your calendar app.")),
    "renew": (feeds.renew_feed, _l("Your calendar feed has a new address; the old one no longer works. Put the new one "
                                   "in your calendar app.")),
    "stop": (feeds.stop_feed, _l("Your calendar feed is stopped; its address no longer works.")),
}


def _calendar(content, cache):
    """An .ics answer with its ETag (the content's SHA-256): a 304 when the calendar has it already."""
    response = make_response(content)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = f"{cache}, max-age={FEED_MAX_AGE}"
    response.set_etag(hashlib.sha256(content).hexdigest())
    return response.make_conditional(request)


@feeds_bp.get("/calendar/public.ics")
def public():
    """The network's public events, in Thai (in English with ?lang=en)."""
    return _calendar(feeds.public_ics("en" if request.args.get("lang") == "en" else "th"), "public")


@feeds_bp.get(f"/calendar/<string(length={KEY_LENGTH}):key>.ics")
def personal(key):
    """A member's own feed, opened by its key alone; an unknown, renewed or stopped key is not found, and says no
    more."""
    content = feeds.personal_ics(key)
    if content is None:
        return "Not found\n", 404, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    db.session.commit()  # the feed's last use, noted
    return _calendar(content, "private")


def _feed_urls(feed):
    """The feed's address (https, to paste) and the same as webcal:// (which opens a calendar app)."""
    url = mail_url("calendar_feeds.personal", key=feed.key)
    return url, "webcal://" + url.split("://", 1)[1]


@feeds_bp.get("/account/calendar")
@login_required
def page():
    """The person's feed: what it holds, its address to copy, and the buttons to start, renew or stop it."""
    feed = feeds.feed_of(current_user)
    url, webcal = _feed_urls(feed) if feed else (None, None)
    public_url = mail_url("calendar_feeds.public", **({"lang": "en"} if str(get_locale()) == "en" else {}))
    return render("events/calendar_feed.html", feed=feed, url=url, webcal=webcal, public_url=public_url,
                  form=ConfirmForm())


@feeds_bp.post("/account/calendar")
@login_required
def change():
    """Start, renew (a new address) or stop the person's feed."""
    action = ACTIONS.get(request.form.get("action"))
    if action is None or not ConfirmForm().validate_on_submit():
        abort(400)
    change_feed, done = action
    change_feed(current_user)
    db.session.commit()
    flash(str(done), "success")
    return redirect(url_for("calendar_feeds.page"), 303)
