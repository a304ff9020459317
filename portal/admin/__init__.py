"""The coordinators' tools that bring domains together: people, the audit log, undeliverable mail."""

from flask_babel import lazy_gettext as _l


def init_app(app):
    """Register the coordinators' pages and their entries in the tools menu."""
    from portal import navigation
    from portal.admin import audit_views  # noqa: F401  (the audit log's pages, on the same blueprint)
    from portal.admin.views import bp

    app.register_blueprint(bp)
    navigation.add(
        app,
        navigation.NavItem(_l("People"), navigation.coordinators, "admin.people", group="tools", order=20),
        navigation.NavItem(_l("Audit log"), navigation.coordinators, "admin.audit", group="tools", order=30),
        navigation.NavItem(_l("Undeliverable mail"), navigation.coordinators, "admin.undeliverable", group="tools",
                           order=40),
    )
