"""Certificates of attendance: after the event, a person who was checked in downloads their own sealed PDF, in Thai
or English; nobody else gets one, and nobody before the event has ended."""

import io
import re
from datetime import timedelta

import pypdf
import pytest
import time_machine

from portal.auth.services import find_user_by_email
from portal.events import checkin, rsvp, services
from portal.events.models import Reply
from portal.extensions import db
from portal.i18n import to_bangkok
from portal.pdf import make_development_key, seal_is_valid
from tests.support.events import published_event
from tests.support.web import client_as

MEMBER_NAME = "นกน้อย สมาชิกบ้าน"
HOME_TH = "สำนักงานประชาสัมพันธ์บ้านเรา"


@pytest.fixture
def sealing(app, tmp_path):
    """The app seals with a key made for the test."""
    key, cert = make_development_key(tmp_path / "seal")
    app.config.update(SIGNING_KEY_FILE=key, SIGNING_CERT_FILE=cert)
    return app


def attended(app, network, role="member", checked_in=True):
    """home's event with network[role] invited, coming and (unless told otherwise) checked in by home's admin;
    return the event's id and when it ends."""
    with app.app_context():
        event = published_event(network)
        admin = find_user_by_email(network["org_admin"])
        person = find_user_by_email(network[role])
        services.invite(event, by=admin, user_ids=[person.id])
        invitation = services.invitation_of(event, person)
        rsvp.answer(invitation, Reply.YES)
        if checked_in:
            checkin.check_in(invitation, by=admin)
        db.session.commit()
        return event.id, event.ends_at


def as_read(text):
    """Text as a PDF reader gives it back: no whitespace, and SARA AM without its nikhahit (ำ reads as า)."""
    return re.sub(r"\s+", "", text).replace("ำ", "า")


def pdf_text(content):
    return as_read("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))


def download(app, network, event_id, ends_at, query="", role="member", after=timedelta(hours=1)):
    """GET the certificate as network[role], `after` the event's end (negative: before it ends)."""
    with time_machine.travel(ends_at + after, tick=False):
        return client_as(app, network[role]).get(f"/events/{event_id}/attendance.pdf{query}")


@pytest.mark.parametrize("query, title, dates", [
    ("?lang=th", "สัมมนาเครือข่ายประชาสัมพันธ์", lambda year: [str(year + 543)]),
    ("", "สัมมนาเครือข่ายประชาสัมพันธ์", lambda year: [str(year + 543)]),  # the person's own language: Thai
    ("?lang=en", "PR Network seminar", lambda year: ["Certificateofattendance", str(year)]),
], ids=["thai", "person's language", "english"])
def test_a_checked_in_attendee_downloads_a_sealed_certificate_after_the_event(sealing, network, query, title, dates):
    event_id, ends_at = attended(sealing, network)
    response = download(sealing, network, event_id, ends_at, query)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    text = pdf_text(response.data)
    for shown in (MEMBER_NAME, HOME_TH, title, "ห้องประชุม1ศาลากลางจังหวัด", *dates(to_bangkok(ends_at).year)):
        assert as_read(shown) in text, shown
    with sealing.app_context():
        assert seal_is_valid(response.data)
        assert not seal_is_valid(response.data + b"\n% a line added later\n")


def test_without_lang_the_certificate_is_in_the_person_s_own_language(sealing, network):
    event_id, ends_at = attended(sealing, network)
    with sealing.app_context():
        find_user_by_email(network["member"]).language = "en"
        db.session.commit()
    text = pdf_text(download(sealing, network, event_id, ends_at).data)
    assert "PRNetworkseminar" in text and "Certificateofattendance" in text


@pytest.mark.parametrize("checked_in, after, status", [
    (False, timedelta(hours=1), 403),  # invited and coming, never checked in
    (True, -timedelta(minutes=30), 403),  # checked in, the event not over yet
], ids=["not checked in", "before the end"])
def test_no_certificate_without_a_check_in_or_before_the_event_ends(sealing, network, checked_in, after, status):
    event_id, ends_at = attended(sealing, network, checked_in=checked_in)
    assert download(sealing, network, event_id, ends_at, after=after).status_code == status


@pytest.mark.parametrize("role", ["other_admin", "org_admin", "coordinator"])
def test_nobody_gets_another_person_s_certificate(sealing, network, role):
    """Not the host's admin, not a coordinator: the certificate is the attendee's own, and others were not invited."""
    event_id, ends_at = attended(sealing, network)
    assert download(sealing, network, event_id, ends_at, role=role).status_code == 404
    assert download(sealing, network, event_id + 1000, ends_at).status_code == 404
