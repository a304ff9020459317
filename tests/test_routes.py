"""Route x role wall: every URL rule, requested as every kind of person, answers as declared.

A new route without a declared expectation fails here: declare who may use it before it ships.
"""

import pytest
import sqlalchemy as sa

from portal.alerts import services as alert_services
from portal.applications.services import (
    confirm_application,
    status_token,
    submit_application,
)
from portal.auth.models import User
from portal.auth.services import find_user_by_email
from portal.events import audiences, rsvp, services
from portal.events.models import Invitation, Reply
from portal.extensions import db
from portal.mail.services import queue_mail
from portal.organisations.invitations import invite
from portal.organisations.models import Organisation
from tests.support.agreements import signed_agreement
from tests.support.events import published_event
from tests.support.factories import log_in, make_user
from tests.support.network import build_network
from tests.support.shares import shares_world

ROLES = ["anonymous", "member", "other_org_admin", "org_admin", "coordinator"]
LOGIN = 302  # Flask-Login sends visitors to the login page


def each(anonymous, member, other_org_admin, org_admin, coordinator, data=None):
    expected = dict(zip(ROLES, [anonymous, member, other_org_admin, org_admin, coordinator]))
    return {**expected, "data": data} if data else expected


EVERYONE = each(200, 200, 200, 200, 200)
MEMBERS = each(LOGIN, 200, 200, 200, 200)
COORDINATORS = each(LOGIN, 403, 403, 403, 200)
COORDINATOR_ACTION = each(LOGIN, 403, 403, 403, 303)
HIDDEN_MAILBOX = each(404, 404, 404, 404, 200)
BAD_LINK = each(400, 400, 400, 400, 400, data={"password": "x"})
WRONG_PASSWORD = {"current": "not my password", "password": "a new long password", "confirm": "a new long password",
                  "email": "new-address@member.example"}

# (endpoint, method): expected status per role, plus the form data sent with a POST (CSRF is off here).
EXPECTED = {
    ("main.home", "GET"): EVERYONE,
    ("main.health", "GET"): EVERYONE,
    ("main.liveness", "GET"): EVERYONE,
    ("main.network", "GET"): MEMBERS,
    ("main.set_language", "POST"): each(303, 303, 303, 303, 303, data={"language": "en", "next": "/"}),
    ("static", "GET"): EVERYONE,
    ("auth.login", "GET"): each(200, 303, 303, 303, 303),
    ("auth.login", "POST"): each(422, 303, 303, 303, 303, data={"email": "nobody@member.example", "password": "wrong"}),
    ("auth.logout", "POST"): each(LOGIN, 303, 303, 303, 303),
    ("auth.reauthenticate", "GET"): MEMBERS,
    ("auth.reauthenticate", "POST"): each(LOGIN, 422, 422, 422, 422, data={"password": "wrong"}),
    ("auth.request_reset", "GET"): EVERYONE,
    ("auth.request_reset", "POST"): each(200, 200, 200, 200, 200, data={"email": "nobody@member.example"}),
    ("auth.reset_password", "GET"): BAD_LINK,
    ("auth.reset_password", "POST"): BAD_LINK,
    ("invitations.accept", "GET"): BAD_LINK,
    ("invitations.accept", "POST"): BAD_LINK,
    ("auth.confirm_email", "GET"): BAD_LINK,
    ("auth.confirm_email", "POST"): BAD_LINK,
    ("auth.account", "GET"): MEMBERS,
    ("auth.update_profile", "POST"): each(LOGIN, 303, 303, 303, 303, data={"name": "ชื่อใหม่", "language": "th"}),
    ("auth.change_password", "POST"): each(LOGIN, 422, 422, 422, 422, data=WRONG_PASSWORD),
    ("auth.change_email", "POST"): each(LOGIN, 422, 422, 422, 422, data=WRONG_PASSWORD),
    ("auth.update_notifications", "POST"): each(LOGIN, 303, 303, 303, 303, data={"on": "events"}),
    ("unsubscribe.confirm", "GET"): BAD_LINK,  # a valid link's page and one-click POST: tests/mail/test_preferences.py
    ("unsubscribe.unsubscribe", "POST"): BAD_LINK,
    ("unsubscribe.undo", "POST"): BAD_LINK,
    ("invitations.index", "GET"): each(LOGIN, 403, 200, 200, 200),
    # other_org_admin picks an organisation that is not theirs: refused as an invalid choice.
    ("invitations.send", "POST"): each(LOGIN, 403, 422, 303, 303, data={
        "email": "newcomer@member.example", "organisation": "{home_id}", "role": "member", "language": "th"}),
    ("invitations.resend", "POST"): each(LOGIN, 403, 403, 303, 303),
    ("invitations.revoke", "POST"): each(LOGIN, 403, 403, 303, 303),
    ("applications.apply", "GET"): EVERYONE,
    ("applications.apply", "POST"): each(422, 422, 422, 422, 422, data={"name_th": ""}),
    ("applications.application_sent", "GET"): EVERYONE,
    ("applications.confirm_application", "GET"): BAD_LINK,
    ("applications.confirm_application", "POST"): BAD_LINK,
    ("applications.application_status", "GET"): EVERYONE,  # a valid private link: anyone holding it sees the page
    ("applications.reply_to_application_question", "POST"): each(303, 303, 303, 303, 303, data={"reply": "คำตอบ"}),
    ("applications.withdraw_application", "POST"): each(303, 303, 303, 303, 303),
    ("applications.confirm_withdrawal", "GET"): EVERYONE,  # asks first; the POST above withdraws
    ("applications.resend_confirmation", "POST"): each(303, 303, 303, 303, 303),  # nothing sent from this browser
    ("applications.approval_queue", "GET"): COORDINATORS,
    ("applications.review_application", "GET"): COORDINATORS,
    ("applications.decide_application", "POST"): each(LOGIN, 403, 403, 403, 303, data={"decision": "ask_info",
                                                                                  "note": "ขอเอกสารเพิ่มเติม"}),
    ("organisations.directory", "GET"): each(LOGIN, 200, 200, 200, 200),
    ("organisations.directory_csv", "GET"): COORDINATORS,
    ("organisations.public_list", "GET"): EVERYONE,
    # the home organisation is not listed publicly: visitors are sent to log in, members see it
    ("organisations.profile", "GET"): each(LOGIN, 200, 200, 200, 200),
    ("organisations.edit_section", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("organisations.show_section", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("organisations.save_section", "POST"): each(LOGIN, 403, 403, 303, 303, data={
        "name_th": "องค์กรทดสอบ", "sector": "government", "region": "north", "province": "น่าน"}),
    ("organisations.upload_logo", "POST"): each(LOGIN, 403, 403, 422, 422),
    ("organisations.logo", "GET"): each(404, 404, 404, 404, 404),  # no such file
    ("organisations.update_colleague", "POST"): each(LOGIN, 403, 403, 303, 303, data={"role": "member",
                                                                                      "position": "นักประชาสัมพันธ์"}),
    ("organisations.remove_colleague", "POST"): each(LOGIN, 403, 403, 303, 303),
    ("organisations.colleague", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("organisations.confirm_remove_colleague", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("organisations.remove_logo", "POST"): each(LOGIN, 403, 403, 303, 303),
    ("organisations.suspend", "POST"): each(LOGIN, 403, 403, 403, 303, data={"reason": "ทดสอบ"}),
    ("organisations.reactivate", "POST"): each(LOGIN, 403, 403, 403, 303),
    ("admin.people", "GET"): COORDINATORS,
    ("admin.audit", "GET"): COORDINATORS,
    ("admin.audit_csv", "GET"): COORDINATORS,
    ("admin.deactivate", "POST"): COORDINATOR_ACTION,
    ("admin.reactivate", "POST"): COORDINATOR_ACTION,
    ("admin.make_coordinator", "POST"): COORDINATOR_ACTION,
    ("admin.remove_coordinator", "POST"): COORDINATOR_ACTION,
    ("admin.person", "GET"): COORDINATORS,
    ("admin.confirm_deactivate", "GET"): COORDINATORS,
    ("admin.confirm_make_coordinator", "GET"): COORDINATORS,
    ("admin.undeliverable", "GET"): COORDINATORS,
    ("admin.retry_message", "POST"): COORDINATOR_ACTION,
    ("admin.retry_dead", "POST"): COORDINATOR_ACTION,
    # The agreement walked: home's cooperation agreement with "listed", version 1 signed by both (its certificate
    # issued). home's admin drafted it and signs for home; "other" is no party: its admin is told it does not exist.
    ("agreements.index", "GET"): MEMBERS,
    ("agreements.start", "POST"): each(LOGIN, 403, 403, 303, 303, data={"kind": "cooperation",
                                                                       "organisation": "{home_id}"}),
    ("agreements.draft", "GET"): each(LOGIN, 403, 404, 303, 303),  # published, no draft open: to its page
    ("agreements.draft", "POST"): each(LOGIN, 403, 404, 303, 303),
    ("agreements.publish", "GET"): each(LOGIN, 403, 404, 303, 303),
    ("agreements.publish", "POST"): each(LOGIN, 403, 404, 303, 303),
    ("agreements.amend", "POST"): each(LOGIN, 403, 404, 303, 303),
    ("agreements.show", "GET"): each(LOGIN, 200, 404, 200, 200),
    ("agreements.version", "GET"): each(LOGIN, 200, 404, 200, 200),
    ("agreements.sign", "GET"): each(LOGIN, 403, 404, 200, 403),  # home's admin is its signatory
    ("agreements.sign", "POST"): each(LOGIN, 403, 404, 422, 403, data={"password": "wrong"}),
    ("agreements.decline", "POST"): each(LOGIN, 403, 404, 422, 403, data={"password": "wrong"}),
    ("agreements.certificate", "GET"): each(LOGIN, 200, 404, 200, 200),
    ("agreements.certificate_pdf", "GET"): each(LOGIN, 200, 404, 200, 200),
    ("agreements.record_csv", "GET"): each(LOGIN, 200, 404, 200, 200),
    ("agreements.text_pdf", "GET"): each(LOGIN, 200, 404, 200, 200),
    ("verify.verify", "GET"): EVERYONE,
    ("verify.verify", "POST"): each(200, 200, 200, 200, 200, data={"number": "AGR-2569-0001-1-ABCDEF"}),
    # The event walked: home's published event (members may see it). The walk runs in the order the routes were
    # registered: home's admin and the coordinator cancel it (POST cancel) before the routes after it.
    ("events.index", "GET"): MEMBERS,
    ("events.new", "GET"): each(LOGIN, 403, 200, 200, 200),
    ("events.new", "POST"): each(LOGIN, 403, 422, 422, 422, data={"title_th": ""}),
    ("events.edit", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("events.edit", "POST"): each(LOGIN, 403, 403, 422, 422, data={"title_th": ""}),
    ("events.publish", "POST"): each(LOGIN, 403, 403, 303, 303),  # published already: told so
    ("events.cancel", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("events.cancel", "POST"): each(LOGIN, 403, 403, 303, 303),
    ("events.show", "GET"): each(LOGIN, 200, 200, 200, 200),
    ("events.answer", "POST"): each(LOGIN, 303, 303, 303, 303, data={"reply": "yes"}),
    ("events.leave_waiting_list", "POST"): each(LOGIN, 303, 303, 400, 400),  # coming, not waiting: told so
    ("events.invite", "POST"): each(LOGIN, 403, 403, 422, 422, data={"guests": "not an address"}),
    ("events.message", "POST"): each(LOGIN, 403, 403, 422, 422, data={"text": ""}),
    ("events.attendees_csv", "GET"): each(LOGIN, 403, 403, 200, 200),
    # Check-in (hosts and coordinators), on the walked event's invitee; the QR record with a bogus token.
    ("checkin.page", "GET"): each(LOGIN, 403, 403, 200, 200),
    ("checkin.check_in", "POST"): each(LOGIN, 403, 403, 303, 303),
    ("checkin.undo", "POST"): each(LOGIN, 403, 403, 303, 303),
    # home's admin and the coordinator cancelled the event earlier in the walk: no walk-in then, said so (422).
    ("checkin.walk_in", "POST"): each(LOGIN, 403, 403, 422, 422, data={"name": "ผู้มาหน้างาน"}),
    ("checkin.record", "GET"): each(LOGIN, 400, 400, 400, 400),
    # Calendar feeds: a made-up key is no feed; the public feed is everyone's; the account page members'.
    ("calendar_feeds.personal", "GET"): each(404, 404, 404, 404, 404),
    ("calendar_feeds.public", "GET"): EVERYONE,
    ("calendar_feeds.page", "GET"): MEMBERS,
    ("calendar_feeds.change", "POST"): each(LOGIN, 303, 303, 303, 303, data={"action": "start"}),
    ("events.invite_audience", "POST"): each(LOGIN, 403, 403, 303, 303),  # cancelled by then: told so
    ("events.approvals", "GET"): COORDINATORS,
    ("events.decide", "POST"): each(LOGIN, 403, 403, 403, 303, data={"decision": "approve"}),
    # The attendance certificate: one's own, after the event, once checked in. member and other's admin answered
    # "yes" earlier in the walk (invitees, not checked in: 403); home's admin and the coordinator cancelled first.
    ("attendance.certificate", "GET"): each(LOGIN, 403, 403, 404, 404),
    ("events.answer_link", "GET"): BAD_LINK,
    ("events.answer_link", "POST"): BAD_LINK,
    # The share request walked: home's, asking other and listed, with an image. Only home's admins post (members
    # are not allowed until an admin says so; coordinators post for no organisation); other's admin answers and
    # reports; home's people follow the tally; the coordinator hides it last.
    ("shares.index", "GET"): MEMBERS,
    ("shares.new", "GET"): each(LOGIN, 403, 200, 200, 403),
    ("shares.create", "POST"): each(LOGIN, 403, 422, 422, 403, data={
        "organisation": "{home_id}", "headline_th": "", "message_th": "", "headline_en": "", "message_en": "",
        "links": "", "channels": "", "chosen": "", "relevant_until": "", "files": ""}),
    ("shares.show", "GET"): each(LOGIN, 200, 200, 200, 200),
    ("shares.answer", "POST"): each(LOGIN, 403, 303, 403, 403, data={"reply": "will_share", "note": ""}),
    ("shares.report_link", "POST"): each(LOGIN, 403, 303, 403, 403, data={
        "channel": "facebook", "url": "https://facebook.com/other/posts/1"}),
    ("shares.attachment", "GET"): each(LOGIN, 200, 200, 200, 200),
    ("shares.report_csv", "GET"): each(LOGIN, 200, 403, 200, 200),
    ("shares.report_pdf", "GET"): each(LOGIN, 200, 403, 200, 200),
    ("shares.remove_report", "POST"): each(LOGIN, 403, 303, 403, 403),  # other's own report: other's people only
    ("shares.hide", "POST"): each(LOGIN, 403, 403, 403, 303, data={"reason": "ขัดต่อกติกาเครือข่าย"}),
    ("shares.unhide", "POST"): each(LOGIN, 403, 403, 403, 303),  # hidden just before: shown again
    ("shares.settings", "POST"): each(LOGIN, 403, 400, 303, 403, data={"organisation": "{home_id}",
                                                                       "members_may_post": "y"}),
    # The alert walked: the coordinator's to the whole network (member and both admins are its recipients).
    ("alerts.index", "GET"): MEMBERS,
    ("alerts.new", "GET"): each(LOGIN, 403, 200, 200, 200),
    ("alerts.new", "POST"): each(LOGIN, 403, 422, 422, 422, data={"title_th": ""}),
    ("alerts.show", "GET"): each(LOGIN, 200, 200, 200, 200),
    ("alerts.acknowledge", "POST"): each(LOGIN, 303, 303, 303, 400),  # the coordinator was not a recipient
    ("alerts.acknowledge_link", "GET"): BAD_LINK,
    ("alerts.acknowledge_link", "POST"): BAD_LINK,
    # Personal data: the notice is public; one's own data and account only; a former colleague's account erased by an
    # admin of their organisation (the walk's target, in home), never by a coordinator, with the admin's password.
    ("privacy.notice", "GET"): EVERYONE,
    ("privacy.accept", "POST"): each(LOGIN, 303, 303, 303, 303),
    ("privacy.my_data", "GET"): MEMBERS,
    ("privacy.leave", "GET"): MEMBERS,
    ("privacy.delete_account", "POST"): each(LOGIN, 422, 422, 422, 422, data={"password": "wrong"}),
    ("privacy.erase_colleague", "GET"): each(LOGIN, 403, 403, 200, 403),
    ("privacy.erase_colleague", "POST"): each(LOGIN, 403, 403, 422, 403, data={"password": "wrong"}),
    ("mailbox.index", "GET"): HIDDEN_MAILBOX,
    ("mailbox.show", "GET"): HIDDEN_MAILBOX,
    ("mailbox.html", "GET"): HIDDEN_MAILBOX,
    ("mailbox.attachment", "GET"): HIDDEN_MAILBOX,
}


@pytest.fixture
def world(make_app):
    """The small network in an app with CSRF off (this wall tests authorisation), and sample objects of each kind."""
    app = make_app(WTF_CSRF_ENABLED=False)
    network = build_network(app)
    with app.app_context():
        people = {role: find_user_by_email(network[key]) for role, key in (
            ("member", "member"), ("org_admin", "org_admin"), ("other_org_admin", "other_admin"),
            ("coordinator", "coordinator"))}
        home = db.session.get(Organisation, network["home_id"])
        target = make_user(organisation=home)
        target_membership = target.memberships[0]
        leaving = make_user(organisation=home)  # for privacy's erasure: the walk removes the target before it
        # Two applications: the walk withdraws one through its status link and decides on the other.
        applied, to_decide = [submit_application(
            "th", name_th=f"สมาคมทดสอบ {n}", sector="ngo", region="north", province="เชียงใหม่",
            applicant_name="ผู้สมัคร", applicant_position="ประธาน", applicant_email=f"applicant{n}@ngo.example",
            motivation="อยากร่วมงาน", description="สมาคม") for n in (1, 2)]
        confirm_application(applied)
        confirm_application(to_decide)
        invitation = invite("invited@member.example", home, "member", by=people["org_admin"])
        agreement_id, number = signed_agreement(network)
        event = published_event(network)
        services.invite(event, by=people["org_admin"], guests=[("guest@news.example", "แขก")])
        invitee = db.session.scalar(sa.select(Invitation).where(Invitation.email == "guest@news.example"))
        rsvp.answer(invitee, Reply.YES)
        audience = audiences.invite_audience(event, by=people["org_admin"], regions=["north"])
        alert = alert_services.send(people["coordinator"], {"title_th": "ด่วน", "message_th": "ข้อความ"})
        message = queue_mail("x@member.example", "main/announcement", "s", kind="announcements", name="n",
                             message="m", attachments=[("a.txt", "text/plain", b"a")])
        db.session.commit()
        values = {"message_id": message.id, "attachment_id": message.attachments[0].id, "filename": "css/app.css",
                  "token": "not-a-real-token", "invitation_id": invitation.id, "user_id": target.id,
                  "home_id": home.id, "application_id": to_decide.id, "slug": home.slug, "section": "about",
                  "membership_id": target_membership.id, "name": "0" * 32 + ".png",
                  "agreement_id": agreement_id, "number": number, "event_id": event.id,
                  "attendee_id": invitee.id, "key": "x" * 43,
                  "request_id": audience.id, "alert_id": alert.id, "colleague_id": leaving.memberships[0].id}
        values["token"] = {"application_status": status_token(applied)}
        values.update(shares_world(network))  # home's share request (asks other and listed) and its image
        user_ids = {role: user.id for role, user in people.items()}
    return app, user_ids, values


def token_for(rule, tokens):
    """A valid token where the route's expectation needs one (the private status link), else a bogus one."""
    if rule.endpoint in ("applications.application_status", "applications.reply_to_application_question",
                         "applications.withdraw_application", "applications.confirm_withdrawal"):
        return tokens["application_status"]
    return "not-a-real-token"


def rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_a_declared_expectation(world):
    app, _, _ = world
    undeclared = sorted(f"{method} {rule.endpoint} ({rule.rule})" for rule, method in rules(app)
                        if (rule.endpoint, method) not in EXPECTED)
    assert not undeclared, f"declare these routes in tests/test_routes.py EXPECTED: {undeclared}"
    stale = set(EXPECTED) - {(rule.endpoint, method) for rule, method in rules(app)}
    assert not stale, f"declared but gone: {stale}"


def test_no_mutating_route_acts_on_get(world):
    app, _, _ = world
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and "POST" in rule.methods:
            # A GET here must only show a page (a form or a confirmation): asserted per route in the domain tests.
            assert rule.endpoint in {"auth.login", "auth.reauthenticate", "auth.request_reset", "auth.reset_password",
                                     "invitations.accept", "auth.confirm_email", "applications.apply",
                                     "applications.confirm_application", "agreements.draft", "agreements.publish",
                                     "agreements.sign", "verify.verify", "events.new", "events.edit",
                                     "events.cancel", "events.answer_link", "alerts.new",
                                     "alerts.acknowledge_link", "privacy.erase_colleague"}, rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_declared(world, role):
    app, user_ids, values = world
    wrong = []
    for rule, method in rules(app):
        expected = EXPECTED[(rule.endpoint, method)]
        client = app.test_client()
        if role != "anonymous":
            with app.app_context():  # read afresh: a logout earlier in the walk changed the session token
                log_in(client, db.session.get(User, user_ids[role]).get_id())
        url = rule.build({k: token_for(rule, v) if k == "token" else v for k, v in values.items()
                          if k in rule.arguments})[1]
        data = {k: str(v).format(**values) for k, v in (expected.get("data") or {}).items()}
        response = client.open(url, method=method, data=data)
        if response.status_code != expected[role]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
    assert not wrong, f"as {role}: {wrong}"


def test_huge_numbers_in_urls_are_not_found_and_huge_pages_are_answered(world):
    """An id or page number no database can hold (OverflowError in the driver) is a 404 or a page, never a 500."""
    app, user_ids, values = world
    huge = 10**20
    client = app.test_client()
    with app.app_context():
        log_in(client, db.session.get(User, user_ids["coordinator"]).get_id())
    answers = {}
    for rule, method in rules(app):
        numbers = {name for name, converter in rule._converters.items() if converter.regex == r"\d+"}
        if numbers:
            url = rule.build({k: huge if k in numbers else token_for(rule, v) if k == "token" else v
                              for k, v in values.items() if k in rule.arguments})[1]
            answers[f"{method} {url}"] = client.open(url, method=method).status_code
    for path in ["/admin/people", "/admin/audit", "/admin/applications", "/admin/outbox", "/dev/mailbox/",
                 "/directory", "/organisations"]:
        answers[f"GET {path}?page={huge}"] = client.get(f"{path}?page={huge}").status_code
    assert len(answers) > 15
    assert {url: status for url, status in answers.items()
            if status != (200 if "page=" in url else 404)} == {}


ODD_VALUES = ["", "ก" * 5000 + "<script>alert(1)</script>", "\x00", "-1", "1" * 30, "[]", "\u202eevil", "%"]
FIELD_NAMES = sorted({name for expected in EXPECTED.values() for name in expected.get("data", {})}
                     | {"name_en", "description", "website", "public_email", "phone", "tags", "channels-0-kind",
                        "channels-0-url", "about", "contact", "expertise", "people", "listed_publicly", "confirm",
                        "current", "next", "is_signatory", "applicant_email", "consent", "q", "page", "region",
                        "title_th", "title_en", "body_th", "body_en", "signing_deadline", "valid_from",
                        "valid_until", "sequential", "partners", "typed_name", "typed_position", "text_sha256",
                        "reason", "pdf", "number", "host", "description_th", "description_en", "starts_at",
                        "ends_at", "rsvp_deadline", "place", "map_url", "online_url", "capacity", "visibility",
                        "reply", "organisations", "guests", "groups", "text", "action", "regions", "sectors",
                        "decision", "note", "sender", "chosen", "remind", "message_th", "message_en",
                        "confirmed"})


@pytest.mark.parametrize("role", ["anonymous", "org_admin", "coordinator"])
def test_odd_input_to_any_route_is_answered_never_fatal(world, role):
    """Every route, sent empty forms, huge, NUL, negative, overlong-number and wildcard values in every field it might
    read (and in its query string), answers with a page or a 4xx: no exception escapes (the testing app would raise
    it here), no 500."""
    app, user_ids, values = world
    fatal = []
    for rule, method in rules(app):
        if rule.endpoint in ("auth.logout", "static"):
            continue  # logging out ends the walk's session; static files read no input
        url = rule.build({k: token_for(rule, v) if k == "token" else v for k, v in values.items()
                          if k in rule.arguments})[1]
        for odd in ODD_VALUES:
            client = app.test_client()
            if role != "anonymous":
                with app.app_context():
                    log_in(client, db.session.get(User, user_ids[role]).get_id())
            fields = {name: odd for name in FIELD_NAMES}
            # The long value goes as multipart, as a form with a file would send it: the same fields reach the
            # views without urllib percent-decoding 90 copies of it (over half of this wall's time when urlencoded).
            multipart = method == "POST" and len(odd) > 1000
            response = client.open(url, method=method, query_string={"q": odd, "page": odd, "region": odd},
                                   data=fields if method == "POST" else None,
                                   content_type="multipart/form-data" if multipart else None)
            if response.status_code >= 500:
                fatal.append(f"{method} {url} with {odd[:12]!r}: {response.status_code}")
            if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
                break  # sent to log in before any input was read: the other values would meet the same door
    assert not fatal, fatal
