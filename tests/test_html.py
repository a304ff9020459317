"""Valid HTML: the pages every kind of person sees pass the W3C Nu HTML checker, and no page repeats an id.

The crawl GETs every route that takes no argument or one of the sample objects' (an organisation, an agreement, an
event, a share request, an alert, an application's status link...), as a visitor, a member, an organisation's admin
and a coordinator; then the pages the world's mailed links open, a few forms sent back with their errors, and the
busiest pages in English. It keeps the HTML pages and checks them all in one run of vnu (`make vnu` fetches it; the
test is skipped without it or without Java). htmx's hx-* attributes are the only errors allowed.
"""

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.exceptions import HTTPException

from portal.alerts import services as alert_services
from portal.applications.services import confirm_application, status_token, submit_application
from portal.auth.services import find_user_by_email, request_password_reset
from portal.events import rsvp, services
from portal.events.models import Invitation, Reply
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.organisations.invitations import invite
from portal.organisations.models import Organisation
from tests.support.agreements import signed_agreement
from tests.support.events import published_event
from tests.support.factories import log_in
from tests.support.network import build_network
from tests.support.shares import shares_world
from tests.support.web import post

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VNU_JAR = os.path.join(ROOT, ".cache", "vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
ROLES = {"anonymous": None, "member": "member", "org_admin": "org_admin", "coordinator": "coordinator"}
# htmx's attributes are not HTML's: vnu's errors about them are the only ones allowed.
HTMX_ERRORS = r'.*[Aa]ttribute \u201chx-[a-z:-]+\u201d not allowed.*'
# Not pages of the portal: the development mailbox's raw mail bodies (email HTML) and logging out.
SKIPPED = {"mailbox.html", "mailbox.attachment", "auth.logout", "static"}
# Pages seen in English too (as an organisation's admin): the ones with the most forms and words.
ENGLISH = ["main.home", "auth.account", "events.show", "agreements.sign", "organisations.profile", "shares.show"]

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def sample_objects(network):
    """One object of each kind with a page of its own, and the values that fill the routes' arguments."""
    coordinator = find_user_by_email(network["coordinator"])
    org_admin = find_user_by_email(network["org_admin"])
    home = db.session.get(Organisation, network["home_id"])
    application = submit_application(
        "th", name_th="สมาคมทดสอบ", sector="ngo", region="north", province="เชียงใหม่", applicant_name="ผู้สมัคร",
        applicant_position="ประธาน", applicant_email="applicant@ngo.example", motivation="อยากร่วมงาน",
        description="สมาคม")
    confirm_application(application)
    agreement_id, number = signed_agreement(network)
    event = published_event(network)
    services.invite(event, by=org_admin, guests=[("guest@news.example", "แขก")])
    rsvp.answer(db.session.scalar(sa.select(Invitation).where(Invitation.email == "guest@news.example")), Reply.YES)
    alert = alert_services.send(coordinator, {"title_th": "ด่วน", "message_th": "ข้อความ"})
    invite("invited@member.example", home, "member", by=org_admin)
    request_password_reset(network["member"])
    db.session.commit()
    values = {"slug": home.slug, "section": "about", "home_id": home.id, "application_id": application.id,
              "token": status_token(application), "agreement_id": agreement_id, "number": number,
              "event_id": event.id, "alert_id": alert.id, "user_id": org_admin.id}
    values.update(shares_world(network))
    return values


def crawl(app, network, values, folder):
    """GET every page that can be built from `values` as each role, a few pages in English, and a few forms sent back
    with their errors; write the HTML ones to `folder`. A visitor's pages are checked as a visitor only (logged in,
    they differ by the navigation alone)."""
    pages = {}

    def keep(name, url, response):
        if response.mimetype == "text/html" and response.status_code in (200, 422):
            pages[name] = (url, response.get_data(as_text=True))
            (folder / name).write_text(pages[name][1], encoding="utf-8")

    with app.test_request_context():
        sent_back = {role: [(endpoint, url_for(endpoint, **args), data) for endpoint, args, data in forms]
                     for role, forms in sent_with_errors(values).items()}
    public = set()
    for role, key in ROLES.items():
        client = app.test_client()
        if key:
            with app.app_context():
                log_in(client, find_user_by_email(network[key]).get_id())
        for rule in app.url_map.iter_rules():
            if ("GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint in public
                    or not rule.arguments <= values.keys()):
                continue
            if rule.endpoint != "applications.application_status" and "token" in rule.arguments:
                continue  # a mailed link with a bogus token: the "invalid link" page, already seen
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            response = client.get(url)
            keep(f"{role}-{rule.endpoint}.html", url, response)
            if role == "anonymous" and response.status_code == 200 and rule.endpoint != "main.home":
                public.add(rule.endpoint)
        if role == "anonymous":
            for endpoint, url in mailed_links(app):
                keep(f"{role}-{endpoint}-mailed.html", url, client.get(url))
        for endpoint, url, data in sent_back.get(role, []):
            keep(f"{role}-{endpoint}-errors.html", url, post(client, url, data, page="/"))
        if role == "org_admin":
            post(client, "/language", {"language": "en", "next": "/"})
            for endpoint in ENGLISH:
                rule = next(r for r in app.url_map.iter_rules(endpoint) if "GET" in r.methods)
                url = rule.build({k: values[k] for k in rule.arguments})[1]
                keep(f"{role}-{endpoint}-en.html", url, client.get(url))
    return pages


def mailed_links(app):
    """One link of each kind that the world's mail holds (an invitation to accept, an RSVP, a reset...): the pages
    they open on GET, (endpoint, path) each."""
    links = {}
    adapter = app.url_map.bind(app.config["SERVER_NAME"])
    with app.app_context():
        for body in db.session.scalars(sa.select(OutboxMessage.body_text + " " + sa.func.coalesce(
                OutboxMessage.unsubscribe_url, ""))):
            for url in re.findall(r"https?://" + re.escape(app.config["SERVER_NAME"]) + r"(/[^\s<>()\"]*)", body):
                path = url.split("?")[0]
                try:
                    endpoint, arguments = adapter.match(path, method="GET")
                except HTTPException:
                    continue
                if "token" in arguments:
                    links.setdefault(endpoint, url)
    return sorted(links.items())


def sent_with_errors(values):
    """Forms sent back with their errors (and typed markup a message may quote), by role: (endpoint, args, data)."""
    version = {"agreement_id": values["agreement_id"], "number": values["number"]}
    return {
        "anonymous": [("auth.login", {}, {"email": "nobody@member.example", "password": "wrong"}),
                      ("applications.apply", {}, {"name_th": "", "applicant_email": "<b>not an address</b>"})],
        "member": [("auth.change_password", {}, {"current": "wrong", "password": "x", "confirm": "y"}),
                   ("auth.change_email", {}, {"current": "wrong", "email": "<b>"})],
        "org_admin": [("events.invite", {"event_id": values["event_id"]}, {"guests": "<b>not an address</b>"}),
                      ("agreements.decline", version, {"password": "wrong"})],
    }


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def repeated_ids(page):
    """The ids that a page gives to more than one element."""
    parser = _Ids()
    parser.feed(page)
    return sorted({i for i in parser.ids if parser.ids.count(i) > 1})


def test_every_page_is_valid_html(make_app, tmp_path):
    """Each role's pages repeat no id (labels and aria-describedby point at one element) and pass the Nu checker."""
    app = make_app()
    network = build_network(app)
    with app.app_context():
        values = sample_objects(network)
    pages = crawl(app, network, values, tmp_path)
    # the main pages of each role are there: the crawl reached them, and did not silently shrink
    for name in ("anonymous-main.home", "member-auth.account", "member-organisations.profile",
                 "org_admin-agreements.show", "org_admin-agreements.sign", "member-events.show", "member-shares.show",
                 "member-alerts.show", "anonymous-applications.application_status", "coordinator-admin.audit",
                 "coordinator-admin.people", "coordinator-applications.review_application",
                 "member-auth.change_password-errors", "org_admin-events.invite-errors", "org_admin-auth.account-en"):
        assert name + ".html" in pages, name

    repeated = {f"{name} ({url})": ids for name, (url, page) in pages.items() if (ids := repeated_ids(page))}
    assert not repeated, f"ids used twice on a page: {repeated}"

    java = shutil.which("java")
    if not java or not os.path.exists(VNU_JAR):
        pytest.skip("the Nu HTML checker needs Java and vnu.jar (`make vnu` fetches it with npm)")
    result = subprocess.run(
        [java, "-Xss8m", "-jar", VNU_JAR, "--errors-only", "--format", "json", "--filterpattern", HTMX_ERRORS,
         *sorted(str(tmp_path / name) for name in pages)], capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    except ValueError:
        pytest.fail(f"vnu did not answer in JSON (exit {result.returncode}): {result.stderr[:2000]}")
    errors = [f"{os.path.basename(m.get('url', '?'))}:{m.get('lastLine', '?')}: {m['message']}"
              f" [{' '.join(m.get('extract', '').split())}]" for m in messages]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
