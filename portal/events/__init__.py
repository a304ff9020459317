"""Events: invitations by mail and answers (in the portal or from the mail), capacity and the waiting list, changes
and cancellations that reach everyone, with calendar entries."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "event.created": _l("Event created"),
    "event.updated": _l("Event changed"),
    "event.published": _l("Event published"),
    "event.cancelled": _l("Event cancelled"),
    "event.invited": _l("People invited to an event"),
    "event.messaged": _l("Message sent to an event's invitees"),
    "event.checked_in": _l("Checked in at an event"),
    "event.check_in_undone": _l("Check-in undone"),
    "event.walked_in": _l("Walk-in admitted at an event"),
}


def _members(user):
    return user.is_authenticated


def init_app(app):
    """Register events: their pages, answer links, check-in and calendar feeds, command, token purposes, audit and
    state labels, navigation entry."""
    from portal import audit, navigation, tokens
    from portal.events import (
        feed_models,  # noqa: F401
        feeds,
        models,  # noqa: F401  (their tables)
    )
    from portal.events.checkin_views import checkin_bp
    from portal.events.cli import events_cli
    from portal.events.feed_views import feeds_bp
    from portal.events.models import EventState, Status, Visibility
    from portal.events.views import bp
    from portal.i18n import Labels, register_labels

    app.register_blueprint(bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(checkin_bp)
    app.cli.add_command(events_cli)
    tokens.register_purposes(app, "event-answer", "event-checkin")
    audit.register_actions(app, AUDIT_LABELS | feeds.AUDIT_LABELS)
    register_labels(app, {name: Labels(enum.labels()) for name, enum in (
        ("event_states", EventState), ("rsvp_states", Status), ("visibilities", Visibility))})
    navigation.add(app, navigation.NavItem(_l("Events"), _members, "events.index", order=16))
