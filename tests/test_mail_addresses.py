"""Email addresses typed into any form: one rule (portal.forms.MailAddress) for every form that takes one."""

import pytest
import sqlalchemy as sa

from portal.applications.models import Application
from portal.extensions import db
from tests.support.applications import FORM
from tests.support.web import csrf


def apply(client, email):
    return client.post("/apply", data={**FORM, "applicant_email": email, "csrf_token": csrf(client, "/apply")})


def test_a_thai_domain_is_stored_in_the_form_mail_servers_read(app):
    response = apply(app.test_client(), "Malee@ตัวอย่าง.ไทย")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Application.applicant_email)) == "malee@xn--72c1a1bt4awk9o.xn--o3cw4h"


@pytest.mark.parametrize("email, message", [
    ("ผู้สมัคร@example.com", "โปรดเขียนส่วนหน้า @ เป็นอักษรภาษาอังกฤษ"),
    ("malee@", "โปรดกรอกอีเมลให้ถูกต้อง"),
    ("malee@nan..example", "โปรดกรอกอีเมลให้ถูกต้อง"),
])
def test_an_address_mail_cannot_reach_is_answered_in_the_form(app, email, message):
    response = apply(app.test_client(), email)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
