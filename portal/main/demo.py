"""Demo data: a believable Thai PR network of a dozen organisations (fictional people, example addresses)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.applications import services as applications
from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.db import utcnow
from portal.extensions import db
from portal.mail.models import OutboxStatus
from portal.mail.services import queue_mail, queue_many
from portal.organisations import invitations
from portal.organisations.models import Membership, Organisation, Region, Role, Sector

DEMO_PASSWORD = "demo-password-2569"
COORDINATOR_EMAIL = "coordinator@prnetwork.example"
DEMO_LOGINS = [
    (COORDINATOR_EMAIL, "network coordinator"),
    ("admin@chiang-mai-pr.example", "organisation admin, Chiang Mai Provincial PR Office"),
    ("member@chiang-mai-pr.example", "member, Chiang Mai Provincial PR Office"),
]

# slug, Thai name, English name, sector, region, province, description, people (Thai name, position)
ORGANISATIONS = [
    ("bkk-metro-pr", "สำนักประชาสัมพันธ์มหานคร", "Metropolitan Public Relations Office", Sector.GOVERNMENT,
     Region.BANGKOK_CENTRAL, "กรุงเทพมหานคร", "ประชาสัมพันธ์นโยบายและบริการของเมืองสู่ประชาชน",
     [("สุภาพร วงศ์สวัสดิ์", "ผู้อำนวยการกองประชาสัมพันธ์"), ("ธนากร ศรีสุข", "นักประชาสัมพันธ์ชำนาญการ")]),
    ("thai-power-authority", "การไฟฟ้าส่วนภูมิภาคเขตกลาง", "Central Region Power Authority", Sector.STATE_ENTERPRISE,
     Region.BANGKOK_CENTRAL, "นนทบุรี", "สื่อสารองค์กรและแจ้งข่าวการดับไฟในพื้นที่ภาคกลาง",
     [("วรรณา พึ่งบุญ", "หัวหน้างานสื่อสารองค์กร"), ("อนุชา เกิดผล", "เจ้าหน้าที่สื่อสารองค์กร")]),
    ("chiang-mai-pr", "สำนักงานประชาสัมพันธ์จังหวัดเชียงใหม่", "Chiang Mai Provincial PR Office", Sector.GOVERNMENT,
     Region.NORTH, "เชียงใหม่", "ข่าวสารของจังหวัด สถานีวิทยุ และช่องทางออนไลน์ของภาคเหนือ",
     [("ปิยะนุช คำแสน", "ประชาสัมพันธ์จังหวัด"), ("ณัฐวุฒิ ใจดี", "นักประชาสัมพันธ์")]),
    ("lanna-university", "มหาวิทยาลัยล้านนาพัฒนา", "Lanna Development University", Sector.ACADEMIC,
     Region.NORTH, "เชียงราย", "งานสื่อสารองค์กรและสื่อสารการตลาดของมหาวิทยาลัย",
     [("ดร.กมลชนก อินทรวงศ์", "ผู้อำนวยการสำนักสื่อสารองค์กร"), ("ภูริ ทองมา", "นักวิชาการประชาสัมพันธ์")]),
    ("khon-kaen-hospital", "โรงพยาบาลศูนย์ขอนแก่นรวมใจ", "Khon Kaen Ruamjai Hospital", Sector.GOVERNMENT,
     Region.NORTHEAST, "ขอนแก่น", "ข่าวสุขภาพและการสื่อสารในภาวะวิกฤตของภาคอีสาน",
     [("สมฤดี แก้วมณี", "หัวหน้ากลุ่มงานประชาสัมพันธ์"), ("วีระพงษ์ บุญมา", "นักประชาสัมพันธ์")]),
    ("isan-news", "อีสานนิวส์ทีวี", "Isan News TV", Sector.MEDIA,
     Region.NORTHEAST, "อุดรธานี", "สถานีข่าวท้องถิ่นภาษาไทยและภาษาอีสาน",
     [("จิราพร ศรีวงษ์", "บรรณาธิการข่าว"), ("ชยพล แสนทวี", "ผู้สื่อข่าวอาวุโส")]),
    ("eastern-seaboard", "บริษัท อีสเทิร์นซีบอร์ด โลจิสติกส์ จำกัด (มหาชน)", "Eastern Seaboard Logistics PCL",
     Sector.PRIVATE, Region.EAST, "ชลบุรี", "สื่อสารองค์กร นักลงทุนสัมพันธ์ และ CSR ในพื้นที่ EEC",
     [("นภัสสร จันทร์เพ็ญ", "ผู้จัดการฝ่ายสื่อสารองค์กร"), ("กิตติศักดิ์ วงษ์ทอง", "เจ้าหน้าที่ CSR")]),
    ("rayong-green", "มูลนิธิชายฝั่งระยองสีเขียว", "Green Rayong Coast Foundation", Sector.NGO,
     Region.EAST, "ระยอง", "รณรงค์ด้านสิ่งแวดล้อมชายฝั่งและสื่อสารกับชุมชน",
     [("อรทัย ประเสริฐ", "ผู้ประสานงานโครงการ"), ("ศุภชัย มีสุข", "อาสาสมัครฝ่ายสื่อสาร")]),
    ("kanchanaburi-tourism", "สำนักงานการท่องเที่ยวกาญจนบุรี", "Kanchanaburi Tourism Office", Sector.GOVERNMENT,
     Region.WEST, "กาญจนบุรี", "ประชาสัมพันธ์แหล่งท่องเที่ยวและเทศกาลของภาคตะวันตก",
     [("มาลัย สุขประเสริฐ", "หัวหน้างานประชาสัมพันธ์"), ("ธีรวัฒน์ ปานทอง", "นักประชาสัมพันธ์")]),
    ("western-radio", "สถานีวิทยุชุมชนคนราชบุรี", "Ratchaburi Community Radio", Sector.MEDIA,
     Region.WEST, "ราชบุรี", "วิทยุชุมชนและเพจข่าวท้องถิ่น",
     [("บุญเรือน ทองดี", "ผู้จัดรายการ")]),
    ("songkhla-port", "การท่าเรือสงขลา", "Songkhla Port Authority", Sector.STATE_ENTERPRISE,
     Region.SOUTH, "สงขลา", "สื่อสารองค์กรและความสัมพันธ์กับชุมชนรอบท่าเรือ",
     [("ฟาติมะห์ หะยีมะ", "หัวหน้าแผนกประชาสัมพันธ์"), ("ประยุทธ ชูศรี", "เจ้าหน้าที่ประชาสัมพันธ์")]),
    ("andaman-university", "มหาวิทยาลัยอันดามันศึกษา", "Andaman Studies University", Sector.ACADEMIC,
     Region.SOUTH, "ภูเก็ต", "สื่อสารองค์กร กิจการนักศึกษา และเครือข่ายศิษย์เก่า",
     [("ลลิตา นาคสวัสดิ์", "ผู้อำนวยการกองสื่อสารองค์กร"), ("อับดุลเลาะ สาและ", "นักประชาสัมพันธ์")]),
]


EXPERTISE = [["การสื่อสารภาวะวิกฤต", "สื่อสัมพันธ์"], ["CSR", "ชุมชนสัมพันธ์"], ["การสื่อสารดิจิทัล", "ภาพและวิดีโอ"],
             ["งานอีเวนต์", "สื่อสัมพันธ์"], ["การสื่อสารภายในองค์กร"], ["ข่าวท้องถิ่น", "วิทยุชุมชน"]]


def _email(slug, index):
    return f"{'admin' if index == 0 else 'member'}@{slug}.example"


def load_demo():
    """Add the coordinator, the organisations and their people to the session; return a summary."""
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    coordinator = User(email=COORDINATOR_EMAIL, name="ผู้ประสานงานเครือข่าย (สาธิต)", is_admin=True,
                       password_hash=password_hash, email_confirmed_at=now)
    db.session.add(coordinator)
    people = [coordinator]
    for slug, name_th, name_en, sector, region, province, description, staff in ORGANISATIONS:
        n = len(people)
        organisation = Organisation(
            slug=slug, name_th=name_th, name_en=name_en, sector=sector, region=region, province=province,
            description=description, website=f"https://{slug}.example", public_email=f"pr@{slug}.example",
            phone=f"0{2 + n % 7} {100 + n:03d} {4000 + n:04d}", expertise=EXPERTISE[n % len(EXPERTISE)],
            channels=[{"kind": "facebook", "url": f"https://facebook.com/{slug}"},
                      {"kind": "line", "url": f"https://line.me/R/ti/p/@{slug}"}],
            listed_publicly=n % 2 == 1)
        db.session.add(organisation)
        for index, (name, position) in enumerate(staff):
            user = User(email=_email(slug, index), name=name, password_hash=password_hash, email_confirmed_at=now)
            role = Role.ORG_ADMIN if index == 0 else Role.MEMBER
            db.session.add(Membership(user=user, organisation=organisation, role=role, position=position,
                                      is_signatory=index == 0))
            people.append(user)
    queue_many(
        "main/announcement", _l("Welcome to the PR Network Portal"),
        [(user.email, user.language or "th", {"name": user.name}) for user in people],
        idempotency_prefix="demo-welcome",
        message=_l("The demo network is ready: twelve organisations from every region are waiting for you."),
    )
    db.session.flush()
    _applications(coordinator)
    _invitations(people)
    _undeliverable_mail()
    return {"organisations": len(ORGANISATIONS), "people": len(people)}


# Two applications in the queue: one waiting for review, one waiting for the applicant's answer.
APPLICATIONS = [
    dict(name_th="สำนักงานประชาสัมพันธ์จังหวัดน่าน", name_en="Nan Provincial PR Office", sector="government",
         region="north", province="น่าน", website="https://nan-pr.example", channels="Facebook: สปข.น่าน",
         description="ข่าวสารของจังหวัดน่านและสถานีวิทยุของจังหวัด", applicant_name="มาลี ศรีน่าน",
         applicant_email="malee@nan-pr.example", applicant_position="ประชาสัมพันธ์จังหวัด",
         motivation="อยากแลกเปลี่ยนข่าวสารกับเครือข่ายทั่วประเทศ"),
    dict(name_th="สมาคมสื่อมวลชนภาคใต้", name_en="Southern Press Association", sector="media", region="south",
         province="สุราษฎร์ธานี", website="", channels="", description="สมาคมของสื่อมวลชนท้องถิ่นในภาคใต้",
         applicant_name="ภาณุ ทองคำ", applicant_email="panu@south-press.example", applicant_position="นายกสมาคม",
         motivation="ร่วมเผยแพร่ข่าวสารในภาวะภัยพิบัติ"),
]


def _applications(coordinator):
    waiting, asked = (applications.submit_application("th", **fields) for fields in APPLICATIONS)
    for application in (waiting, asked):
        applications.confirm_application(application)
    applications.request_more_information(asked, "โปรดแนบหนังสือรับรองการจดทะเบียนสมาคม", by=coordinator)


def _invitations(people):
    """The Chiang Mai admin's invitations: one pending, one revoked, one expired."""
    admin = next(p for p in people if p.email == "admin@chiang-mai-pr.example")
    chiang_mai = admin.memberships[0].organisation
    invitations.invite("new.colleague@chiang-mai-pr.example", chiang_mai, "member", by=admin)
    revoked = invitations.invite("former.intern@chiang-mai-pr.example", chiang_mai, "member", by=admin)
    invitations.revoke(revoked, by=admin)
    expired = invitations.invite("late.reply@chiang-mai-pr.example", chiang_mai, "member", by=admin)
    expired.expires_at = utcnow() - timedelta(days=1)


def _undeliverable_mail():
    """Two messages the portal could not deliver: one given up after a mail outage, one refused for good. The
    coordinator sees the notice on every page and sends them again from the undeliverable mail page."""
    dead = queue_mail("pr@isan-news.example", "main/announcement", _l("Welcome to the PR Network Portal"),
                      name="อีสานนิวส์ทีวี", message=_l("The demo network is ready."))
    dead.status, dead.attempts = OutboxStatus.DEAD, 8
    dead.last_error = "421 4.4.2 mail.isan-news.example: connection timed out"
    refused = queue_mail("no-such-person@songkhla-port.example", "main/announcement",
                         _l("Welcome to the PR Network Portal"), name="การท่าเรือสงขลา",
                         message=_l("The demo network is ready."))
    refused.status, refused.attempts = OutboxStatus.FAILED, 1
    refused.last_error = "550 5.1.1 <no-such-person@songkhla-port.example>: recipient address rejected"
