"""Reminders (`flask events remind`, safe to run twice), the host's messages to the groups they choose, and the
attendee list as CSV."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from portal.events import rsvp
from portal.events.models import Invitation, Reply
from portal.extensions import db
from tests.support.events import invite_members, published_event
from tests.support.mail import mail_subjects
from tests.support.web import client_as, csrf, statements_of


def people_of(event_id):
    return db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event_id)
                              .order_by(Invitation.id)).all()


def test_reminders_go_once_to_the_people_coming_and_to_those_who_have_not_answered(app, network):
    with app.app_context():
        event = published_event(network)
        invite_members(event, 3, network["org_admin"])
        coming, silent, declined = people_of(event.id)
        rsvp.answer(coming, Reply.YES)
        rsvp.answer(declined, Reply.NO)
        db.session.commit()
        addresses = (coming.email, silent.email, declined.email)
        deadline, starts = event.rsvp_deadline, event.starts_at
    runner = app.test_cli_runner()
    with time_machine.travel(deadline - timedelta(days=2)):  # answers close in two days
        assert "1 people reminded" in runner.invoke(args=["events", "remind"]).output
        assert "0 people reminded" in runner.invoke(args=["events", "remind"]).output  # run twice: once
    with time_machine.travel(starts - timedelta(hours=12)):  # tomorrow
        assert "1 people reminded" in runner.invoke(args=["events", "remind"]).output
        assert "0 people reminded" in runner.invoke(args=["events", "remind"]).output
    with app.app_context():
        reminded = {address: [s for s in mail_subjects(address) if s.startswith(("โปรดตอบรับ", "พรุ่งนี้"))]
                    for address in addresses}
        assert reminded == {coming.email: ["พรุ่งนี้: สัมมนาเครือข่ายประชาสัมพันธ์"],
                            silent.email: ["โปรดตอบรับ: สัมมนาเครือข่ายประชาสัมพันธ์"], declined.email: []}


def test_the_host_writes_to_the_groups_chosen_and_downloads_the_list(app, network):
    with app.app_context():
        event = published_event(network, capacity=1)
        invite_members(event, 3, network["org_admin"])
        first, second, third = people_of(event.id)
        rsvp.answer(first, Reply.YES)
        rsvp.answer(second, Reply.YES)  # waits
        db.session.commit()
        event_id, names = event.id, (first.email, second.email, third.email)
        first.name = "=HYPERLINK(\"http://evil.example\")"
        db.session.commit()
    host = client_as(app, network["org_admin"])
    page = f"/events/{event_id}"
    refused = host.post(f"/events/{event_id}/message", data={"csrf_token": csrf(host, page), "text": "สวัสดี"})
    assert refused.status_code == 422 and "สวัสดี" in refused.get_data(as_text=True)  # no group: asked, text kept
    sent = host.post(f"/events/{event_id}/message", data={"csrf_token": csrf(host, page), "groups": ["waiting",
                     "invited"], "text": "ขอเชิญมาเป็นอาสาสมัครหน้างาน\nติดต่อ 02 123 4567"})
    assert sent.status_code == 303
    with app.app_context():
        messaged = [a for a in names if any(s.startswith("ข้อความเกี่ยวกับ") for s in mail_subjects(a))]
        assert messaged == [names[1], names[2]]
    listing = host.get(f"/events/{event_id}/attendees.csv")
    text = listing.get_data(as_text=True)
    assert listing.status_code == 200 and text.startswith("\ufeff") and "รายชื่อสำรอง" in text
    assert "'=HYPERLINK" in text  # a name that is a formula is written as text
    member = client_as(app, network["member"])
    assert member.get(f"/events/{event_id}/attendees.csv").status_code == 403



def test_the_host_s_page_runs_the_same_queries_for_3_and_300_invitees_and_pages_the_list(app, network):
    host = client_as(app, network["org_admin"])
    counts = {}
    for people in (3, 300):
        with app.app_context():
            event = published_event(network, title_th=f"กิจกรรม {people}")
            invite_members(event, people, network["org_admin"], prefix=f"p{people}-")
            for invitation in people_of(event.id)[:2]:
                rsvp.answer(invitation, Reply.YES)
            db.session.commit()
            event_id = event.id
        counts[people] = statements_of(host, f"/events/{event_id}")
    assert counts[3] == counts[300], counts
    page = host.get(f"/events/{event_id}").get_data(as_text=True)
    assert page.count("@guests.example") == 100 and f"/events/{event_id}?page=2" in page  # 100 a page
    assert "ยังไม่ตอบรับ: 298" in page  # the counts are of everyone, not of the page
