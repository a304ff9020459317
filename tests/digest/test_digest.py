"""The weekly digest: one a week per person, in their language, never empty; and the digest instead of single mails."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.auth.models import User
from portal.db import utcnow
from portal.digest import services as digest
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.preferences import DIGEST, OFF, choices_of, opted_out, set_choice
from portal.mail.services import queue_mail
from portal.organisations.models import Organisation
from tests.support.events import invite_members, published_event
from tests.support.factories import make_org
from tests.support.web import client_as, csrf

WEEK = "2026-W49"


@pytest.fixture
def world(app, network):
    """The network, everyone's address confirmed, its organisations old, the coordinator English-speaking."""
    with app.app_context():
        db.session.execute(sa.update(User).values(email_confirmed_at=utcnow()))
        db.session.execute(sa.update(User).where(User.email == network["coordinator"]).values(language="en"))
        db.session.execute(sa.update(Organisation).values(joined_at=utcnow() - timedelta(days=60)))
        db.session.commit()
    return network


def _news(name_th="สมาคมใหม่ล่าสุด", name_en="Newest Association", days_ago=1):
    make_org(slug="newest", name_th=name_th, name_en=name_en, joined_at=utcnow() - timedelta(days=days_ago))
    db.session.commit()


def _digests(week=WEEK):
    return {message.recipient: message for message in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "digest",
                                       OutboxMessage.idempotency_key.like(f"digest-{week}-%")))}


def test_a_digest_goes_once_a_week_to_each_person_with_news(app, world):
    with app.app_context():
        _news()
        totals = digest.send_week(WEEK)
        assert (totals.sent, totals.nothing_to_say, totals.opted_out) == (4, 0, 0)
        assert set(_digests()) == {world[role] for role in ("coordinator", "org_admin", "member", "other_admin")}
        message = _digests()[world["member"]]
        assert message.priority == digest.PRIORITY_BULK
        assert "http://portal.test/organisations/newest" in message.body_text  # links are absolute
        again = digest.send_week(WEEK)
        assert (again.sent, again.already_sent) == (0, 4)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 4
        assert digest.send_week("2026-W50").sent == 4  # a new week, a new digest
        assert len(_digests("2026-W50")) == 4


def test_a_digest_tells_the_work_waiting_and_what_is_coming(app, world):
    with app.app_context():
        event = published_event(world)
        [guest] = invite_members(event, 1, world["org_admin"], language="en")
        event_id = event.id
        db.session.execute(sa.update(User).values(email_confirmed_at=utcnow()))
        db.session.commit()
        assert digest.send_week(WEEK).sent == 5
        body = _digests()[db.session.get(User, guest).email].body_text
    assert "Waiting for you\n\n- 1 event invitations to answer" in body
    assert "Coming up for you" in body and "Answers close: PR Network seminar" in body
    assert f"http://portal.test/events/{event_id}" in body
    assert "This week in the network" in body and "New event: PR Network seminar" in body


def test_no_digest_when_there_is_nothing_to_say(app, world):
    with app.app_context():
        _news(days_ago=10)  # on the dashboard (a month of news) but not news of this week
        totals = digest.send_week(WEEK)
        assert (totals.sent, totals.nothing_to_say) == (0, 4)
        assert _digests() == {}


def test_a_digest_speaks_its_readers_language(app, world):
    with app.app_context():
        _news()
        digest.send_week(WEEK)
        thai, english = _digests()[world["member"]], _digests()[world["coordinator"]]
    assert thai.language == "th" and thai.subject == "สรุปความเคลื่อนไหวประจำสัปดาห์จากเครือข่ายประชาสัมพันธ์"
    assert "สมาคมใหม่ล่าสุด" in thai.body_text and "เข้าร่วมเครือข่าย" in thai.body_text
    assert str(utcnow().year + 543) in thai.body_text  # Buddhist-era dates
    assert english.language == "en" and english.subject == "Your weekly digest from the PR Network"
    assert "Newest Association joined the network" in english.body_text
    assert "This week in the network" in english.body_html and "Newest Association" in english.body_html
    assert str(utcnow().year + 543) not in english.body_text


def test_no_digest_for_who_turned_it_off_nor_for_the_inactive_or_unconfirmed(app, world):
    with app.app_context():
        _news()
        set_choice(world["member"], "digest", OFF)
        db.session.execute(sa.update(User).where(User.email == world["org_admin"]).values(active=False))
        db.session.execute(sa.update(User).where(User.email == world["other_admin"])
                           .values(email_confirmed_at=None))
        db.session.commit()
        totals = digest.send_week(WEEK)
        assert (totals.sent, totals.opted_out) == (1, 1)
        assert set(_digests()) == {world["coordinator"]}


def test_the_digest_instead_of_single_mails_of_a_digestible_kind(app_ctx):
    set_choice("somchai@member.example", "events", DIGEST)
    assert opted_out("events", ["somchai@member.example", "malee@member.example"]) == {"somchai@member.example"}
    assert queue_mail("somchai@member.example", "main/announcement", "s", kind="events", name="n",
                      message="m") is None
    assert queue_mail("malee@member.example", "main/announcement", "s", kind="events", name="n",
                      message="m") is not None
    with pytest.raises(ValueError):
        set_choice("somchai@member.example", "membership", DIGEST)  # not digestible
    with pytest.raises(ValueError):
        set_choice("somchai@member.example", "digest", DIGEST)
    with pytest.raises(ValueError):
        set_choice("somchai@member.example", "events", "sometimes")


def test_the_account_page_saves_the_three_way_choice(app, world):
    client = client_as(app, world["member"])
    page = client.get("/account").get_data(as_text=True)
    assert 'name="choice-events" value="each" checked' in page
    assert 'name="choice-membership"' not in page and 'name="on" value="membership" checked' in page
    assert 'name="on" value="digest" checked' in page
    token = csrf(client, "/account")
    saved = client.post("/account/notifications", data={
        "csrf_token": token, "on": ["membership"], "choice-events": "digest", "choice-shares": "off",
        "choice-agreements": "each", "choice-announcements": "bogus"})
    assert saved.status_code == 303
    with app.app_context():
        assert choices_of(world["member"]) == {"events": DIGEST, "shares": OFF, "digest": OFF}
    fragment = client.post("/account/notifications", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "on": ["digest", "membership"], "choice-events": "digest", "choice-shares": "each"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert 'name="choice-events" value="digest" checked' in body and 'name="choice-shares" value="each" checked' in body
    with app.app_context():
        assert choices_of(world["member"]) == {"events": DIGEST}


def test_flask_digest_send(app, world):
    with app.app_context():
        _news()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["digest", "send", "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert f"digest {WEEK}: sent 4, nothing to say 0, opted out 0, sent before 0" in result.output
    result = runner.invoke(args=["digest", "send", "--week", WEEK])
    assert "sent 0" in result.output and "sent before 4" in result.output
    assert runner.invoke(args=["digest", "send", "--week", "2026-W54"]).exit_code == 2
    assert runner.invoke(args=["digest", "send"]).exit_code == 0  # this week
    with app.app_context():
        assert len(_digests(digest.current_week())) == 4


def test_the_week_is_bangkoks(app_ctx):
    from datetime import datetime, timezone
    sunday_night_utc = datetime(2026, 12, 6, 18, 0, tzinfo=timezone.utc)  # Monday 01:00 in Bangkok
    assert digest.current_week(sunday_night_utc) == "2026-W50"
    assert digest.parse_week("2026-W05") == "2026-W05"
    for bad in ("2026-W5", "2026W05", "2026-W00", "2026-W54"):
        with pytest.raises(ValueError):
            digest.parse_week(bad)
