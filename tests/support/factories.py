"""Factories for people and organisations, and a way to be logged in as one of them."""

import itertools

from portal.auth.models import User
from portal.extensions import db
from portal.organisations.models import Membership, Organisation, Region, Role, Sector

_numbers = itertools.count(1)


def make_org(**fields):
    """Add an organisation with believable defaults."""
    n = next(_numbers)
    values = {"slug": f"org-{n}", "name_th": f"องค์กรทดสอบ {n}", "name_en": f"Test Organisation {n}",
              "sector": Sector.GOVERNMENT, "region": Region.BANGKOK_CENTRAL, "province": "TH-10"}
    organisation = Organisation(**{**values, **fields})
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(email=None, organisation=None, role=Role.MEMBER, **fields):
    """Add a person, optionally in an organisation with a role."""
    n = next(_numbers)
    user = User(email=email or f"person{n}@member.example", name=fields.pop("name", f"สมาชิก {n}"), **fields)
    db.session.add(user)
    if organisation is not None:
        db.session.add(Membership(user=user, organisation=organisation, role=role))
    db.session.flush()
    return user


def log_in(client, user):
    """Make the client's session that of `user` (or of a `user.get_id()` value), as a login form would leave it.

    For the many requests of the route walls; the login form itself is tested in tests/auth.
    """
    app = client.application
    with app.test_request_context(environ_base=client.environ_base):  # the client's address and agent
        identifier = app.login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user if isinstance(user, str) else user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
