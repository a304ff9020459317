"""Answers and seats: yes, maybe, no; the waiting list and its promotions; links from mail that only a POST acts on;
changes and cancellations that reach everyone with a calendar entry."""

import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa
import time_machine

from portal.db import utcnow
from portal.events import rsvp, services
from portal.events.models import Event, Invitation, Reply, Status
from portal.extensions import db
from portal.i18n import in_language
from portal.mail.models import OutboxMessage
from tests.support.events import invite_members, published_event
from tests.support.mail import last_mail, mail_subjects
from tests.support.race import race
from tests.support.web import client_as


def statuses(event_id):
    return db.session.scalars(sa.select(Invitation.status).where(Invitation.event_id == event_id)
                              .order_by(Invitation.id)).all()


def invitation(event_id, email):
    return db.session.scalar(sa.select(Invitation).where(Invitation.event_id == event_id, Invitation.email == email))


def test_yes_beyond_the_capacity_waits_and_a_freed_seat_goes_to_the_first_waiting(app, network):
    with app.app_context():
        event = published_event(network, capacity=2)
        ids = invite_members(event, 4, network["org_admin"])
        people = db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id)
                                    .order_by(Invitation.id)).all()
        for person in people:
            assert rsvp.answer(person, Reply.YES) in (Status.CONFIRMED, Status.WAITING)
            db.session.commit()
        assert statuses(event.id) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING, Status.WAITING]
        assert [rsvp.waiting_place(p) for p in people] == [None, None, 1, 2]
        assert "number 2" in last_mail(people[3].email).body_text or "ลำดับที่ 2" in last_mail(people[3].email).body_text
        rsvp.answer(people[0], Reply.NO)  # a seat frees up: the first waiting gets it, and is told
        db.session.commit()
        assert statuses(event.id) == [Status.DECLINED, Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
        promoted = last_mail(people[2].email)
        assert promoted.attachments and b"METHOD:PUBLISH" in promoted.attachments[0].data
        assert "reply=no" in promoted.body_text  # one click (and a confirmation) gives the seat back
        assert db.session.get(Event, event.id).confirmed == 2
        rsvp.answer(people[2], Reply.NO)  # the seat given back: the last waiting is promoted...
        rsvp.answer(people[2], Reply.YES)  # ...and this person waits again
        rsvp.answer(people[3], Reply.NO)  # a seat frees up once more: promoted a second time, told again
        db.session.commit()
        second_time = [s for s in mail_subjects(people[2].email) if s.startswith("คุณได้รับสิทธิ์")]
        assert len(second_time) == 2, second_time
        assert statuses(event.id)[2] == Status.CONFIRMED
        people[3].status = Status.WAITING  # back on the list, to leave it
        db.session.commit()
        rsvp.leave_waiting_list(people[3])
        db.session.commit()
        assert statuses(event.id)[3] == Status.DECLINED and len(ids) == 4


def test_fifty_yes_at_once_for_ten_seats_confirm_exactly_ten(app, network):
    """The seat rule is the database's: 50 answers meeting at their first write still confirm ten, never eleven."""
    with app.app_context():
        event = published_event(network, capacity=10)
        invite_members(event, 50, network["org_admin"])
        ids = db.session.scalars(sa.select(Invitation.id).where(Invitation.event_id == event.id)).all()
        event_id = event.id
        db.session.commit()

    def say_yes(invitation_id):
        with app.app_context():
            status = rsvp.answer(db.session.get(Invitation, invitation_id), Reply.YES)
            db.session.commit()
            return status

    results = race(*(lambda i=i: say_yes(i) for i in ids), patience=0.5)
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        assert statuses(event_id).count(Status.CONFIRMED) == 10
        assert statuses(event_id).count(Status.WAITING) == 40
        assert db.session.get(Event, event_id).confirmed == 10


def test_two_seats_freed_at_once_promote_two_people_in_order_nobody_twice(app, network):
    with app.app_context():
        event = published_event(network, capacity=2)
        invite_members(event, 5, network["org_admin"])
        people = db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id)
                                    .order_by(Invitation.id)).all()
        for person in people:
            rsvp.answer(person, Reply.YES)
            db.session.commit()
        first, second = people[0].id, people[1].id
        event_id = event.id

    def say_no(invitation_id):
        with app.app_context():
            rsvp.answer(db.session.get(Invitation, invitation_id), Reply.NO)
            db.session.commit()

    assert not [r for r in race(lambda: say_no(first), lambda: say_no(second)) if isinstance(r, Exception)]
    with app.app_context():
        assert statuses(event_id) == [Status.DECLINED, Status.DECLINED, Status.CONFIRMED, Status.CONFIRMED,
                                      Status.WAITING]
        promoted = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.subject.like("%ได้รับสิทธิ์เข้าร่วม%")))
        assert promoted == 2


def test_the_mailed_links_show_on_get_and_answer_only_on_post(app, network):
    with app.app_context():
        event = published_event(network, capacity=5)
        services.invite(event, by=services_user(network), guests=[("Reporter@News.example", "นักข่าว")])
        event_id = event.id
        db.session.commit()
        mail = last_mail("reporter@news.example")
        assert mail.attachments[0].filename == "event.ics"
        calendar = icalendar.Calendar.from_ical(mail.attachments[0].data)
        [entry] = calendar.walk("VEVENT")
        assert entry.decoded("dtstart").astimezone(event.starts_at.tzinfo) == event.starts_at
        assert "meet.example" not in mail.attachments[0].data.decode()  # the online link is for people coming
        assert "/answer/" not in mail.attachments[0].data.decode()  # secret links never go in a calendar
        yes_link = next(line for line in mail.body_text.split() if "reply=yes" in line)
        path = yes_link.split("portal.test", 1)[1]
    client = app.test_client()
    for _ in range(2):  # a mail scanner following the link twice changes nothing
        page = client.get(path)
        assert page.status_code == 200 and re.search(r'<input checked[^>]* value="yes"', page.get_data(as_text=True))
    with app.app_context():
        assert statuses(event_id) == [Status.INVITED]
    token = client.get(path).get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answered = client.post(path.split("?")[0], data={"csrf_token": token, "reply": "yes"})
    assert answered.status_code == 303
    with app.app_context():
        assert statuses(event_id) == [Status.CONFIRMED]
        confirmation = last_mail("reporter@news.example")
        assert "meet.example/pr-seminar" in confirmation.body_text  # now coming: the online link
    tampered = client.get(path.replace("/answer/", "/answer/x"))
    assert tampered.status_code == 400


def test_after_the_deadline_answers_are_refused_with_the_reason(app, network):
    with app.app_context():
        event = published_event(network)
        invite_members(event, 1, network["org_admin"])
        person = db.session.scalar(sa.select(Invitation).where(Invitation.event_id == event.id))
        db.session.commit()
        deadline = event.rsvp_deadline
        with time_machine.travel(deadline + timedelta(minutes=1)):
            with pytest.raises(rsvp.RsvpError):
                rsvp.answer(person, Reply.YES)
        assert statuses(event.id) == [Status.INVITED]


def test_a_change_of_time_reaches_everyone_not_declined_and_cancelling_reaches_everyone(app, network):
    with app.app_context():
        event = published_event(network)
        invite_members(event, 3, network["org_admin"])
        people = db.session.scalars(sa.select(Invitation).where(Invitation.event_id == event.id)
                                    .order_by(Invitation.id)).all()
        rsvp.answer(people[0], Reply.YES)
        rsvp.answer(people[1], Reply.NO)
        db.session.commit()
        later = event.starts_at + timedelta(hours=1)
        assert services.update(event, {"starts_at": later, "ends_at": later + timedelta(hours=2)},
                               by=services_user(network))
        db.session.commit()
        changed = [p.email for p in people if any(s.startswith("เปลี่ยนแปลง") for s in mail_subjects(p.email))]
        assert changed == [people[0].email, people[2].email]
        entry = icalendar.Calendar.from_ical(last_mail(people[0].email).attachments[0].data).walk("VEVENT")[0]
        assert entry["SEQUENCE"] == 1 and entry.decoded("dtstart") == later
        services.cancel(event, by=services_user(network))
        db.session.commit()
        for person in people:
            cancel = last_mail(person.email)
            assert b"METHOD:CANCEL" in cancel.attachments[0].data


def services_user(network):
    from portal.auth.services import find_user_by_email

    return find_user_by_email(network["org_admin"])


def test_a_member_answers_in_the_portal_and_an_outsider_cannot_see_a_draft(app, network):
    with app.app_context():
        event = published_event(network, capacity=1)
        event_id = event.id
        db.session.commit()
    member = client_as(app, network["member"])
    page = member.get(f"/events/{event_id}")
    assert page.status_code == 200 and "meet.example" not in page.get_data(as_text=True)
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert member.post(f"/events/{event_id}/answer", data={"csrf_token": token, "reply": "yes"}).status_code == 303
    after = member.get(f"/events/{event_id}").get_data(as_text=True)
    assert "meet.example/pr-seminar" in after  # coming: the online link shows
    with app.app_context():
        assert statuses(event_id) == [Status.CONFIRMED] and db.session.get(Event, event_id).confirmed == 1
        draft = services.create({**__import__("tests.support.events", fromlist=["event_values"]).event_values()},
                                by=services_user(network))
        db.session.commit()
        draft_id = draft.id
    assert member.get(f"/events/{draft_id}").status_code == 404
    assert utcnow()


def test_seats_per_organisation_hold_back_a_fourth_yes_and_promotion_passes_over_a_full_organisation(app, network):
    """Three seats, two per organisation: home's third "yes" waits though a seat is free, is told why, is passed
    over while home holds two, and gets the seat once home gives one back; more seats per organisation move the
    list up at once."""
    from portal.auth.services import find_user_by_email
    from portal.organisations.models import Organisation
    from tests.support.factories import make_user

    with app.app_context():
        event = published_event(network, capacity=3, seats_per_organisation=2)
        invite_members(event, 3, network["org_admin"], prefix="home")
        other = db.session.get(Organisation, network["other_id"])
        outsiders = [make_user(f"other{n}@guests.example", other, language="en") for n in range(2)]
        services.invite(event, by=find_user_by_email(network["org_admin"]), user_ids=[p.id for p in outsiders])
        db.session.commit()
        home = [invitation(event.id, f"home{n}@guests.example") for n in range(3)]
        away = [invitation(event.id, f"other{n}@guests.example") for n in range(2)]
        for person in (*home, *away):
            rsvp.answer(person, Reply.YES)
            db.session.commit()
        assert [p.status for p in (*home, *away)] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING,
                                                      Status.CONFIRMED, Status.WAITING]
        told = last_mail(home[2].email).body_text
        assert "ครบตามจำนวนที่รับต่อองค์กร (2 ที่)" in told and "ลำดับที่ 1" in told, told  # why: the organisation's two seats, not a full event
        assert "The event is full: you are number 2" in last_mail(away[1].email).body_text  # their own language
        rsvp.answer(away[0], Reply.NO)  # a seat frees up: home's waiting person is first, but home holds two
        db.session.commit()
        assert [home[2].status, away[1].status] == [Status.WAITING, Status.CONFIRMED]
        rsvp.answer(home[0], Reply.NO)  # home gives one back: now its waiting person comes
        db.session.commit()
        assert home[2].status == Status.CONFIRMED and db.session.get(Event, event.id).confirmed == 3
        rsvp.answer(home[0], Reply.YES)  # waits again (the event is full)
        db.session.commit()
        assert home[0].status == Status.WAITING
        services.update(event, {"capacity": 4, "seats_per_organisation": 3},
                        by=find_user_by_email(network["org_admin"]))
        db.session.commit()
        assert home[0].status == Status.CONFIRMED and db.session.get(Event, event.id).confirmed == 4
        with pytest.raises(services.EventError) as refused:  # fewer seats than people coming: said in plain words
            services.update(event, {"capacity": 1, "seats_per_organisation": 1},
                            by=find_user_by_email(network["org_admin"]))
        db.session.rollback()
        with in_language("en"):
            assert str(refused.value) == "4 people are already coming: the capacity cannot be lower."
        with in_language("th"):
            assert str(refused.value) == "มีผู้ยืนยันเข้าร่วมแล้ว 4 คน จึงกำหนดจำนวนที่รับให้น้อยกว่านี้ไม่ได้"


def test_the_event_form_refuses_more_seats_per_organisation_than_seats(app, network):
    client = client_as(app, network["org_admin"])
    page = client.get("/events/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    with app.app_context():
        home_id = network["home_id"]
    response = client.post("/events/new", data={
        "csrf_token": token, "host": home_id, "title_th": "อบรม", "starts_at": "2030-01-10T09:00",
        "ends_at": "2030-01-10T12:00", "place": "ห้อง 1", "capacity": "5", "seats_per_organisation": "9",
        "visibility": "members"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "ต้องไม่มากกว่าจำนวนที่รับทั้งหมด" in text and 'value="9"' in text
