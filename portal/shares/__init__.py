"""Share requests: a member organisation asks the network to spread its news; each organisation asked answers once
and reports where it shared."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

AUDIT_LABELS = {
    "share.posted": _l("Share request posted"),
    "share.answered": _l("Share request answered"),
    "share.reported": _l("Sharing of a request reported"),
    "share.hidden": _l("Share request hidden"),
    "share.unhidden": _l("Share request shown again"),
    "share.report_removed": _l("Report of sharing taken back"),
    "share.policy_changed": _l("Who may post share requests changed"),
}


def _members(user):
    return user.is_authenticated


def init_app(app):
    """Register share requests: their pages, audit and state labels, navigation entry."""
    from portal import audit, navigation
    from portal.i18n import Labels, register_labels
    from portal.shares import models  # noqa: F401  (their tables)
    from portal.shares.models import ShareReply
    from portal.shares.views import bp

    app.register_blueprint(bp)
    audit.register_actions(app, AUDIT_LABELS)
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("shares", _l("Share requests"), essential=False, digestible=True))
    register_labels(app, {"share_replies": Labels(ShareReply.labels())})
    navigation.add(app, navigation.NavItem(lazy_pgettext("navigation", "Share requests"), _members, "shares.index", order=17))
    from portal import dashboard
    from portal.shares import dashboard as shares_dashboard

    dashboard.register(app, "shares", waiting=shares_dashboard.waiting, order=40)
    from portal import glance
    from portal.shares.glance import charts as glance_charts

    glance.register(app, "shares", glance_charts, order=50)
