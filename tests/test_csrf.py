"""CSRF: every POST route refuses a request without a valid token, and nothing changes."""

import pytest

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.support.databases import count
from tests.support.factories import log_in, make_user


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_post_route_refuses_a_missing_or_forged_token(app, token):
    with app.app_context():
        session_id = make_user(is_admin=True).get_id()
        db.session.commit()
    client = app.test_client()
    log_in(client, session_id)
    values = {"token": "t", "invitation_id": 1, "user_id": 1, "application_id": 1, "slug": "x", "section": "about",
              "membership_id": 1, "message_id": 1, "agreement_id": 1, "number": 1,
              "event_id": 1, "attendee_id": 1, "request_id": 1,
              "share_id": 1, "file_id": 1, "alert_id": 1, "report_id": 1, "colleague_id": 1}
    refused = []
    # The one-click unsubscribe POST needs no CSRF token (its signed link is the authentication: RFC 8058), so it
    # answers 400 here because "t" is no signed link; tests/mail/test_preferences.py posts a real one.
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        data = {"csrf_token": token} if token else {}
        response = client.post(url, data=data, headers={"X-CSRFToken": token} if token else {})
        refused.append((url, response.status_code))
    assert refused and all(status == 400 for _, status in refused), refused
    with app.app_context():
        assert count(AuditEvent) == 0 and count(OutboxMessage) == 0
