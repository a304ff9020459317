"""Events: the list, each event's page (with the person's answer, and for its hosts the invitees and the invite
form), creating and changing events, publishing and cancelling, and the answer links from mail."""

from contextlib import nullcontext

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal.auth.access import coordinator_required
from portal.db import fetch_page, utcnow
from portal.events import access, attendance, audiences, reminders, rsvp, services
from portal.events.forms import (
    AnswerForm,
    AudienceForm,
    DecisionForm,
    EventForm,
    InviteForm,
    MessageForm,
    host_choices,
    parse_guests,
    to_local,
)
from portal.events.models import AudienceRequest, Event, EventState, Invitation, Reply, Status
from portal.extensions import db
from portal.forms import ConfirmForm, choices
from portal.htmx import render
from portal.i18n import format_datetime, in_language, page_language
from portal.organisations.models import Organisation, OrgStatus
from portal.tokens import TokenError
from portal.urls import page_arg
from portal.web import csv_download, invalid_link

bp = Blueprint("events", __name__, url_prefix="/events")
INVITEES_PAGE = 100



def _event(event_id, manage=False):
    return access.event_or_abort(event_id, current_user, manage)



def _invited(count):
    return ngettext("%(num)d person invited (nobody is invited twice).",
                    "%(num)d people invited (nobody is invited twice).", count)

@bp.get("")
@login_required
def index():
    """Upcoming events, with the person's answer to each; where to create one."""
    events = services.upcoming()
    answers = {i.event_id: i for i in db.session.scalars(db.select(Invitation).where(
        Invitation.event_id.in_([e.id for e in events]),
        db.or_(Invitation.user_id == current_user.id, Invitation.email == current_user.email)))}
    drafts = [e for e in db.session.scalars(db.select(Event).where(Event.state == EventState.DRAFT)
                                            .order_by(Event.starts_at)) if access.may_manage(current_user, e)]
    visible = [e for e in events if access.may_see(current_user, e, answers.get(e.id))]
    return render("events/index.html", events=visible, answers=answers, drafts=drafts,
                  past=services.attended(current_user), may_create=access.may_create(current_user))


def _event_form(formdata=None, event=None):
    form = EventForm(formdata=formdata, obj=None)
    if formdata is None and event is not None:
        for name in ("title_th", "title_en", "description_th", "description_en", "place", "map_url", "online_url",
                     "capacity", "seats_per_organisation"):
            getattr(form, name).data = getattr(event, name)
        form.starts_at.data, form.ends_at.data = to_local(event.starts_at), to_local(event.ends_at)
        form.rsvp_deadline.data = to_local(event.rsvp_deadline)
        form.visibility.data = event.visibility.value
    organisations = access.hosting_organisations(current_user)
    form.host.choices = host_choices(organisations, _("The network (coordinators)") if current_user.is_admin else None)
    if event is not None:
        form.host.choices = choices([(event.host_organisation_id or 0, "")])
        form.host.data = event.host_organisation_id or 0
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A new event, saved as a draft: the network's (coordinators) or a member organisation's (its admins)."""
    if not access.may_create(current_user):
        abort(403)
    form = _event_form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            host = db.session.get(Organisation, form.host.data) if form.host.data else None
            event = services.create(form.values(), by=current_user, host=host)
            db.session.commit()
            flash(_("The event is saved as a draft: publish it to invite people."), "success")
            return redirect(url_for("events.show", event_id=event.id), 303)
        return render("events/edit.html", form=form, event=None, status=422)
    return render("events/edit.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id):
    """Change an event (its hosts); a change of time or place is mailed to everyone still involved."""
    event, _invitation = _event(event_id, manage=True)
    if event.state == EventState.CANCELLED:
        return redirect(url_for("events.show", event_id=event.id), 303)
    form = _event_form(request.form if request.method == "POST" else None, event)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                mailed = services.update(event, form.values(), by=current_user)
            except services.EventError as error:
                db.session.rollback()
                form.capacity.errors.append(str(error))
                return render("events/edit.html", form=form, event=event, status=422)
            db.session.commit()
            flash(_("Saved; everyone still invited has been told of the change.") if mailed else _("Saved."),
                  "success")
            return redirect(url_for("events.show", event_id=event.id), 303)
        return render("events/edit.html", form=form, event=event, status=422)
    return render("events/edit.html", form=form, event=event)


@bp.post("/<int:event_id>/publish")
@login_required
def publish(event_id):
    event, _invitation = _event(event_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.publish(event, by=current_user)
    except services.EventError as error:
        flash(str(error), "error")
        return redirect(url_for("events.show", event_id=event.id), 303)
    db.session.commit()
    flash(_("The event is published: invite people below."), "success")
    return redirect(url_for("events.show", event_id=event.id), 303)


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(event_id):
    """Cancelling cannot be undone: the page says what it does and asks first."""
    event, _invitation = _event(event_id, manage=True)
    form = ConfirmForm()
    if event.state == EventState.CANCELLED:
        return redirect(url_for("events.show", event_id=event.id), 303)
    if form.validate_on_submit():
        services.cancel(event, by=current_user)
        db.session.commit()
        flash(_("The event is cancelled; everyone invited has been told."), "success")
        return redirect(url_for("events.show", event_id=event.id), 303)
    return render("events/cancel.html", event=event, form=form)


def _invite_form(event, formdata=None):
    form = InviteForm(formdata=formdata)
    form.organisations.choices = choices((o.id, o.name_in(page_language())) for o in db.session.scalars(
        db.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE).order_by(Organisation.sort_key)))
    return form


def _show(event, invitation, status=200, invite_form=None, answer_form=None, message_form=None,
          audience_form=None):
    manage = access.may_manage(current_user, event)
    invitees = fetch_page(db.session, services.invitees(event), page_arg(), INVITEES_PAGE) if manage else None
    counts = {state: 0 for state in Status}
    if manage:  # counted by the database: the list itself is paged
        counts.update(db.session.execute(db.select(Invitation.status, db.func.count()).where(
            Invitation.event_id == event.id).group_by(Invitation.status)).all())
    if answer_form is None:
        answer_form = AnswerForm(formdata=None, reply=_reply_of(invitation))
    # An htmx poll of the mailing progress gets that block alone.
    block = "mailing" if request.args.get("part") == "mailing" else None
    return render("events/show.html", block, event=event, invitation=invitation, manage=manage, invitees=invitees,
                  mailing=services.mailing_progress(event) if manage else (0, 0),
                  may_certify=bool(invitation and attendance.may_download(invitation, utcnow())),
                  counts=counts, answer_form=answer_form, confirm_form=ConfirmForm(),
                  invite_form=invite_form or (_invite_form(event) if manage else None),
                  message_form=message_form or (MessageForm(formdata=None) if manage else None),
                  audience_form=audience_form or (AudienceForm(formdata=None) if manage else None),
                  requests=db.session.scalars(db.select(AudienceRequest).where(AudienceRequest.event_id == event.id)
                                              .order_by(AudienceRequest.id)).all() if manage else [],
                  describe=audiences.describe, needs_approval=audiences.needs_approval(event, current_user),
                  open=rsvp.open_for_answers(event), place=rsvp.waiting_place(invitation) if invitation else None,
                  coming=bool(invitation and invitation.status == Status.CONFIRMED) or manage, status=status)


def _reply_of(invitation):
    if invitation is None:
        return None
    return {Status.CONFIRMED: "yes", Status.WAITING: "yes", Status.MAYBE: "maybe",
            Status.DECLINED: "no"}.get(invitation.status)


@bp.get("/<int:event_id>")
@login_required
def show(event_id):
    """The event: when, where, the person's answer; for its hosts the invitees, counts and the invite form."""
    return _show(*_event(event_id))


@bp.post("/<int:event_id>/answer")
@login_required
def answer(event_id):
    """A member's answer in the portal (an invitation is made for a member who was not invited)."""
    event, invitation = _event(event_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _show(event, invitation, status=422, answer_form=form)
    try:
        invitation = invitation or services.join(event, current_user)
        status = rsvp.answer(invitation, Reply(form.reply.data))
    except rsvp.RsvpError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("events.show", event_id=event.id), 303)
    db.session.commit()
    flash(_answered_message(status, invitation), "success")
    return redirect(url_for("events.show", event_id=event.id), 303)


def _answered_message(status, invitation):
    if status == Status.CONFIRMED:
        return _("You are coming: your seat is confirmed.")
    if status == Status.WAITING:
        return str(rsvp.waiting_message(invitation))
    return _("Your answer is saved.")


@bp.post("/<int:event_id>/leave-waiting-list")
@login_required
def leave_waiting_list(event_id):
    event, invitation = _event(event_id)
    if not ConfirmForm().validate_on_submit() or invitation is None:
        abort(400)
    try:
        rsvp.leave_waiting_list(invitation)
    except rsvp.RsvpError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("events.show", event_id=event.id), 303)
    db.session.commit()
    flash(_("You have left the waiting list."), "success")
    return redirect(url_for("events.show", event_id=event.id), 303)


@bp.post("/<int:event_id>/invite")
@login_required
def invite(event_id):
    """Invite organisations' people and guests by address (the event's hosts)."""
    event, invitation = _event(event_id, manage=True)
    form = _invite_form(event, request.form)
    if not form.validate_on_submit():
        return _show(event, invitation, status=422, invite_form=form)
    try:
        made = services.invite(event, by=current_user, organisation_ids=form.organisations.data,
                               guests=parse_guests(form.guests.data)[0])
    except services.EventError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("events.show", event_id=event.id), 303)
    db.session.commit()
    flash(_invited(made), "success")
    return redirect(url_for("events.show", event_id=event.id) + "#invitees", 303)


@bp.post("/<int:event_id>/message")
@login_required
def message(event_id):
    """The host writes to the groups they choose (coming, maybe, not answered, waiting, not coming)."""
    event, invitation = _event(event_id, manage=True)
    form = MessageForm()
    if not form.validate_on_submit():
        return _show(event, invitation, status=422, message_form=form)
    sent = reminders.message(event, [Status(value) for value in form.groups.data], form.text.data, by=current_user)
    db.session.commit()
    flash(_("Your message is on its way to %(count)d people.", count=sent), "success")
    return redirect(url_for("events.show", event_id=event.id) + "#host", 303)


@bp.get("/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id):
    """Everyone invited, with their answer, organisation and check-in (UTF-8 with BOM, for spreadsheets)."""
    event, _invitation = _event(event_id, manage=True)
    people = db.session.scalars(services.invitees(event))
    return csv_download(
        [_("Name"), _("Email"), _("Organisation"), _("Answer"), _("Answered at"), _("Waiting since"),
         _("Checked in at")],
        ([person.display_name, person.email, person.organisation.name_in(page_language()) if person.organisation else "",
          str(person.status.label), _moment(person.answered_at), _moment(person.waiting_since),
          _moment(person.checked_in_at)] for person in people),
        f"event-{event.id}-attendees.csv")


def _moment(value):
    return format_datetime(value) if value else ""


@bp.post("/<int:event_id>/invite-audience")
@login_required
def invite_audience(event_id):
    """Invite everyone, or regions or sectors: at once for the network's coordinators, else after their approval."""
    event, invitation = _event(event_id, manage=True)
    form = AudienceForm()
    if not form.validate_on_submit():
        return _show(event, invitation, status=422, audience_form=form)
    try:
        result = audiences.invite_audience(event, by=current_user, regions=form.regions.data,
                                           sectors=form.sectors.data)
    except audiences.AudienceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("events.show", event_id=event.id), 303)
    db.session.commit()
    if isinstance(result, int):
        flash(_invited(result), "success")
    else:
        flash(_("Your request is waiting for a coordinator's approval; you will be told by mail."), "success")
    return redirect(url_for("events.show", event_id=event.id) + "#host", 303)


@bp.get("/approvals")
@coordinator_required
def approvals():
    """The coordinators' queue of member organisations' requests to invite a wide audience."""
    return render("events/approvals.html", requests=audiences.pending(), form=DecisionForm(formdata=None),
                  describe=audiences.describe)


@bp.post("/approvals/<int:request_id>")
@coordinator_required
def decide(request_id):
    waiting = db.get_or_404(AudienceRequest, request_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            made = audiences.decide(waiting, form.decision.data == "approve", by=current_user,
                                    note=form.note.data or "")
        except audiences.AudienceError as error:
            db.session.rollback()
            form.note.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Approved: %(count)d people invited.", count=made) if form.decision.data == "approve"
                  else _("Declined; the organisation has been told why."), "success")
            return redirect(url_for("events.approvals"), 303)
    return render("events/approvals.html", requests=audiences.pending(), form=form, failed=waiting.id,
                  describe=audiences.describe, status=422)


# The answer links of the invitation mail: no login; GET shows the answer chosen, only a POST records it.

@bp.route("/answer/<token>", methods=["GET", "POST"])
def answer_link(token):
    """An invitee's answer from their mail: a confirmation page with the mailed choice preselected."""
    try:
        invitation = services.invitation_for_token(token)
    except TokenError as error:
        return invalid_link(error, note=_("Answer links come in the invitation mail; ask the host for a new one."))
    event = invitation.event
    chosen = request.args.get("reply") if request.args.get("reply") in Reply.labels() else _reply_of(invitation)
    form = AnswerForm(formdata=None, reply=chosen) if request.method == "GET" else AnswerForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                rsvp.answer(invitation, Reply(form.reply.data))
            except rsvp.RsvpError as error:
                db.session.rollback()
                form.reply.errors.append(str(error))
                status = 422
            else:
                db.session.commit()
                flash(_answered_message(invitation.status, invitation), "success")
                return redirect(url_for("events.answer_link", token=token), 303)
        else:
            status = 422
    # The page speaks the invitee's language (the one of their mail), unless they are logged in with their own.
    with nullcontext() if current_user.is_authenticated else in_language(invitation.language):
        return render("events/answer.html", event=event, invitation=invitation, form=form, token=token,
                      open=rsvp.open_for_answers(event), place=rsvp.waiting_place(invitation), status=status)
