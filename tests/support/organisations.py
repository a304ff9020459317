"""Organisations' pages: saving a profile section, reading an organisation back."""

import sqlalchemy as sa

from portal.extensions import db
from portal.organisations.models import Organisation
from tests.support.web import csrf


def save(client, slug, section, data, htmx=False):
    """Post one section of a profile, as its form (or htmx) would."""
    page = f"/organisations/{slug}"
    token = csrf(client, page)
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    return client.post(f"{page}/{section}", data={**data, "csrf_token": token}, headers=headers)


def organisation(app, slug):
    """The organisation with this slug, detached, as the database holds it now."""
    with app.app_context():
        found = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        db.session.expunge(found)
        return found
