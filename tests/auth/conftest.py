"""Fixtures for the accounts tests: people with known passwords, and reading the links the portal mails."""

import re

import pytest
import sqlalchemy as sa

from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.members.models import Role
from tests.support.factories import make_org, make_user

PASSWORD = "รหัสผ่านเดิมยาวพอ"
NEW_PASSWORD = "รหัสผ่านใหม่ที่ยาวพอ 2569"


@pytest.fixture
def people(app):
    """A coordinator, an org admin and a member of one organisation, and an org admin of another; all PASSWORD."""
    with app.app_context():
        home, other = make_org(slug="home"), make_org(slug="other")
        hashed = hash_password(PASSWORD)
        made = {
            "coordinator": make_user("coordinator@network.example", is_admin=True, password_hash=hashed),
            "org_admin": make_user("admin@home.example", home, Role.ORG_ADMIN, password_hash=hashed),
            "member": make_user("member@home.example", home, Role.MEMBER, password_hash=hashed, name="นกน้อย"),
            "other_admin": make_user("admin@other.example", other, Role.ORG_ADMIN, password_hash=hashed),
        }
        db.session.commit()
        return {role: user.email for role, user in made.items()} | {"home_id": home.id, "other_id": other.id}


def csrf(client, path="/login"):
    """Return a CSRF token from a page's form, as a browser would have it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def login(client, email, password=PASSWORD, remember=False, next_url=None):
    """Log in through the form and return the response."""
    data = {"email": email, "password": password, "csrf_token": csrf(client)}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def post(client, path, data=None, page=None):
    """Post a form with a CSRF token taken from `page` (default: the home page)."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, page or "/")})


def last_mail(to):
    """Return the newest outbox message to an address."""
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == to)
                             .order_by(OutboxMessage.id.desc()))


def link_in(message):
    """Return the path of the first portal link in a message's text body."""
    url = re.search(r"http://portal\.test(/\S+)", message.body_text).group(1)
    return url


def without_tokens(page):
    """A page with its CSRF tokens blanked: they differ from one page to the next."""
    return re.sub(r"[\w-]{20,}\.[\w-]+\.[\w-]+", "TOKEN", page)
