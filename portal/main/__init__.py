"""The portal's front door: the home page, the language switch, health checks, and the demo data."""


def init_app(app):
    """Register the home page's blueprint and the demo command."""
    from portal.main.cli import demo_command
    from portal.main.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(demo_command)
