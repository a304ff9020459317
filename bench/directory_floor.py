"""The floor of the directory benchmark: the directory's search fragment with none of the portal's machinery.

A minimal Flask + Flask-SQLAlchemy app. It runs the same query (portal.organisations.directory.search: the same
filters, order, limit and count query, on the portal's own models) and renders the same rows with the same template
block (templates/organisations/directory.html, block "results"), and nothing else: no login or user loading, no CSRF, no
Flask-Babel (the Thai catalogue is installed once into Jinja instead of being looked up per request), no security
headers, no rate limiter, no error pages.

The template's globals are cheap equivalents of the portal's: `_` is Jinja's i18n extension over the same Thai
catalogue (new-style, as Flask-Babel installs it), url_for is Flask's with the same endpoints (dummy routes for
organisations.profile and organisations.logo), sector_names and region_names are plain dicts of the Thai labels,
org_name picks the Thai name and current_language is "th" (the bench's member reads Thai). bench/directory.py checks
that this app's fragment is byte for byte the portal's and that it sends the same SQL.

Served by bench/directory.py as `bench.directory_floor:app` (DATABASE_URL: the bench database), answering on
/directory; "/" answers "ok" for the readiness probe.
"""

import os

from babel.support import Translations
from flask import Blueprint, Flask, make_response, request
from jinja2_fragments.flask import render_block

from portal import ROOT
from portal.applications import models as _applications  # noqa: F401  (every mapped class, for the mappers)
from portal.audit import models as _audit  # noqa: F401
from portal.extensions import db
from portal.mail import models as _mail  # noqa: F401
from portal.organisations import directory as directory_service
from portal.organisations.models import Region, Sector

LANGUAGE = "th"
REGIONS, SECTORS = frozenset(Region), frozenset(Sector)

bp = Blueprint("organisations", __name__)


@bp.get("/directory")
def directory():
    """The directory's results block: the portal view's arguments, query and template, without its decorators."""
    text = request.args.get("q", "").strip()[:100]
    region = request.args.get("region") if request.args.get("region") in REGIONS else None
    sector = request.args.get("sector") if request.args.get("sector") in SECTORS else None
    page = max(request.args.get("page", 1, type=int), 1)
    found = directory_service.search(text, region, sector, page)
    body = render_block("organisations/directory.html", "results", organisations=found,
                        relation="member",  # the bench's member is no coordinator
                        filters={"q": text, "region": region or "", "sector": sector or ""})
    response = make_response(body)
    response.vary.add("HX-Request")  # as portal.htmx.render does
    return response


@bp.get("/organisations/<slug>")
def profile(slug):  # only for url_for
    return ""


@bp.get("/logos/<name>")
def logo(name):  # only for url_for
    return ""


def _msgid(lazy):
    return lazy._args[0]  # flask_babel's LazyString(gettext, msgid)


def create_app(database_url=None):
    app = Flask(__name__, template_folder=os.path.join(ROOT, "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(ROOT, "instance", "portal.db"))
    db.init_app(app)
    app.register_blueprint(bp)
    app.add_url_rule("/", "ok", lambda: "ok")

    catalogue = Translations.load(os.path.join(ROOT, "portal", "translations"), [LANGUAGE])
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_translations(catalogue, newstyle=True)
    app.jinja_env.globals.update(
        current_language=LANGUAGE,
        sector_names={code: catalogue.gettext(_msgid(name)) for code, name in Sector.labels().items()},
        region_names={code: catalogue.gettext(_msgid(name)) for code, name in Region.labels().items()})
    app.jinja_env.filters["org_name"] = lambda organisation: organisation.name_in(LANGUAGE)
    return app


app = create_app()
