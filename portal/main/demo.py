"""Demo data: a believable Thai PR network of a dozen organisations (fictional people, example addresses)."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.agreements import drafts, signing
from portal.agreements.models import AgreementKind, Answer
from portal.alerts import services as alerts
from portal.alerts.models import Recipient
from portal.applications import services as applications
from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.db import utcnow
from portal.events import audiences, rsvp
from portal.events import services as events
from portal.events.models import Reply, Visibility
from portal.extensions import db
from portal.i18n import in_language
from portal.mail.models import OutboxStatus
from portal.mail.services import queue_mail, queue_many
from portal.organisations import invitations
from portal.organisations.models import Membership, Organisation, Region, Role, Sector
from portal.shares import services as shares
from portal.shares.models import ShareReply

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
     Region.BANGKOK_CENTRAL, "TH-10", "ประชาสัมพันธ์นโยบายและบริการของเมืองสู่ประชาชน",
     [("สุภาพร วงศ์สวัสดิ์", "ผู้อำนวยการกองประชาสัมพันธ์"), ("ธนากร ศรีสุข", "นักประชาสัมพันธ์ชำนาญการ")]),
    ("thai-power-authority", "การไฟฟ้าส่วนภูมิภาคเขตกลาง", "Central Region Power Authority", Sector.STATE_ENTERPRISE,
     Region.BANGKOK_CENTRAL, "TH-12", "สื่อสารองค์กรและแจ้งข่าวการดับไฟในพื้นที่ภาคกลาง",
     [("วรรณา พึ่งบุญ", "หัวหน้างานสื่อสารองค์กร"), ("อนุชา เกิดผล", "เจ้าหน้าที่สื่อสารองค์กร")]),
    ("chiang-mai-pr", "สำนักงานประชาสัมพันธ์จังหวัดเชียงใหม่", "Chiang Mai Provincial PR Office", Sector.GOVERNMENT,
     Region.NORTH, "TH-50", "ข่าวสารของจังหวัด สถานีวิทยุ และช่องทางออนไลน์ของภาคเหนือ",
     [("ปิยะนุช คำแสน", "ประชาสัมพันธ์จังหวัด"), ("ณัฐวุฒิ ใจดี", "นักประชาสัมพันธ์")]),
    ("lanna-university", "มหาวิทยาลัยล้านนาพัฒนา", "Lanna Development University", Sector.ACADEMIC,
     Region.NORTH, "TH-57", "งานสื่อสารองค์กรและสื่อสารการตลาดของมหาวิทยาลัย",
     [("ดร.กมลชนก อินทรวงศ์", "ผู้อำนวยการสำนักสื่อสารองค์กร"), ("ภูริ ทองมา", "นักวิชาการประชาสัมพันธ์")]),
    ("khon-kaen-hospital", "โรงพยาบาลศูนย์ขอนแก่นรวมใจ", "Khon Kaen Ruamjai Hospital", Sector.GOVERNMENT,
     Region.NORTHEAST, "TH-40", "ข่าวสุขภาพและการสื่อสารในภาวะวิกฤตของภาคอีสาน",
     [("สมฤดี แก้วมณี", "หัวหน้ากลุ่มงานประชาสัมพันธ์"), ("วีระพงษ์ บุญมา", "นักประชาสัมพันธ์")]),
    ("isan-news", "อีสานนิวส์ทีวี", "Isan News TV", Sector.MEDIA,
     Region.NORTHEAST, "TH-41", "สถานีข่าวท้องถิ่นภาษาไทยและภาษาอีสาน",
     [("จิราพร ศรีวงษ์", "บรรณาธิการข่าว"), ("ชยพล แสนทวี", "ผู้สื่อข่าวอาวุโส")]),
    ("eastern-seaboard", "บริษัท อีสเทิร์นซีบอร์ด โลจิสติกส์ จำกัด (มหาชน)", "Eastern Seaboard Logistics PCL",
     Sector.PRIVATE, Region.EAST, "TH-20", "สื่อสารองค์กร นักลงทุนสัมพันธ์ และ CSR ในพื้นที่ EEC",
     [("นภัสสร จันทร์เพ็ญ", "ผู้จัดการฝ่ายสื่อสารองค์กร"), ("กิตติศักดิ์ วงษ์ทอง", "เจ้าหน้าที่ CSR")]),
    ("rayong-green", "มูลนิธิชายฝั่งระยองสีเขียว", "Green Rayong Coast Foundation", Sector.NGO,
     Region.EAST, "TH-21", "รณรงค์ด้านสิ่งแวดล้อมชายฝั่งและสื่อสารกับชุมชน",
     [("อรทัย ประเสริฐ", "ผู้ประสานงานโครงการ"), ("ศุภชัย มีสุข", "อาสาสมัครฝ่ายสื่อสาร")]),
    ("kanchanaburi-tourism", "สำนักงานการท่องเที่ยวกาญจนบุรี", "Kanchanaburi Tourism Office", Sector.GOVERNMENT,
     Region.WEST, "TH-71", "ประชาสัมพันธ์แหล่งท่องเที่ยวและเทศกาลของภาคตะวันตก",
     [("มาลัย สุขประเสริฐ", "หัวหน้างานประชาสัมพันธ์"), ("ธีรวัฒน์ ปานทอง", "นักประชาสัมพันธ์")]),
    ("western-radio", "สถานีวิทยุชุมชนคนราชบุรี", "Ratchaburi Community Radio", Sector.MEDIA,
     Region.WEST, "TH-70", "วิทยุชุมชนและเพจข่าวท้องถิ่น",
     [("บุญเรือน ทองดี", "ผู้จัดรายการ")]),
    ("songkhla-port", "การท่าเรือสงขลา", "Songkhla Port Authority", Sector.STATE_ENTERPRISE,
     Region.SOUTH, "TH-90", "สื่อสารองค์กรและความสัมพันธ์กับชุมชนรอบท่าเรือ",
     [("ฟาติมะห์ หะยีมะ", "หัวหน้าแผนกประชาสัมพันธ์"), ("ประยุทธ ชูศรี", "เจ้าหน้าที่ประชาสัมพันธ์")]),
    ("andaman-university", "มหาวิทยาลัยอันดามันศึกษา", "Andaman Studies University", Sector.ACADEMIC,
     Region.SOUTH, "TH-83", "สื่อสารองค์กร กิจการนักศึกษา และเครือข่ายศิษย์เก่า",
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
        kind="announcements", idempotency_prefix="demo-welcome",
        message=_l("The demo network is ready: twelve organisations from every region are waiting for you."),
    )
    db.session.flush()
    _applications(coordinator)
    _invitations(people)
    _undeliverable_mail()
    _agreements(coordinator, people)
    _events(coordinator, people)
    _share_requests(people)
    _alerts(coordinator)
    return {"organisations": len(ORGANISATIONS), "people": len(people)}


# Two applications in the queue: one waiting for review, one waiting for the applicant's answer.
APPLICATIONS = [
    dict(name_th="สำนักงานประชาสัมพันธ์จังหวัดน่าน", name_en="Nan Provincial PR Office", sector="government",
         region="north", province="TH-55", website="https://nan-pr.example", channels="Facebook: สปข.น่าน",
         description="ข่าวสารของจังหวัดน่านและสถานีวิทยุของจังหวัด", applicant_name="มาลี ศรีน่าน",
         applicant_email="malee@nan-pr.example", applicant_position="ประชาสัมพันธ์จังหวัด",
         motivation="อยากแลกเปลี่ยนข่าวสารกับเครือข่ายทั่วประเทศ"),
    dict(name_th="สมาคมสื่อมวลชนภาคใต้", name_en="Southern Press Association", sector="media", region="south",
         province="TH-84", website="", channels="", description="สมาคมของสื่อมวลชนท้องถิ่นในภาคใต้",
         applicant_name="ภาณุ ทองคำ", applicant_email="panu@south-press.example", applicant_position="นายกสมาคม",
         motivation="ร่วมเผยแพร่ข่าวสารในภาวะภัยพิบัติ"),
]


# Three more, for the other states: one whose applicant has not yet confirmed the address, one withdrawn by its
# applicant and one declined (the audit log credits the applicant, `flask retention run` deletes the last two when
# they are old enough). An English applicant among them: their mail and its links are in English.
MORE_APPLICATIONS = [
    dict(name_th="มหาวิทยาลัยราชภัฏเชียงราย", name_en="Chiang Rai Rajabhat University", sector="academic",
         region="north", province="TH-57", website="https://crru.example", channels="", description="งานสื่อสารองค์กร",
         applicant_name="Anna Lee", applicant_email="anna@crru.example", applicant_position="Communications officer",
         motivation="To share university news with the network"),
    dict(name_th="บริษัท ข่าวด่วน จำกัด", name_en="Khao Duan Co., Ltd.", sector="media", region="bangkok_central",
         province="TH-10", website="", channels="", description="สำนักข่าวออนไลน์", applicant_name="ชาตรี มีสุข",
         applicant_email="chatree@khaoduan.example", applicant_position="บรรณาธิการ", motivation="ร่วมเผยแพร่ข่าว"),
    dict(name_th="ชมรมคนรักข่าว", name_en="", sector="ngo", region="east", province="TH-20", website="",
         channels="", description="ชมรมอาสาสมัคร", applicant_name="วิไล ใจงาม", applicant_email="wilai@example.com",
         applicant_position="ประธานชมรม", motivation="อยากเข้าร่วม"),
]


def _applications(coordinator):
    waiting, asked = (applications.submit_application("th", privacy_accepted=True, **fields)
                      for fields in APPLICATIONS)
    for application in (waiting, asked):
        applications.confirm_application(application)
    applications.request_more_information(asked, "โปรดแนบหนังสือรับรองการจดทะเบียนสมาคม", by=coordinator)
    unconfirmed, withdrawn, declined = (
        applications.submit_application(language, privacy_accepted=True, **fields)
        for language, fields in zip(("en", "th", "th"), MORE_APPLICATIONS))
    for application in (withdrawn, declined):
        applications.confirm_application(application)
    applications.withdraw_application(withdrawn)
    applications.reject_application(declined, "ยังไม่ใช่องค์กรด้านประชาสัมพันธ์", by=coordinator)


def _invitations(people):
    """The Chiang Mai admin's invitations: one pending, one revoked, one expired; and a former colleague whose account
    a coordinator deactivated, whom the admin may delete (PDPA) from the people table."""
    admin = next(p for p in people if p.email == "admin@chiang-mai-pr.example")
    chiang_mai = admin.memberships[0].organisation
    former = User(email="former.staff@chiang-mai-pr.example", name="สมปอง ลาออกแล้ว", active=False,
                  password_hash=admin.password_hash, email_confirmed_at=utcnow() - timedelta(days=400))
    db.session.add(Membership(user=former, organisation=chiang_mai, role=Role.MEMBER, position="นักประชาสัมพันธ์"))
    invitations.invite("new.colleague@chiang-mai-pr.example", chiang_mai, "member", by=admin)
    revoked = invitations.invite("former.intern@chiang-mai-pr.example", chiang_mai, "member", by=admin)
    invitations.revoke(revoked, by=admin)
    expired = invitations.invite("late.reply@chiang-mai-pr.example", chiang_mai, "member", by=admin)
    expired.expires_at = utcnow() - timedelta(days=1)


def _undeliverable_mail():
    """Two messages the portal could not deliver: one given up after a mail outage, one refused for good. The
    coordinator sees the notice on every page and sends them again from the undeliverable mail page."""
    dead = queue_mail("pr@isan-news.example", "main/announcement", _l("Welcome to the PR Network Portal"),
                      kind="announcements", name="อีสานนิวส์ทีวี", message=_l("The demo network is ready."))
    dead.status, dead.attempts = OutboxStatus.DEAD, 8
    dead.last_error = "421 4.4.2 mail.isan-news.example: connection timed out"
    refused = queue_mail("no-such-person@songkhla-port.example", "main/announcement",
                         _l("Welcome to the PR Network Portal"), kind="announcements", name="การท่าเรือสงขลา",
                         message=_l("The demo network is ready."))
    refused.status, refused.attempts = OutboxStatus.FAILED, 1
    refused.last_error = "550 5.1.1 <no-such-person@songkhla-port.example>: recipient address rejected"


CHARTER_TH = """# กฎบัตรเครือข่ายประชาสัมพันธ์

เครือข่ายนี้เป็นเครือข่ายแนวราบ ไม่มีใครเป็นเจ้าของ สมาชิกทุกองค์กรเท่าเทียมกัน

1. สมาชิกช่วยกัน**เผยแพร่ข่าวสาร**ของกันและกันให้ถึงประชาชนมากที่สุดและเร็วที่สุด
2. สมาชิกช่วยเหลือกันทั้งในยามปกติและในยามวิกฤต
3. ข้อมูลที่แบ่งปันกันในเครือข่ายใช้เพื่อประโยชน์ของประชาชนเท่านั้น
"""
CHARTER_EN = """# Charter of the PR Network

The network is non-hierarchical: nobody owns it, and every member organisation is an equal.

1. Members **spread each other's news** to as many people as possible, as fast as possible.
2. Members help each other in normal times and in times of crisis.
3. What is shared in the network is used for the public good only.
"""
COOPERATION_TH = """# ข้อตกลงความร่วมมือ

ภาคีทุกฝ่ายตกลงจะ

- แจ้งข่าวด่วนแก่กันภายใน 1 ชั่วโมง
- เผยแพร่ข่าวของภาคีอื่นในช่องทางของตนเมื่อได้รับการร้องขอ
- แลกเปลี่ยนภาพและวิดีโอโดยระบุที่มา
"""
COOPERATION_EN = """# Cooperation agreement

Every party agrees to

- tell the others urgent news within one hour;
- share the other parties' news on its own channels when asked;
- exchange photos and videos, crediting their source.
"""

# Title (Thai, English), author organisation, partners, signed by, declined by (with a reason), sequential, published
AGREEMENTS = [
    ("ความร่วมมือด้านการสื่อสารภาวะวิกฤตภาคเหนือและอีสาน", "Crisis communication cooperation, North and Northeast",
     "lanna-university", ["khon-kaen-hospital", "chiang-mai-pr"], ["lanna-university", "khon-kaen-hospital"], None,
     False, True),
    ("ความร่วมมือแลกเปลี่ยนข่าวสารพื้นที่ EEC", "EEC news exchange", "eastern-seaboard", ["rayong-green"],
     ["eastern-seaboard"], ("rayong-green", "มูลนิธิขอแก้ไขข้อ 3 เรื่องการใช้ภาพของชุมชนก่อนลงนาม"), False, True),
    ("ความร่วมมือข่าวภัยพิบัติอีสาน-ตะวันตก", "Disaster news, Northeast and West", "isan-news", ["western-radio"], [],
     None, True, True),
    ("ความร่วมมือทำข่าวเทศกาลท่องเที่ยว", "Festival coverage cooperation", "chiang-mai-pr", ["kanchanaburi-tourism"],
     [], None, False, False),
]


def _sign(version, organisation, person):
    with in_language(person.language or "th"):
        signing.answer(version, organisation, person, Answer.SIGNED, typed_name=person.name,
                       typed_position=person.memberships[0].position,
                       consent_text=signing.consent_sentence(organisation, version), language=person.language or "th",
                       shown_sha256=version.text_sha256, ip="203.0.113.10", user_agent="demo")


def _agreements(coordinator, people):
    """The network's charter, signed by every member (its certificate issued); a cooperation agreement waiting for
    Chiang Mai's signature; one declined; one signed in order, its first party's turn; and a draft."""
    by_slug = {p.memberships[0].organisation.slug: p for p in people if p.memberships
               and p.memberships[0].is_signatory}
    today = date.today()
    terms = {"signing_deadline": today + timedelta(days=30), "valid_from": today,
             "valid_until": today.replace(year=today.year + 2)}
    charter = drafts.start(AgreementKind.CHARTER, by=coordinator)
    drafts.save_draft(charter, {"title_th": "กฎบัตรเครือข่ายประชาสัมพันธ์", "title_en": "Charter of the PR Network",
                                "body_th": CHARTER_TH, "body_en": CHARTER_EN, "sequential": False, **terms},
                      by=coordinator)
    version = drafts.publish(charter, by=coordinator)
    for person in by_slug.values():
        _sign(version, person.memberships[0].organisation, person)
    for title_th, title_en, author, partners, signers, declined, sequential, published in AGREEMENTS:
        drafter = by_slug[author]
        agreement = drafts.start(AgreementKind.COOPERATION, by=drafter, organisation=drafter.memberships[0].organisation)
        drafts.save_draft(agreement, {"title_th": title_th, "title_en": title_en, "body_th": COOPERATION_TH,
                                      "body_en": COOPERATION_EN, "sequential": sequential,
                                      **terms, "signing_deadline": today + timedelta(days=5)},
                          [by_slug[slug].memberships[0].organisation_id for slug in partners], by=drafter)
        if not published:
            continue
        version = drafts.publish(agreement, by=drafter)
        for slug in signers:
            _sign(version, by_slug[slug].memberships[0].organisation, by_slug[slug])
        if declined:
            person = by_slug[declined[0]]
            signing.answer(version, person.memberships[0].organisation, person, Answer.DECLINED, reason=declined[1],
                           shown_sha256=version.text_sha256, ip="203.0.113.20", user_agent="demo")


def _events(coordinator, people):
    """A seminar next week nearly full (its last seat taken, two on the waiting list), with an invitation the demo
    member has yet to answer; a public open day (three seats per organisation); and a past workshop its people came to."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    chiang_mai_admin = next(p for p in people if p.email == "admin@chiang-mai-pr.example")
    seminar = events.create({
        "title_th": "สัมมนาการสื่อสารภาวะวิกฤต ภาคเหนือ", "title_en": "Crisis communication seminar, North",
        "description_th": "แลกเปลี่ยนบทเรียนจากเหตุน้ำท่วมและไฟป่า พร้อมฝึกเขียนข่าวด่วน",
        "description_en": "Lessons from floods and forest fires, and a hands-on urgent news workshop.",
        "starts_at": now + timedelta(days=7, hours=2), "ends_at": now + timedelta(days=7, hours=6),
        "rsvp_deadline": now + timedelta(days=6), "place": "ศาลากลางจังหวัดเชียงใหม่ ห้องประชุม 1",
        "map_url": "https://maps.example/chiang-mai-city-hall", "online_url": "https://meet.example/crisis-north",
        "capacity": 4, "visibility": Visibility.MEMBERS}, by=chiang_mai_admin,
        host=chiang_mai_admin.memberships[0].organisation)
    events.publish(seminar, by=chiang_mai_admin)
    guests = [p for p in people if p.memberships and p.email != "member@chiang-mai-pr.example"][:6]
    events.invite(seminar, by=chiang_mai_admin, user_ids=[p.id for p in people if p.memberships])
    for person in guests:  # four seats taken, then two wait
        rsvp.answer(events.invitation_of(seminar, person), Reply.YES)
    # Chiang Mai asks to invite the whole North too: it waits in the coordinators' queue.
    audiences.invite_audience(seminar, by=chiang_mai_admin, regions=["north"])
    open_day = events.create({
        "title_th": "วันเปิดบ้านเครือข่ายประชาสัมพันธ์", "title_en": "PR Network open day",
        "description_th": "เปิดให้สื่อมวลชนและประชาชนพบเครือข่าย", "description_en": "Meet the network: press and public.",
        "starts_at": now + timedelta(days=21, hours=3), "ends_at": now + timedelta(days=21, hours=8),
        "rsvp_deadline": now + timedelta(days=20), "place": "หอประชุมกรมประชาสัมพันธ์ กรุงเทพมหานคร",
        "map_url": "", "online_url": "", "capacity": None, "seats_per_organisation": 3,
        "visibility": Visibility.PUBLIC}, by=coordinator)
    events.publish(open_day, by=coordinator)
    events.invite(open_day, by=coordinator, guests=[("reporter@thai-news.example", "ผู้สื่อข่าว ข่าวไทย")])
    workshop = events.create({
        "title_th": "อบรมการถ่ายภาพข่าวด้วยมือถือ", "title_en": "News photography with a phone",
        "description_th": "", "description_en": "", "starts_at": now + timedelta(days=2),
        "ends_at": now + timedelta(days=2, hours=3), "rsvp_deadline": now + timedelta(days=1),
        "place": "มหาวิทยาลัยล้านนาพัฒนา", "map_url": "", "online_url": "", "capacity": 30,
        "visibility": Visibility.MEMBERS}, by=coordinator)
    events.publish(workshop, by=coordinator)
    events.invite(workshop, by=coordinator, user_ids=[p.id for p in guests])
    for person in guests[:3]:
        invitation = events.invitation_of(workshop, person)
        rsvp.answer(invitation, Reply.YES)
    # It took place last week: move it into the past, with who came (check-in at the door comes with check-in).
    workshop.starts_at, workshop.ends_at = now - timedelta(days=7), now - timedelta(days=7) + timedelta(hours=3)
    workshop.rsvp_deadline = now - timedelta(days=8)
    for person in guests[:2]:
        events.invitation_of(workshop, person).checked_in_at = workshop.starts_at + timedelta(minutes=10)


def _share_requests(people):
    """One open share request: Khon Kaen's hospital asks the network to share its dengue campaign; Chiang Mai will
    share it and reports two links, Isan News TV can't (the demo member has yet to answer for Lanna)."""
    person = {p.email: p for p in people}
    def organisation(email):
        return person[email].memberships[0].organisation

    poster = person["admin@khon-kaen-hospital.example"]
    share = shares.post_request(organisation(poster.email), poster, {
        "headline_th": "รณรงค์ป้องกันไข้เลือดออกช่วงฤดูฝน", "headline_en": "Dengue prevention in the rainy season",
        "message_th": "ขอความร่วมมือเครือข่ายเผยแพร่ข้อมูลการป้องกันไข้เลือดออก: เก็บบ้าน เก็บขยะ เก็บน้ำ",
        "message_en": "Please share our dengue prevention advice: clean homes, clear rubbish, cover water.",
        "links": ["https://khon-kaen-hospital.example/news/dengue"], "channels": ["facebook", "line", "broadcast"],
        "regions": [], "sectors": [], "chosen": [], "relevant_until": shares.today() + timedelta(days=10)})
    chiang_mai, sharer = organisation("admin@chiang-mai-pr.example"), person["member@chiang-mai-pr.example"]
    shares.answer(share, chiang_mai, ShareReply.WILL_SHARE, sharer, note="ลงเพจและรายการวิทยุของจังหวัด")
    shares.report(share, chiang_mai, shares.Channel.FACEBOOK, sharer,
                  url="https://facebook.com/chiang-mai-pr/posts/dengue")
    shares.report(share, chiang_mai, shares.Channel.BROADCAST, sharer, note="รายการข่าวเช้า สวท.เชียงใหม่ 08:30 น.")
    isan = person["admin@isan-news.example"]
    shares.answer(share, organisation(isan.email), ShareReply.CANNOT, isan, note="ผังรายการเต็มสัปดาห์นี้")


def _alerts(coordinator):
    """A past alert to the North, reminded: most people acknowledged it, one organisation nobody did (flagged on
    its page), and the demo member has not yet (it waits on their alerts page)."""
    alert = alerts.send(coordinator, {
        "title_th": "เฝ้าระวังไฟป่าและหมอกควัน ภาคเหนือ", "title_en": "Forest fire and haze watch, North",
        "message_th": "ค่าฝุ่น PM2.5 สูงเกินมาตรฐานหลายจังหวัด โปรดเตรียมข้อความแจ้งเตือนประชาชนและยืนยันผู้ประสานงานสื่อ",
        "message_en": "PM2.5 is above the limit in several provinces: prepare public warnings and confirm a media "
                      "contact.", "remind_after_minutes": 240}, regions=["north"])
    sent_at = utcnow() - timedelta(days=3)
    alert.sent_at, alert.reminded_at = sent_at, sent_at + timedelta(hours=4)
    rows = db.session.scalars(sa.select(Recipient).where(Recipient.alert_id == alert.id).order_by(Recipient.id)).all()
    silent = max((row.organisation_id for row in rows), default=None)
    for n, row in enumerate(rows):
        if row.email != "member@chiang-mai-pr.example" and row.organisation_id != silent:
            row.acknowledged_at = sent_at + timedelta(minutes=5 + 7 * n)
        else:
            row.reminded_at = alert.reminded_at
