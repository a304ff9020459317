"""Inviting many: the request answers after one INSERT, the worker mails the invitations in batches (each once, even
with two workers), and the host's page shows the progress meanwhile."""

import sqlalchemy as sa

from portal import jobs
from portal.auth.services import find_user_by_email
from portal.events import services
from portal.events.models import Invitation
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.organisations.models import Organisation, Role
from tests.support.events import published_event
from tests.support.factories import make_org, make_user
from tests.support.race import race
from tests.support.web import client_as

MANY = services.MAIL_BATCH + 50  # more than one batch, more than MAIL_AT_ONCE


def invitation_mails():
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.subject.like("คำเชิญ:%")))


def test_a_large_invitation_is_mailed_by_the_worker_once_with_progress_shown(app, network):
    with app.app_context():
        crowd = make_org(slug="crowd", name_th="สมาคมผู้คนมากมาย")
        for n in range(MANY):
            make_user(f"person{n}@crowd.example", crowd, Role.MEMBER)
        event = published_event(network)
        invited = services.invite(event, by=find_user_by_email(network["org_admin"]),
                                  organisation_ids=[db.session.scalar(sa.select(Organisation.id).where(
                                      Organisation.slug == "crowd"))])
        db.session.commit()
        event_id = event.id
        assert invited == MANY and invitation_mails() == 0  # answered before any mail was made
        assert services.mailing_progress(event) == (0, MANY)
    host = client_as(app, network["org_admin"])
    page = host.get(f"/events/{event_id}").get_data(as_text=True)
    assert f"0 จาก {MANY} คน" in page and 'hx-trigger="every 3s"' in page

    def one_round():
        with app.app_context():
            return jobs.run_due()

    first, second = race(one_round, one_round)  # two workers at once
    assert first + second == services.MAIL_BATCH
    while one_round():
        pass
    with app.app_context():
        assert invitation_mails() == MANY  # each invitation mailed once
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
            Invitation.mailed_at.is_(None))) == 0
    part = host.get(f"/events/{event_id}?part=mailing", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert part.strip().startswith('<p id="mailing"') and f"ครบทั้ง {MANY} คน" in part


def test_the_worker_mails_only_people_invited_not_those_who_answered_unasked_or_walked_in(app, network):
    from portal.events import checkin, rsvp
    from portal.events.models import Reply

    with app.app_context():
        event = published_event(network)
        member = find_user_by_email(network["member"])
        rsvp.answer(services.join(event, member), Reply.YES)  # a members' event: answered without an invitation
        checkin.walk_in(event, "ผู้มาหน้างาน", "", by=find_user_by_email(network["org_admin"]))
        db.session.commit()
        assert jobs.run_due() == 0 and invitation_mails() == 0
