"""Fixtures of the applications tests."""

import pytest

from portal.auth.passwords import hash_password
from portal.extensions import db
from tests.support.factories import make_user
from tests.support.network import PASSWORD


@pytest.fixture
def coordinators(app):
    """Two coordinators and no organisation: an application's tests count the organisations an approval makes."""
    with app.app_context():
        hashed = hash_password(PASSWORD)
        emails = [make_user(email, is_admin=True, password_hash=hashed, name=f"ผู้ประสานงาน {n}").email
                  for n, email in ((1, "coordinator@network.example"), (2, "coordinator2@network.example"))]
        db.session.commit()
        return emails
