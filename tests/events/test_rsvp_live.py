"""50 people answering "yes" at the same moment for 10 seats, over HTTP, to gunicorn with 2 worker processes, on
SQLite and PostgreSQL: exactly 10 are confirmed and 40 wait, and nobody meets an error."""

import re
import threading
import urllib.parse
import urllib.request

import sqlalchemy as sa

from portal.events.models import Event, Invitation, Status
from portal.events.services import answer_token
from portal.extensions import db
from tests.support.events import invite_members, published_event
from tests.support.servers import gunicorn

PEOPLE, SEATS = 50, 10


def test_fifty_yes_at_once_over_http_to_two_workers_confirm_exactly_ten(app, network, database_url, tmp_path):
    with app.app_context():
        event = published_event(network, capacity=SEATS)
        invite_members(event, PEOPLE, network["org_admin"])
        links = [f"/events/answer/{answer_token(i)}" for i in db.session.scalars(
            sa.select(Invitation).where(Invitation.event_id == event.id))]
        event_id = event.id
        db.session.commit()
    with gunicorn(database_url, tmp_path / "gunicorn.log", workers=2, SERVER_NAME="portal.test") as base:
        ready = []
        for link in links:  # each person opens their link first (their own session and CSRF token)
            response = urllib.request.urlopen(base + link + "?reply=yes", timeout=30)
            cookie = response.headers["Set-Cookie"].split(";", 1)[0]
            token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                              response.read().decode()).group(1)
            ready.append((link, cookie, token))
        start = threading.Barrier(PEOPLE)
        answers = [None] * PEOPLE

        def answer(n, link, cookie, token):
            request = urllib.request.Request(base + link, method="POST", headers={"Cookie": cookie}, data=(
                urllib.parse.urlencode({"csrf_token": token, "reply": "yes"}).encode()))
            start.wait()
            try:
                answers[n] = urllib.request.build_opener(NoRedirect).open(request, timeout=60).status
            except urllib.error.HTTPError as error:
                answers[n] = error.code

        threads = [threading.Thread(target=answer, args=(n, *person)) for n, person in enumerate(ready)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    assert answers == [303] * PEOPLE, (answers, (tmp_path / "gunicorn.log").read_text()[-3000:])
    with app.app_context():
        statuses = db.session.scalars(sa.select(Invitation.status).where(Invitation.event_id == event_id)).all()
        assert (statuses.count(Status.CONFIRMED), statuses.count(Status.WAITING)) == (SEATS, PEOPLE - SEATS)
        assert db.session.get(Event, event_id).confirmed == SEATS


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
