"""Route x role wall: every URL rule, requested as every kind of person, answers as declared.

A new route without a declared expectation fails here: declare who may use it before it ships.
"""

import pytest

from portal.extensions import db
from portal.mail.services import queue_mail
from portal.members.models import Role
from tests.support.factories import log_in, make_org, make_user

ROLES = ["anonymous", "member", "other_org_admin", "org_admin", "coordinator"]
COORDINATOR_ONLY = {**dict.fromkeys(ROLES, 404), "coordinator": 200}

# (endpoint, method): {role: expected status}, plus optional form data for POST.
EXPECTED = {
    ("main.home", "GET"): dict.fromkeys(ROLES, 200),
    ("main.health", "GET"): dict.fromkeys(ROLES, 200),
    ("main.set_language", "POST"): {**dict.fromkeys(ROLES, 303), "data": {"language": "en", "next": "/"}},
    ("static", "GET"): dict.fromkeys(ROLES, 200),
    ("mailbox.index", "GET"): COORDINATOR_ONLY,
    ("mailbox.show", "GET"): COORDINATOR_ONLY,
    ("mailbox.html", "GET"): COORDINATOR_ONLY,
    ("mailbox.attachment", "GET"): COORDINATOR_ONLY,
}


@pytest.fixture
def world(make_app):
    """An app (CSRF off: this wall tests authorisation) with one person of each role and sample objects."""
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        home, other = make_org(), make_org()
        people = {
            "member": make_user(organisation=home, role=Role.MEMBER),
            "org_admin": make_user(organisation=home, role=Role.ORG_ADMIN),
            "other_org_admin": make_user(organisation=other, role=Role.ORG_ADMIN),
            "coordinator": make_user(is_admin=True),
        }
        message = queue_mail("x@member.test", "main/announcement", "s", name="n", message="m",
                             attachments=[("a.txt", "text/plain", b"a")])
        db.session.commit()
        values = {"message_id": message.id, "attachment_id": message.attachments[0].id, "filename": "css/app.css"}
        sessions = {role: user.get_id() for role, user in people.items()}
    return app, sessions, values


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


def test_no_mutating_route_answers_get(world):
    app, _, _ = world
    both = [rule.rule for rule in app.url_map.iter_rules() if {"POST", "PUT", "PATCH", "DELETE"} & rule.methods
            and "GET" in rule.methods]
    assert not both


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_declared(world, role):
    app, sessions, values = world
    wrong = []
    for rule, method in rules(app):
        expected = EXPECTED[(rule.endpoint, method)]
        client = app.test_client()
        if role != "anonymous":
            log_in(client, sessions[role])
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        response = client.open(url, method=method, data=expected.get("data"))
        if response.status_code != expected[role]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
    assert not wrong, f"as {role}: {wrong}"
