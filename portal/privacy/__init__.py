"""Personal data under Thailand's PDPA (B.E. 2562): the privacy notice and its acceptance, a person's own data to
download, erasure on request (or by an organisation's admin, for a former colleague), and the retention run."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "privacy.notice_accepted": _l("Privacy notice accepted"),
    "privacy.account_erased": _l("Account deleted at the person's request"),
    "privacy.colleague_erased": _l("Former colleague's account deleted by an organisation admin"),
    "privacy.retention_run": _l("Old personal data removed (retention)"),
}


def init_app(app):
    """Register privacy: its pages, the retention command, audit labels and the template helpers for the notice."""
    from portal import audit, privacy_notice
    from portal.privacy import services
    from portal.privacy.cli import retention_cli
    from portal.privacy.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(retention_cli)
    audit.register_actions(app, AUDIT_LABELS, kind="privacy")

    # "membership is erasable_by person", for the people table's list of former colleagues.
    app.jinja_env.tests["erasable_by"] = lambda membership, viewer: services.may_erase_colleague(viewer, membership)

    @app.context_processor
    def privacy_context():
        return {"privacy_notice": privacy_notice.CURRENT, "privacy_needs_acceptance": services.needs_acceptance,
                "may_erase_colleague": services.may_erase_colleague}
