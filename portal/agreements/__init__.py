"""Network agreements: versioned MOUs that member organisations sign, with a signing record nobody can quietly
change, and sealed certificates anyone can verify."""

from flask_babel import lazy_gettext as _l

from portal.audit import Action

AUDIT_ACTIONS = {
    "agreement.drafted": Action(_l("Agreement drafted"), _l("%(actor)s drafted %(target)s (%(kind)s)"), "agreements"),
    "agreement.draft_saved": Action(_l("Agreement draft saved"), _l("%(actor)s saved the draft of %(target)s"),
                                    "agreements"),
    "agreement.published": Action(_l("Agreement published"), _l("%(actor)s published version %(version)s of %(target)s"),
                                  "agreements"),
    "agreement.amendment_started": Action(_l("Agreement amendment started"),
                                          _l("%(actor)s started amending version %(from_version)s of %(target)s"),
                                          "agreements"),
    "agreement.signed": Action(_l("Agreement signed"),
                               _l("%(actor)s signed version %(version)s of %(target)s for %(organisation)s"),
                               "agreements"),
    "agreement.declined": Action(_l("Agreement declined"),
                                 _l("%(actor)s declined to sign version %(version)s of %(target)s for %(organisation)s"),
                                 "agreements"),
    "agreement.completed": Action(_l("Agreement signed by every party"),
                                  _l("Every party has signed version %(version)s of %(target)s "
                                     "(certificate %(certificate)s)"), "agreements"),
}


def _members(user):
    return user.is_authenticated


def init_app(app):
    """Register agreements: their pages and the public verify page, their commands, audit and state labels, and
    the navigation entry."""
    from portal import audit, navigation
    from portal.agreements import models  # noqa: F401  (their tables)
    from portal.agreements.certificate import signing_key_command
    from portal.agreements.cli import agreements_cli
    from portal.agreements.models import AgreementKind, Answer, EventKind, VersionState
    from portal.agreements.views import bp, verify_bp
    from portal.i18n import Labels, register_labels

    app.register_blueprint(bp)
    app.register_blueprint(verify_bp)
    app.cli.add_command(agreements_cli)
    app.cli.add_command(signing_key_command)
    audit.register_actions(app, AUDIT_ACTIONS, values={"kind": AgreementKind.labels()})
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("signing", _l("Agreements your organisation must sign"), essential=True),
        mail_kinds.MailKind("agreements", _l("Agreements: declined, signed by every party, deadlines passed"),
                            essential=False, digestible=True))
    register_labels(app, {name: Labels(enum.labels()) for name, enum in (
        ("agreement_kinds", AgreementKind), ("answer_names", Answer), ("version_states", VersionState),
        ("event_names", EventKind))})
    navigation.add(app, navigation.NavItem(_l("Agreements"), _members, "agreements.index", order=15))
    from portal import dashboard
    from portal.agreements import dashboard as agreements_dashboard

    dashboard.register(app, "agreements", waiting=agreements_dashboard.waiting, items=agreements_dashboard.items,
                       order=20)
    from portal import glance
    from portal.agreements.glance import charts as glance_charts

    glance.register(app, "agreements", glance_charts, order=30)
