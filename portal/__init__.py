"""PR Network Portal: the application factory."""

import os

from flask import Flask

from portal import config as settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config=None):
    """Create the portal: settings, extensions, blueprints, commands and error pages. No side effects."""
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
    _register_blueprints(app)
    _register_commands(app)

    from portal import errors, htmx, security

    errors.init_app(app)
    security.init_app(app)
    htmx.init_app(app)  # after security: after_request hooks run last-registered first, and its answer needs the headers
    return app


def _init_extensions(app):
    from portal import i18n, models  # noqa: F401  (models: every table known to the metadata)
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

    from portal import mail as mail_domain
    from portal.auth.loader import init_login

    init_login(login_manager)
    mail_domain.init_app(app)
    _register_labels(app)


def _register_labels(app):
    """Give templates the translated names of each domain's states and roles."""
    from portal.audit import AUDIT_LABELS
    from portal.auth import INVITATION_STATES
    from portal.members import (APPLICATION_STATES, CHANNEL_NAMES, EXPERTISE_SUGGESTIONS, ORGANISATION_STATES,
                                REGION_NAMES, ROLE_NAMES, SECTOR_NAMES, VISIBILITY_NAMES)

    from portal.i18n import Labels, register_labels

    labels = {"audit_labels": AUDIT_LABELS, "invitation_states": INVITATION_STATES, "role_names": ROLE_NAMES,
              "sector_names": SECTOR_NAMES, "region_names": REGION_NAMES, "application_states": APPLICATION_STATES,
              "channel_names": CHANNEL_NAMES, "visibility_names": VISIBILITY_NAMES,
              "organisation_states": ORGANISATION_STATES}
    register_labels(app, {name: Labels(names) for name, names in labels.items()})
    app.jinja_env.globals["expertise_suggestions"] = EXPERTISE_SUGGESTIONS


def _register_blueprints(app):
    from portal.admin.views import bp as admin_bp
    from portal.auth.views import bp as auth_bp
    from portal.mail.outbox_views import bp as outbox_bp
    from portal.mail.views import bp as mail_bp
    from portal.main.views import bp as main_bp
    from portal.members.organisation_views import bp as organisations_bp
    from portal.members.views import bp as members_bp

    for blueprint in (main_bp, auth_bp, members_bp, organisations_bp, admin_bp, mail_bp, outbox_bp):
        app.register_blueprint(blueprint)


def _register_commands(app):
    from portal.cli import create_admin_command, demo_command
    from portal.mail.cli import outbox_cli
    from portal.members.cli import applications_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(applications_cli)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_command)
