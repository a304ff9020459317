"""Events: invitations by mail and answers (in the portal or from the mail), capacity and the waiting list, changes
and cancellations that reach everyone, with calendar entries."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from portal.audit import Action

AUDIT_ACTIONS = {
    "event.created": Action(_l("Event created"), _l("%(actor)s created the event %(target)s"), "events"),
    "event.updated": Action(_l("Event changed"), _l("%(actor)s changed the event %(target)s"), "events"),
    "event.published": Action(_l("Event published"), _l("%(actor)s published the event %(target)s"), "events"),
    "event.cancelled": Action(_l("Event cancelled"), _l("%(actor)s cancelled the event %(target)s"), "events"),
    "event.invited": Action(_l("People invited to an event"),
                            _l("%(actor)s invited people to %(target)s (people: %(people)s)"), "events"),
    "event.messaged": Action(_l("Message sent to an event's invitees"),
                             _l("%(actor)s sent a message about %(target)s to %(groups)s (people: %(people)s)"),
                             "events"),
    "event.checked_in": Action(_l("Checked in at an event"), _l("%(actor)s checked in a guest at %(target)s"),
                               "events"),
    "event.check_in_undone": Action(_l("Check-in undone"), _l("%(actor)s undid a check-in at %(target)s"), "events"),
    "event.walked_in": Action(_l("Walk-in admitted at an event"), _l("%(actor)s admitted a walk-in guest at %(target)s"),
                              "events"),
    "event.audience_requested": Action(_l("Wide invitation asked for an event"),
                                       _l("%(actor)s asked to invite %(audience)s to %(target)s"), "events"),
    "event.audience_approved": Action(_l("Wide invitation approved"),
                                      _l("%(actor)s approved the wide invitation to %(target)s (people: %(people)s)"),
                                      "events"),
    "event.audience_declined": Action(_l("Wide invitation declined"),
                                      _l("%(actor)s declined the wide invitation to %(target)s"), "events"),
}


def _members(user):
    return user.is_authenticated


def init_app(app):
    """Register events: their pages, answer links, check-in and calendar feeds, command, token purposes, audit and
    state labels, navigation entry."""
    from portal import audit, jobs, navigation, tokens
    from portal.events import (
        feed_models,  # noqa: F401
        feeds,
        models,  # noqa: F401  (their tables)
        services,
    )
    from portal.events.attendance_views import attendance_bp
    from portal.events.checkin_views import checkin_bp
    from portal.events.cli import events_cli
    from portal.events.feed_views import feeds_bp
    from portal.events.models import EventState, RequestState, Status, Visibility
    from portal.events.views import bp
    from portal.i18n import Labels, register_labels

    app.register_blueprint(bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(attendance_bp)
    app.cli.add_command(events_cli)
    jobs.register(app, "event-invitations", services.mail_waiting_invitations)
    tokens.register_purposes(app, "event-answer", "event-checkin")
    audit.register_actions(app, AUDIT_ACTIONS | feeds.AUDIT_ACTIONS, values={"groups": audit.codes(Status.labels())})
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("events", _l("Events: invitations, changes, reminders, messages"),
                            essential=False, digestible=True),
        mail_kinds.MailKind("event-answers", _l("Your answers to events: confirmations, seats, requests"),
                            essential=True))
    register_labels(app, {name: Labels(enum.labels()) for name, enum in (
        ("event_states", EventState), ("rsvp_states", Status), ("visibilities", Visibility),
        ("request_states", RequestState))})
    navigation.add(
        app,
        # "Events" is also an area of expertise (งานอีเวนต์); as the portal's section it is กิจกรรม.
        navigation.NavItem(lazy_pgettext("section", "Events"), _members, "events.index", order=16),
        navigation.NavItem(_l("Event invitations to approve"), navigation.coordinators, "events.approvals",
                           group="tools", order=15),
    )
    from portal import dashboard
    from portal.events import dashboard as events_dashboard

    dashboard.register(app, "events", waiting=events_dashboard.waiting, items=events_dashboard.items,
                       order=30)
    from portal import glance
    from portal.events.glance import charts as glance_charts

    glance.register(app, "events", glance_charts, order=40)
