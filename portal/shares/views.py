"""Share requests: the feed of those my organisation is asked to share (and owes an answer to), posting one, its
page with the answer and the report of where we shared it, the poster's live tally and reports (CSV, PDF), hiding
one (coordinators), and whether an organisation's members may post."""

import io

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth.access import coordinator_required
from portal.extensions import db
from portal.forms import ConfirmForm, choices
from portal.htmx import is_htmx, render
from portal.i18n import page_language, supported_language
from portal.organisations.audiences import describe
from portal.organisations.models import Channel, Organisation, OrgStatus
from portal.shares import access, report, services
from portal.shares.forms import AnswerForm, HideForm, PolicyForm, ReportForm, ShareRequestForm, default_until
from portal.shares.models import ShareAttachment, ShareReply
from portal.urls import page_arg
from portal.web import csv_download

bp = Blueprint("shares", __name__, url_prefix="/shares")



@bp.get("")
@login_required
def index():
    """Open requests my organisation is asked to share (still to answer, answered), our own, and for coordinators
    every request."""
    organisations = access.my_organisations(current_user)
    administered = access.administered(current_user)
    policy = PolicyForm(formdata=None)
    policy.organisation.choices = choices((o.id, o.name_in(page_language())) for o in administered)
    return render("shares/index.html", feed=services.feed(organisations), may_post=access.may_post(current_user),
                  every=services.every_request(page_arg()) if current_user.is_admin else None,
                  administered=[(o, services.members_may_post(o)) for o in administered], policy_form=policy)


def _request_form(submitted=False):
    """The form, empty (a week to share it) or as posted (Flask-WTF reads the files with the fields)."""
    form = ShareRequestForm() if submitted else ShareRequestForm(formdata=None, relevant_until=default_until())
    form.organisation.choices = choices((o.id, o.name_in(page_language()))
                                        for o in access.poster_organisations(current_user))
    form.chosen.choices = choices((o.id, o.name_in(page_language())) for o in db.session.scalars(
        db.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE).order_by(Organisation.sort_key)))
    return form


@bp.get("/new")
@login_required
def new():
    """The form of a new request (org admins, and members when their organisation lets them)."""
    if not access.may_post(current_user):
        abort(403)
    return render("shares/new.html", form=_request_form())


@bp.post("/new")
@login_required
def create():
    if not access.may_post(current_user):
        abort(403)
    form = _request_form(submitted=True)
    if not form.validate_on_submit():
        return render("shares/new.html", form=form, status=422)
    organisation = db.session.get(Organisation, form.organisation.data)
    share = services.post_request(organisation, current_user, form.values(), form.checked_files)
    db.session.commit()
    flash(_("Your request is posted: the organisations asked have been mailed."), "success")
    return redirect(url_for("shares.show", share_id=share.id), 303)


def _show(share, answering, status=200, block=None, answer_form=None, report_form=None, hide_form=None,
          removed=None):
    manage = access.may_manage(current_user, share)
    given = services.answer_of(share, answering)
    if answer_form is None:
        answer_form = AnswerForm(formdata=None, reply=given.reply.value if given else None)
    return render("shares/show.html", block, share=share, answering=answering, given=given, manage=manage,
                  ours=services.reports_of(share, answering),
                  open=services.is_open(share), tally=services.tally(share) if manage else None,
                  answer_form=answer_form, report_form=report_form or ReportForm(formdata=None),
                  hide_form=hide_form or HideForm(formdata=None), audience=describe(share.regions, share.sectors,
                                                                                     share.chosen),
                  note_channels=[c.value for c in services.NOTE_CHANNELS], removed=removed, form=ConfirmForm(),
                  status=status)


@bp.get("/<int:share_id>")
@login_required
def show(share_id):
    """The request: its news and files; our answer and where we shared it; for its poster the live tally."""
    share, answering = access.share_or_abort(share_id, current_user)
    return _show(share, answering, block="tally" if request.args.get("part") == "tally" else None)


def _answering(share_id):
    share, answering = access.share_or_abort(share_id, current_user)
    if answering is None:
        abort(403)  # sees it (its poster's people, coordinators) but is not asked
    return share, answering


def _after_change(share, answering, message):
    """htmx swaps the answer block in place; a plain form goes back to the page, with the message."""
    if is_htmx():
        return _show(share, answering, block="answer")
    flash(message, "success")
    return redirect(url_for("shares.show", share_id=share.id) + "#share-answer", 303)


@bp.post("/<int:share_id>/answer")
@login_required
def answer(share_id):
    """Our organisation's answer: we will share, or we can't (one per organisation; a second changes it)."""
    share, answering = _answering(share_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _show(share, answering, status=422, block="answer", answer_form=form)
    try:
        services.answer(share, answering, ShareReply(form.reply.data), current_user, note=form.note.data)
    except services.ShareError as error:
        db.session.rollback()
        form.reply.errors.append(str(error))
        return _show(share, answering, status=422, block="answer", answer_form=form)
    db.session.commit()
    return _after_change(share, answering, _("Your organisation's answer is saved."))


@bp.post("/<int:share_id>/report")
@login_required
def report_link(share_id):
    """Where our organisation shared it: a web address on a channel, or a note."""
    share, answering = _answering(share_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _show(share, answering, status=422, block="answer", report_form=form)
    try:
        services.report(share, answering, Channel(form.channel.data), current_user, url=form.url.data,
                        note=form.note.data)
    except services.ShareError as error:
        db.session.rollback()
        form.url.errors.append(str(error))
        return _show(share, answering, status=422, block="answer", report_form=form)
    db.session.commit()
    return _after_change(share, answering, _("Thank you: where you shared it is recorded."))


@bp.post("/<int:share_id>/report/<int:report_id>/remove")
@login_required
def remove_report(share_id, report_id):
    """Take back one of our organisation's reports; htmx shows an undo (the same report, sent again)."""
    share, answering = _answering(share_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    removed = services.remove_report(share, answering, report_id, current_user)
    if removed is None:
        abort(404)
    db.session.commit()
    if is_htmx():
        return _show(share, answering, block="answer", removed=removed)
    flash(_("Removed. Add it again below if that was a mistake."), "success")
    return redirect(url_for("shares.show", share_id=share.id) + "#share-answer", 303)


@bp.get("/<int:share_id>/files/<int:file_id>")
@login_required
def attachment(share_id, file_id):
    """A request's image (shown) or PDF (downloaded), to whoever sees the request."""
    share, _answering = access.share_or_abort(share_id, current_user)
    stored = db.session.get(ShareAttachment, file_id)
    if stored is None or stored.request_id != share.id:
        abort(404)
    # send_file writes a Thai file name as RFC 5987 asks (filename*=UTF-8''...): a header holds no raw Thai.
    response = send_file(io.BytesIO(stored.data), mimetype=stored.content_type, as_attachment=not stored.is_image,
                         download_name=stored.filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.cache_control.private = True
    return response


@bp.get("/<int:share_id>/report.csv")
@login_required
def report_csv(share_id):
    """The answers and where each organisation shared (its poster's people and coordinators)."""
    share, _answering = access.share_or_abort(share_id, current_user, manage=True)
    headers, rows = report.csv_rows(services.tally(share), page_language())
    return csv_download(headers, rows, f"share-request-{share.id}.csv")


@bp.get("/<int:share_id>/report.pdf")
@login_required
def report_pdf(share_id):
    """A one-page report in Thai (or ?lang=en) to show a director: what was shared, where, by whom."""
    share, _answering = access.share_or_abort(share_id, current_user, manage=True)
    language = (supported_language(request.args.get("lang")) or supported_language(current_user.language)
                or current_app.config["BABEL_DEFAULT_LOCALE"])
    response = make_response(report.report_pdf(share, services.tally(share), language))
    response.headers["Content-Type"] = "application/pdf"
    response.headers.set("Content-Disposition", "attachment", filename=f"share-request-{share.id}-{language}.pdf")
    return response


@bp.post("/<int:share_id>/hide")
@coordinator_required
def hide(share_id):
    """Hide a request that breaks the network's rules, with the reason mailed to its poster."""
    share, answering = access.share_or_abort(share_id, current_user)
    form = HideForm()
    if not form.validate_on_submit():
        return _show(share, answering, status=422, hide_form=form)
    try:
        services.hide(share, form.reason.data, by=current_user)
    except services.ShareError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("shares.show", share_id=share.id), 303)
    db.session.commit()
    flash(_("The request is hidden; its poster has been told why. You can show it again below."), "success")
    return redirect(url_for("shares.show", share_id=share.id), 303)


@bp.post("/<int:share_id>/unhide")
@coordinator_required
def unhide(share_id):
    """Show a hidden request again (the undo of hiding it)."""
    share, _answering = access.share_or_abort(share_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.unhide(share, by=current_user)
    except services.ShareError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("shares.show", share_id=share.id), 303)
    db.session.commit()
    flash(_("The request is shown again to the organisations asked."), "success")
    return redirect(url_for("shares.show", share_id=share.id), 303)


@bp.post("/settings")
@login_required
def settings():
    """An organisation's admins let its members post share requests, or stop them."""
    administered = access.administered(current_user)
    if not administered:
        abort(403)
    form = PolicyForm()
    form.organisation.choices = choices((o.id, o.name_in(page_language())) for o in administered)
    if not form.validate_on_submit():
        abort(400)
    organisation = next(o for o in administered if o.id == form.organisation.data)
    services.set_members_may_post(organisation, form.members_may_post.data, by=current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("shares.index"), 303)
