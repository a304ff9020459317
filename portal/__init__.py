"""PR Network Portal: the application factory."""

import importlib
import os

from flask import Flask

from portal import config as settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The domains, from the bottom layer up (pyproject.toml's import-linter contract keeps the arrows pointing down).
# Each is a package whose init_app(app) registers what it brings: models, blueprints, commands, token purposes,
# audit labels, template labels and navigation entries. A new domain is its package and one line here.
DOMAINS = (
    "portal.audit",
    "portal.mail",
    "portal.auth",
    "portal.organisations",
    "portal.applications",
    "portal.agreements",
    "portal.events",
    "portal.shares",
    "portal.alerts",
    "portal.admin",
    "portal.main",
    "portal.digest",
    "portal.privacy",
)


def create_app(config=None):
    """Create the portal: settings, extensions, domains and error pages. No side effects."""
    app = Flask(
        __name__,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
    )
    config = config or {}
    app.config.update(settings.from_environment(app.instance_path, config.get("PORTAL_ENV")))
    app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("MAIL_SUPPRESS_SEND", False)
    settings.derived(app.config)
    settings.check(app.config)
    if app.config["PORTAL_ENV"] == "production" and settings.counts_per_process(app.config):
        app.logger.warning("Rate limits count in this process's memory (RATELIMIT_STORAGE_URI=memory://): with more "
                           "than one process each counts alone. Use Redis when several processes serve the portal.")
    os.makedirs(app.instance_path, exist_ok=True)  # the default SQLite file lives there
    if app.config["PORTAL_ENV"] == "testing":
        app.testing = True
    if app.config["TRUSTED_PROXIES"]:  # the client's address and scheme as the proxy saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from portal.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    _init_extensions(app)
    for name in DOMAINS:
        importlib.import_module(name).init_app(app)

    from portal import errors, htmx, security

    errors.init_app(app)
    security.init_app(app)
    htmx.init_app(app)  # after security: after_request hooks run last-registered first, and its answer needs the headers
    return app


def _init_extensions(app):
    from portal import dashboard, i18n, navigation
    from portal.db import include_in_migrations, render_migration_item
    from portal.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), compare_type=True, render_as_batch=True,
                     render_item=render_migration_item, include_object=include_in_migrations)
    login_manager.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.selected_locale,
                   default_translation_directories=os.path.join(ROOT, "portal", "translations"))
    limiter.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    dashboard.init_app(app)
