"""The home base after login: each person sees what waits for them (from every domain), what is coming and what
happened lately, in a constant number of queries whatever the counts; visitors keep the public page."""

import re

from portal.alerts import services as alerts
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.organisations import invitations
from portal.organisations.models import Organisation
from tests.support.agreements import cooperation
from tests.support.applications import make_application
from tests.support.events import invite_members, published_event
from tests.support.shares import posted_request
from tests.support.web import client_as, csrf, statements_of


def waiting(page):
    """The waiting items of a dashboard page: {kind: count}."""
    return {kind: int(count) for kind, count in re.findall(
        r'<li class="waiting-([\w-]+)"><a href="[^"]*"><strong class="count">(\d+)</strong>', page)}



def fill(app, network, n, start=0):
    """n of each kind of waiting work: applications, event invitations, share requests, alerts, invitations."""
    with app.app_context():
        coordinator = find_user_by_email(network["coordinator"])
        home = db.session.get(Organisation, network["home_id"])
        admin = find_user_by_email(network["org_admin"])
        member = find_user_by_email(network["member"])
        for k in range(start, start + n):
            make_application(name_th=f"สมาคมทดสอบ {k}", applicant_email=f"applicant{k}@ngo{k}.example")
            event = published_event(network, title_th=f"สัมมนา {k}")
            from portal.events import services as events

            events.invite(event, by=admin, user_ids=[member.id])
            alerts.send(coordinator, {"title_th": f"ด่วน {k}", "message_th": "ข้อความ"})
            invitations.invite(f"colleague{k}@home.example", home, "member", by=admin)
            posted_request(network, chosen=[network["other_id"]], headline_th=f"ข่าว {k}")
        db.session.commit()


def test_visitors_keep_the_public_page_and_a_member_lands_on_their_dashboard(app, network):
    public = app.test_client().get("/").get_data(as_text=True)
    assert "รอการดำเนินการของคุณ" not in public
    page = client_as(app, network["member"]).get("/").get_data(as_text=True)
    assert "รอการดำเนินการของคุณ" in page and "ตอนนี้ไม่มีสิ่งใดรอคุณ" in page


def test_each_role_sees_its_own_waiting_work_from_every_domain(app, network):
    fill(app, network, 2)
    cooperation(network)  # home's and other's admins are signatories: each has an agreement to sign
    member = waiting(client_as(app, network["member"]).get("/").get_data(as_text=True))
    assert member == {"events-to_answer": 2, "alerts-open": 2}
    admin = waiting(client_as(app, network["org_admin"]).get("/").get_data(as_text=True))
    assert admin == {"agreements-to_sign": 1, "alerts-open": 2, "organisations-invitations": 2}
    other = waiting(client_as(app, network["other_admin"]).get("/").get_data(as_text=True))
    assert other["shares-owed"] == 2 and other["agreements-to_sign"] == 1
    coordinator_page = client_as(app, network["coordinator"]).get("/").get_data(as_text=True)
    coordinator = waiting(coordinator_page)
    assert coordinator["applications-pending"] == 2 and "ตั้งแต่" in coordinator_page  # the oldest's waiting time
    assert "alerts-open" not in coordinator  # the coordinator sent them; nothing waits


def test_the_dashboard_runs_the_same_queries_for_one_and_for_many_waiting_items(app, network):
    fill(app, network, 1)
    coordinator, admin = client_as(app, network["coordinator"]), client_as(app, network["org_admin"])
    few = statements_of(coordinator, "/"), statements_of(admin, "/")
    fill(app, network, 12, start=1)
    many = statements_of(coordinator, "/"), statements_of(admin, "/")
    assert few == many, (few, many)


def test_coming_events_and_deadlines_and_news_of_the_network(app, network):
    with app.app_context():
        event = published_event(network, title_th="สัมมนาใหญ่")
        invite_members(event, 1, network["org_admin"], prefix="guest")
        from portal.events import rsvp
        from portal.events import services as events
        from portal.events.models import Reply

        member = find_user_by_email(network["member"])
        invitation = events.join(event, member)
        rsvp.answer(invitation, Reply.YES)
        db.session.commit()
    page = client_as(app, network["member"]).get("/").get_data(as_text=True)
    coming = page.split('id="coming-heading"')[1].split('id="lately-heading"')[0]
    lately = page.split('id="lately-heading"')[1]
    assert "สัมมนาใหญ่" in coming  # said yes: it is coming
    assert "กิจกรรมใหม่: สัมมนาใหญ่" in lately


def test_the_dashboard_speaks_english_to_an_english_member(app, network):
    with app.app_context():
        find_user_by_email(network["member"]).language = "en"
        db.session.commit()
    page = client_as(app, network["member"]).get("/").get_data(as_text=True)
    assert "Waiting for you" in page and "รอการดำเนินการของคุณ" not in page


def badges(page):
    """The navigation's counts of waiting work: {link text: count}."""
    return {text.strip(): int(count) for text, count in re.findall(
        r'>([^<>]+)<span class="badge" aria-hidden="true">(\d+)</span>', page)}


def test_the_navigation_counts_what_waits_and_counts_again_after_the_person_acts(app, network):
    fill(app, network, 2)
    member = client_as(app, network["member"])
    member.post("/language", data={"language": "th", "csrf_token": csrf(member, "/directory")})  # a change: count again
    first, second = statements_of(member, "/directory", warm=False), statements_of(member, "/directory", warm=False)
    page = member.get("/directory").get_data(as_text=True)
    assert badges(page) == {"กิจกรรม": 2, "แจ้งเตือนด่วน": 2, "เมนู": 4}
    assert "(รอดำเนินการ 2 รายการ)" in page  # what screen readers hear beside the link
    # Counted with the dashboard, then kept for a minute: the next pages ask nothing of the domains.
    assert second == statements_of(member, "/directory") and second <= first - 5, (first, second)
    with app.app_context():
        from portal.events.models import Invitation

        member_id = find_user_by_email(network["member"]).id
        event_id = db.session.scalars(db.select(Invitation.event_id).where(Invitation.user_id == member_id)).first()
    answered = member.post(f"/events/{event_id}/answer",
                           data={"reply": "yes", "csrf_token": csrf(member, f"/events/{event_id}")})
    assert answered.status_code in (200, 303), answered.status_code
    assert badges(member.get("/directory").get_data(as_text=True))["กิจกรรม"] == 1


def test_a_coordinators_tools_carry_the_sum_of_what_waits_in_them(app, network):
    fill(app, network, 3)
    page = client_as(app, network["coordinator"]).get("/directory").get_data(as_text=True)
    counts = badges(page)
    assert counts["รายการรออนุมัติ"] == 3 and counts["เครื่องมือ"] >= 3
    visitor = app.test_client().get("/").get_data(as_text=True)
    assert 'class="badge"' not in visitor
