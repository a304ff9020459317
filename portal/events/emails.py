"""The mail of events, each in its recipient's language, with the event's calendar entry attached where the event
enters or changes the recipient's calendar. Answer links are signed for one person and one event, and open a
confirmation page: they never go into a calendar entry."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.events.calendar import CalendarEvent, cancellation_ics, invitation_ics
from portal.events.models import Reply, Status
from portal.i18n import in_language
from portal.mail.services import PRIORITY_BULK, PRIORITY_NORMAL, mail_url, queue_mail

CALENDAR_NAME = _l("PR Network events")


def _calendar_event(invitation, with_online_link):
    event = invitation.event
    language = invitation.language
    host = event.host_organisation
    with in_language(language):
        return CalendarEvent(
            uid=f"event-{event.id}@{current_app.config['SERVER_NAME']}", sequence=event.sequence,
            title=event.title_in(language), description=event.description_in(language), starts_at=event.starts_at,
            ends_at=event.ends_at, location=event.place, map_url=event.map_url,
            online_url=event.online_url if with_online_link else "",
            url=mail_url("events.show", event_id=event.id),
            organiser_name=host.name_in(language) if host else str(_l("PR Network")),
            organiser_email=(host.public_email if host and host.public_email else _sender()),
            attendees=((invitation.display_name, invitation.email),), cancelled=False, updated_at=event.updated_at,
            map_label=str(_l("Map")), online_label=str(_l("Online")), url_label=str(_l("Open the event")))


def _sender():
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@localhost"
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


def _for_the_door(invitation):
    """The attendee's check-in code as a QR image: a host scanning it opens their record (nobody else can)."""
    from portal.events.checkin import checkin_link, qr_png

    return [("check-in.png", "image/png", qr_png(checkin_link(invitation)))]


def _ics(invitation, coming):
    content = invitation_ics(_calendar_event(invitation, coming), calendar_name=_calendar_name(invitation))
    return [("event.ics", "text/calendar; method=PUBLISH; charset=utf-8", content)]


def _calendar_name(invitation):
    with in_language(invitation.language):
        return str(CALENDAR_NAME)


def _queue(invitation, key, subject, paragraphs, links=(), note="", attachments=(), online=False,
           priority=PRIORITY_NORMAL, kind="events"):
    """Queue one mail about an event: of `kind` "events" (may be turned off), or "event-answers" for the answers
    to a person's own reply (always sent)."""
    event = invitation.event
    return queue_mail(
        invitation.email, "events/event", subject, kind=kind, language=invitation.language,
        idempotency_key=f"event-{event.id}-{key}-{invitation.id}", attachments=attachments, priority=priority,
        name=invitation.display_name, event=event, paragraphs=paragraphs,
        links=list(links), note=note, online_url=event.online_url if online else "")


def _answer_links(invitation, token):
    return [(label, mail_url("events.answer_link", token=token, reply=reply.value))
            for reply, label in ((Reply.YES, _l("Yes, I will come")), (Reply.MAYBE, _l("Maybe")),
                                 (Reply.NO, _l("No, I can't come")))]


def send_invitation(invitation, token):
    """The invitation: the event, its calendar entry, and the three answers as links."""
    event = invitation.event
    host = event.host_organisation
    with in_language(invitation.language):
        inviter = host.name_in(invitation.language) if host else str(_l("The PR Network"))
        _queue(invitation, "invited", _l("Invitation: %(title)s", title=event.title_in(invitation.language)),
               [_l("%(host)s invites you to this event. Please answer by %(deadline)s.", host=inviter,
                   deadline=_when(event.rsvp_deadline))],
               links=_answer_links(invitation, token),
               note=_l("Each link opens a page where you confirm your answer; you can change it there until the "
                       "deadline."),
               attachments=_ics(invitation, coming=False),
               priority=PRIORITY_BULK)  # behind personal mail (a reset, a seat): an invitation can wait a minute


def _when(moment):
    from portal.i18n import format_datetime

    return format_datetime(moment, "long")


def tell_answer(invitation):
    """The answer as recorded: a confirmation with the calendar entry, the waiting list, or a short note."""
    from portal.events.rsvp import waiting_message

    event = invitation.event
    title = event.title_in(invitation.language)
    page = [(_l("Open the event"), mail_url("events.show", event_id=event.id))]
    if invitation.status == Status.CONFIRMED:
        _queue(invitation, f"confirmed-{invitation.answered_at.timestamp():.0f}", _l("You are coming: %(title)s",
                                                                                     title=title),
               [_l("Your seat is confirmed. The calendar entry is attached.")], links=page,
               note=_l("Your check-in code: show it at the door."),
               attachments=_ics(invitation, coming=True) + _for_the_door(invitation), online=True,
               kind="event-answers")
    elif invitation.status == Status.WAITING:
        _queue(invitation, f"waiting-{invitation.answered_at.timestamp():.0f}",
               _l("On the waiting list: %(title)s", title=title),
               [waiting_message(invitation), _l("If a seat frees up, it is yours at once and we will tell you.")],
               links=page, kind="event-answers")
    else:
        _queue(invitation, f"{invitation.status.value}-{invitation.answered_at.timestamp():.0f}",
               _l("Your answer: %(title)s", title=title),
               [_l("We have your answer: %(answer)s. You can change it until %(deadline)s.",
                   answer=invitation.status.label, deadline=_when(event.rsvp_deadline))], links=page,
               kind="event-answers")


def tell_promoted(invitation):
    """A seat freed up and went to this person from the waiting list."""
    event = invitation.event
    from portal.events.services import answer_token

    # A person may be promoted more than once (a seat given back, then freed again): each time is a mail.
    _queue(invitation, f"promoted-{utcnow().timestamp():.6f}", _l("A seat is yours: %(title)s", title=event.title_in(invitation.language)),
           [_l("A seat has freed up and it is yours: you are coming. If you cannot come after all, give the seat "
               "back on the event's page so that the next person gets it.")],
           links=[(_l("Open the event"), mail_url("events.show", event_id=event.id)),
                  (_l("Give the seat back"), mail_url("events.answer_link", token=answer_token(invitation),
                                                      reply="no"))],
           note=_l("Your check-in code: show it at the door."),
           attachments=_ics(invitation, coming=True) + _for_the_door(invitation), online=True, kind="event-answers")


def tell_changed(event, invitations):
    """The time or place changed: everyone still involved gets the new details and an updated calendar entry."""
    from portal.events.checkin import has_address

    for invitation in filter(has_address, invitations):  # a walk-in without an address is not written to
        coming = invitation.status == Status.CONFIRMED
        _queue(invitation, f"changed-{event.sequence}",
               _l("Changed: %(title)s", title=event.title_in(invitation.language)),
               [_l("The event's time or place has changed. The new details are below, and the attached calendar "
                   "entry updates yours.")],
               links=[(_l("Open the event"), mail_url("events.show", event_id=event.id))],
               attachments=_ics(invitation, coming=coming), online=coming)


def tell_cancelled(event, invitations):
    """The event is cancelled: everyone invited is told, with a calendar entry that removes it."""
    from portal.events.checkin import has_address

    for invitation in filter(has_address, invitations):
        calendar = _calendar_event(invitation, with_online_link=False)
        content = cancellation_ics(calendar, calendar_name=_calendar_name(invitation))
        _queue(invitation, "cancelled", _l("Cancelled: %(title)s", title=event.title_in(invitation.language)),
               [_l("This event has been cancelled. The attached calendar entry removes it from your calendar.")],
               attachments=[("event.ics", "text/calendar; method=CANCEL; charset=utf-8", content)])


def remind_coming(invitation):
    """The day before: the event, for the people coming. Return 1 when queued now, 0 when queued before."""
    event = invitation.event
    key = f"event-{event.id}-reminder-eve-{invitation.id}"
    if _queued(key):
        return 0
    queue_mail(invitation.email, "events/event", _l("Tomorrow: %(title)s", title=event.title_in(invitation.language)),
               kind="events", language=invitation.language, idempotency_key=key, name=invitation.display_name,
               event=event,
               paragraphs=[_l("A reminder: you are coming to this event tomorrow. If you cannot come after all, "
                              "say so on its page so that your seat goes to someone else.")],
               links=[(_l("Open the event"), mail_url("events.show", event_id=event.id))], note="",
               online_url=event.online_url)
    return 1


def remind_to_answer(invitation, token):
    """Three days before answers close, to someone who has not answered."""
    event = invitation.event
    key = f"event-{event.id}-reminder-answer-{invitation.id}"
    if _queued(key):
        return 0
    queue_mail(invitation.email, "events/event",
               _l("Please answer: %(title)s", title=event.title_in(invitation.language)),
               kind="events", language=invitation.language, idempotency_key=key, name=invitation.display_name,
               event=event,
               paragraphs=[_l("You have not answered this invitation yet. Answers close on %(deadline)s.",
                              deadline=_when(event.rsvp_deadline))],
               links=_answer_links(invitation, token), note="", online_url="")
    return 1


def send_message(invitation, text, by, token=None):
    """A host's message to an invitee (with their answer links when they have not answered)."""
    import uuid

    event = invitation.event
    queue_mail(invitation.email, "events/event",
               _l("Message about %(title)s", title=event.title_in(invitation.language)),
               kind="events", language=invitation.language,
               idempotency_key=f"event-{event.id}-message-{uuid.uuid4().hex}",
               name=invitation.display_name, event=event,
               paragraphs=[_l("%(name)s writes to the people invited:", name=by.name or by.email)], quote=text,
               links=_answer_links(invitation, token) if token else
               [(_l("Open the event"), mail_url("events.show", event_id=event.id))], note="",
               online_url=event.online_url if invitation.status == Status.CONFIRMED else "")


def _queued(key):
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.mail.models import OutboxMessage

    return db.session.scalar(sa.select(sa.exists().where(OutboxMessage.idempotency_key == key)))
