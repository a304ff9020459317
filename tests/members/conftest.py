"""Applications: a valid form, applications in each state, and coordinators to decide."""

import pytest

from portal.auth.passwords import hash_password
import sqlalchemy as sa

from portal.extensions import db
from portal.members import services
from portal.members.models import Organisation, Role
from tests.auth.conftest import PASSWORD, csrf, login
from tests.support.factories import make_org, make_user

FORM = {
    "name_th": "สำนักงานประชาสัมพันธ์จังหวัดน่าน",
    "name_en": "Nan Provincial PR Office",
    "sector": "government",
    "region": "north",
    "province": "น่าน",
    "website": "https://www.nan-pr.example",
    "channels": "Facebook: สปข.น่าน\nLINE: @nanpr",
    "description": "ประชาสัมพันธ์ข่าวสารของจังหวัดน่าน",
    "applicant_name": "มาลี ศรีน่าน",
    "applicant_email": "Malee@Nan-PR.example",
    "applicant_position": "ประชาสัมพันธ์จังหวัด",
    "motivation": "อยากแลกเปลี่ยนข่าวสารกับเครือข่ายทั่วประเทศ",
    "consent": "y",
}


def application_of_status_link(path):
    """The id of the application a private status link opens (tokens carry their time: compare what they open)."""
    return services.application_for_status_link(path.rsplit("/", 1)[1]).id


def make_application(confirm=True, **fields):
    """Add an application as the public form would, confirmed (in the queue) unless told otherwise."""
    values = {k: v for k, v in FORM.items() if k != "consent"}
    application = services.submit_application(fields.pop("language", "th"), **{**values, **fields})
    if confirm:
        services.confirm_application(application)
    db.session.flush()
    return application


@pytest.fixture
def coordinators(app):
    """Two coordinators with PASSWORD, for deciding."""
    with app.app_context():
        hashed = hash_password(PASSWORD)
        emails = [make_user(f"coord{n}@network.example", is_admin=True, password_hash=hashed, name=f"ผู้ประสานงาน {n}").email
                  for n in (1, 2)]
        db.session.commit()
        return emails


@pytest.fixture
def orgs(app):
    """Two organisations: 'home' (an admin, a member) and 'other' (an admin); a coordinator; a listed third."""
    with app.app_context():
        hashed = hash_password(PASSWORD)
        home = make_org(slug="home", name_th="สำนักงานประชาสัมพันธ์บ้านเรา", phone="02 123 4567",
                        public_email="pr@home.example", expertise=["สื่อสัมพันธ์"])
        other = make_org(slug="other", name_th="มหาวิทยาลัยอื่น")
        make_org(slug="listed", name_th="สมาคมเปิดเผย", listed_publicly=True, phone="053 111 222",
                 expertise=["CSR"])
        make_user("admin@home.example", home, Role.ORG_ADMIN, password_hash=hashed, name="แอดมินบ้าน")
        make_user("member@home.example", home, Role.MEMBER, password_hash=hashed, name="สมาชิกบ้าน")
        make_user("admin@other.example", other, Role.ORG_ADMIN, password_hash=hashed)
        make_user("coordinator@network.example", is_admin=True, password_hash=hashed)
        db.session.commit()
    return app


def client_as(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


def save(client, slug, section, data, htmx=False):
    page = f"/organisations/{slug}"
    token = csrf(client, page)
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    return client.post(f"{page}/{section}", data={**data, "csrf_token": token}, headers=headers)


def organisation(app, slug):
    with app.app_context():
        found = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        db.session.expunge(found)
        return found
