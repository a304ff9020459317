"""Applications: a valid form, applications in each state, and coordinators to decide."""

import pytest

from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.members import services
from tests.auth.conftest import PASSWORD
from tests.support.factories import make_user

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
