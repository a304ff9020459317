"""The one world of the tests: a small network of organisations and the people in them, each with a known password.

- "home" (สำนักงานประชาสัมพันธ์บ้านเรา): its admin admin@home.example (แอดมินบ้าน) and its member
  member@home.example (นกน้อย สมาชิกบ้าน); a phone, a public email and one area of expertise.
- "other" (มหาวิทยาลัยอื่น): its admin admin@other.example.
- "listed" (สมาคมเปิดเผย): on the public list, nobody in it.
- coordinator@network.example (ผู้ประสานงาน 1), a network coordinator.
"""

from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.organisations.models import Role
from tests.support.factories import make_org, make_user

PASSWORD = "รหัสผ่านเดิมยาวพอ"
NEW_PASSWORD = "รหัสผ่านใหม่ที่ยาวพอ 2569"


class Network(dict):
    """The world's addresses by role ("coordinator", "org_admin", "member", "other_admin") and its organisations' ids
    ("home_id", "other_id", "listed_id"); `app` is the app it lives in."""

    app = None


def build_network(app):
    """Add the small network to the app's database and return it."""
    with app.app_context():
        hashed = hash_password(PASSWORD)
        home = make_org(slug="home", name_th="สำนักงานประชาสัมพันธ์บ้านเรา", phone="02 123 4567",
                        public_email="pr@home.example", expertise=["สื่อสัมพันธ์"])
        other = make_org(slug="other", name_th="มหาวิทยาลัยอื่น")
        listed = make_org(slug="listed", name_th="สมาคมเปิดเผย", listed_publicly=True, phone="053 111 222",
                          expertise=["CSR"])
        people = {
            "coordinator": make_user("coordinator@network.example", is_admin=True, password_hash=hashed,
                                     name="ผู้ประสานงาน 1"),
            "org_admin": make_user("admin@home.example", home, Role.ORG_ADMIN, password_hash=hashed, name="แอดมินบ้าน"),
            "member": make_user("member@home.example", home, Role.MEMBER, password_hash=hashed,
                                name="นกน้อย สมาชิกบ้าน"),
            "other_admin": make_user("admin@other.example", other, Role.ORG_ADMIN, password_hash=hashed),
        }
        db.session.commit()
        network = Network({role: user.email for role, user in people.items()},
                          home_id=home.id, other_id=other.id, listed_id=listed.id)
    network.app = app
    return network
