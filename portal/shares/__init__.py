"""Share requests: a member organisation asks the network to spread its news; each organisation asked answers once
and reports where it shared."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from portal.audit import Action

AUDIT_ACTIONS = {
    "share.posted": Action(_l("Share request posted"),
                           _l("%(actor)s asked the network to share %(target)s (organisations asked: %(organisations)s)"),
                           "shares"),
    "share.answered": Action(_l("Share request answered"),
                             _l("%(actor)s answered %(target)s for %(organisation)s: %(reply)s"), "shares"),
    "share.reported": Action(_l("Sharing of a request reported"),
                             _l("%(actor)s reported that %(organisation)s shared %(target)s on %(channel)s"), "shares"),
    "share.hidden": Action(_l("Share request hidden"), _l("%(actor)s hid %(target)s: %(reason)s"), "shares"),
    "share.unhidden": Action(_l("Share request shown again"), _l("%(actor)s showed %(target)s again"), "shares"),
    "share.report_removed": Action(_l("Report of sharing taken back"),
                                   _l("%(actor)s took back the report that %(organisation)s shared %(target)s on "
                                      "%(channel)s"), "shares"),
    "share.policy_changed": Action(_l("Who may post share requests changed"),
                                   _l("%(actor)s changed who at %(target)s may post share requests (every member: "
                                      "%(members_may_post)s)"), "shares"),
}


def _members(user):
    return user.is_authenticated


def init_app(app):
    """Register share requests: their pages, audit and state labels, navigation entry."""
    from portal import audit, navigation
    from portal.i18n import Labels, register_labels
    from portal.organisations.models import Channel
    from portal.shares import models  # noqa: F401  (their tables)
    from portal.shares.models import ShareReply
    from portal.shares.views import bp

    app.register_blueprint(bp)
    audit.register_actions(app, AUDIT_ACTIONS, values={"reply": ShareReply.labels(), "channel": Channel.labels()})
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
