"""Agreements as their drafters make them, and signing through the portal's own pages."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from portal.agreements import drafts, signing
from portal.agreements.models import AgreementKind, Answer
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.organisations.models import Membership, Organisation, Role
from tests.support.factories import make_user
from tests.support.network import PASSWORD

TEXT_TH = "# ข้อตกลงความร่วมมือ\n\nทั้งสองฝ่ายจะ**เผยแพร่ข่าวสาร**ของกันและกัน\n\n- ข้อ 1 แบ่งปันข่าว\n- ข้อ 2 ช่วยกันในยามวิกฤต"
TEXT_EN = "# Cooperation agreement\n\nBoth parties **share** each other's news.\n\n- 1. Share news\n- 2. Help in a crisis"


def make_signatory(email, signatory=True):
    """Make a person an authorised signatory of their (first) organisation (or not)."""
    membership = db.session.scalar(sa.select(Membership).join(Membership.user).where(
        Membership.user.has(email=email)))
    membership.is_signatory = signatory
    return membership


def publish(kind, by_email, organisation_slug=None, partners=(), sequential=False, deadline_in=14, **values):
    """Draft and publish an agreement as a drafter would; return its first version. Run in an app context."""
    by = find_user_by_email(by_email)
    author = db.session.scalar(sa.select(Organisation).where(Organisation.slug == organisation_slug)) \
        if organisation_slug else None
    agreement = drafts.start(kind, by=by, organisation=author)
    partner_ids = [db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug)) for slug in partners]
    drafts.save_draft(agreement, {
        "title_th": values.get("title_th", "ข้อตกลงความร่วมมือด้านข่าวสาร"),
        "title_en": values.get("title_en", "News cooperation agreement"), "body_th": values.get("body_th", TEXT_TH),
        "body_en": values.get("body_en", TEXT_EN), "signing_deadline": date.today() + timedelta(days=deadline_in),
        "valid_from": date.today(), "valid_until": None, "sequential": sequential}, partner_ids, by=by)
    return drafts.publish(agreement, by=by)


def cooperation(network, sequential=False, partners=("other",)):
    """home's cooperation agreement with `partners`, published by home's admin; home's and other's admins are their
    signatories. Return (agreement id, version number, text hash)."""
    app = network.app
    with app.app_context():
        make_signatory(network["org_admin"])
        make_signatory(network["other_admin"])
        version = publish(AgreementKind.COOPERATION, network["org_admin"], "home", partners=partners,
                          sequential=sequential)
        db.session.commit()
        return version.agreement_id, version.number, version.text_sha256


def sign_page(agreement_id, number):
    return f"/agreements/{agreement_id}/versions/{number}/sign"


def token_of(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def sign(client, agreement_id, number, organisation_id, text_sha256, token=None, password=PASSWORD,
         name="สมศรี ลงนาม", position="ผู้อำนวยการ"):
    """Post the signing form as a signatory would (the CSRF token read from the signing page unless given)."""
    path = sign_page(agreement_id, number)
    return client.post(path, data={
        "csrf_token": token or token_of(client, path), "organisation": organisation_id, "typed_name": name,
        "typed_position": position, "consent": "y", "password": password, "text_sha256": text_sha256})


def signed_agreement(network):
    """home's cooperation agreement with "listed", version 1 signed by both parties (a signatory is added to
    "listed"), so that its certificate is issued. Run in an app context; return (agreement id, version number)."""
    listed = db.session.get(Organisation, network["listed_id"])
    make_signatory(network["org_admin"])
    listed_signatory = make_user("signatory@listed.example", listed, Role.ORG_ADMIN, name="ผู้ลงนามสมาคม")
    listed_signatory.memberships[0].is_signatory = True
    version = publish(AgreementKind.COOPERATION, network["org_admin"], "home", partners=("listed",))
    home = db.session.get(Organisation, network["home_id"])
    for organisation, person in ((home, find_user_by_email(network["org_admin"])), (listed, listed_signatory)):
        signing.answer(version, organisation, person, Answer.SIGNED, typed_name=person.name,
                       typed_position="ผู้อำนวยการ", consent_text="ข้าพเจ้าได้อ่านและลงนาม",
                       shown_sha256=version.text_sha256, ip="192.0.2.1", user_agent="test")
    db.session.commit()
    return version.agreement_id, version.number
