"""`flask create-admin` and `flask demo`."""

import sqlalchemy as sa

from portal.agreements import overview, signing
from portal.agreements.models import Agreement, AgreementVersion, Certificate, VersionState
from portal.applications.models import Application, ApplicationStatus
from portal.auth.models import User
from portal.auth.passwords import verify_password
from portal.auth.services import find_user_by_email
from portal.events import audiences, services
from portal.events.models import Event, Invitation, Status, Visibility
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.organisations.models import (
    InvitationState,
    Membership,
    MembershipInvitation,
    Organisation,
    Region,
    Role,
    Sector,
)
from tests.support.databases import count
from tests.support.web import client_as


def test_create_admin_with_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "Nok@PRNetwork.Example", "--password",
                                                "รหัสผ่านยาวพอสมควร"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.email == "nok@prnetwork.example" and user.is_admin and user.email_confirmed_at
        assert verify_password(user.password_hash, "รหัสผ่านยาวพอสมควร")
        assert not verify_password(user.password_hash, "wrong password")


def test_create_admin_asks_for_the_password_twice(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "nok@prnetwork.example"],
                                          input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Coordinator nok@prnetwork.example is ready." in result.output


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "nok@prnetwork.example", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    with app.app_context():
        assert count(User) == 0


def test_create_admin_promotes_an_existing_person(app):
    runner = app.test_cli_runner()
    with app.app_context():
        db.session.add(User(email="nok@prnetwork.example", name="นก"))
        db.session.commit()
    assert runner.invoke(args=["create-admin", "NOK@prnetwork.example", "--password", "a-long-password"]).exit_code == 0
    with app.app_context():
        assert count(User) == 1 and db.session.scalar(sa.select(User.is_admin))


def test_demo_fills_a_believable_network_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "coordinator@prnetwork.example" in first.output and "demo-password-2569" in first.output
    with app.app_context():
        organisations = db.session.scalars(sa.select(Organisation)).all()
        assert len(organisations) == 12
        assert {o.region for o in organisations} == set(Region)
        assert len({o.sector for o in organisations}) >= 5 and Sector.MEDIA in {o.sector for o in organisations}
        admins = db.session.scalars(sa.select(Membership.organisation_id).where(Membership.role == Role.ORG_ADMIN))
        assert set(admins) == {o.id for o in organisations}, "every organisation has an organisation admin"
        assert db.session.scalar(sa.select(User).where(User.is_admin)).email == "coordinator@prnetwork.example"
        people, mails = count(User), count(OutboxMessage)
        welcomes = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.idempotency_key.startswith("demo-welcome:")))
        active = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.active))
        assert welcomes == active == people - 1, "everyone gets a welcome mail, but the former colleague (PDPA)"
        # Each new page shows something at once: the approval queue, invitations, undeliverable mail.
        assert sorted(db.session.scalars(sa.select(Application.status))) == sorted([
            ApplicationStatus.NEEDS_INFO, ApplicationStatus.PENDING, ApplicationStatus.UNCONFIRMED,
            ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED])
        assert sorted(i.state for i in db.session.scalars(sa.select(MembershipInvitation))) == [
            InvitationState.EXPIRED, InvitationState.PENDING, InvitationState.REVOKED]
        assert sorted(db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.status.in_(
            (OutboxStatus.DEAD, OutboxStatus.FAILED))))) == [OutboxStatus.DEAD, OutboxStatus.FAILED]
        # Agreements in each state: the charter signed by all twelve (certificate issued), one waiting for Chiang
        # Mai's signatory, one declined, one signed in order, and a draft.
        states = {v.title_en: signing.status(v).state for v in db.session.scalars(sa.select(AgreementVersion))}
        assert sorted(states.values()) == sorted([VersionState.COMPLETE, VersionState.OPEN, VersionState.DECLINED,
                                                  VersionState.OPEN])
        assert count(Certificate) == 1 and len(signing.status(next(
            v for v in db.session.scalars(sa.select(AgreementVersion)) if v.agreement.kind.value == "charter")).signed) == 12
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement).where(Agreement.drafting)) == 1
        chiang_mai = find_user_by_email("admin@chiang-mai-pr.example")
        assert [e.version.title_en for e in overview.for_person(chiang_mai).to_sign] == [
            "Crisis communication cooperation, North and Northeast"]
        # Events: a seminar nearly full (4 coming, 2 waiting) with the demo member's invitation unanswered, a public
        # open day with a guest, and a past workshop two people came to.
        seminar = db.session.scalar(sa.select(Event).where(Event.capacity == 4))
        answers = db.session.scalars(sa.select(Invitation.status).where(Invitation.event_id == seminar.id)).all()
        assert (answers.count(Status.CONFIRMED), answers.count(Status.WAITING), seminar.confirmed) == (4, 2, 4)
        member = find_user_by_email("member@chiang-mai-pr.example")
        assert services.invitation_of(seminar, member).status == Status.INVITED
        assert [r.regions for r in audiences.pending()] == [["north"]]  # a wide invitation waits for approval
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
            Event.visibility == Visibility.PUBLIC)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
            Invitation.checked_in_at.is_not(None))) == 2
        assert db.session.scalar(sa.select(Event.seats_per_organisation).where(Event.seats_per_organisation.is_not(None))) == 3
        # A past alert to the North: acknowledged by most, by nobody in one organisation, not yet by the demo member.
        from portal.alerts import services as alerts
        from portal.alerts.models import Alert

        alert = db.session.scalar(sa.select(Alert))
        reached, acknowledged = alerts.counts(alert)
        assert 0 < acknowledged < reached and alert.reminded_at is not None
        assert [row.acknowledged for row in alerts.by_organisation(alert)][0] == 0
        [(_, mine)] = alerts.for_person(member)
        assert mine.acknowledged_at is None
    # Each demo person lands on a home base with something waiting: the coordinator's queues, the member's answers.
    coordinator_home = client_as(app, "coordinator@prnetwork.example", "demo-password-2569").get("/").get_data(as_text=True)
    assert "waiting-applications-pending" in coordinator_home and "waiting-events-approvals" in coordinator_home
    member_home = client_as(app, "member@chiang-mai-pr.example", "demo-password-2569").get("/").get_data(as_text=True)
    assert "waiting-events-to_answer" in member_home and "waiting-alerts-open" in member_home
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "already loaded" in second.output
    with app.app_context():
        assert count(Organisation) == 12 and count(User) == people and count(OutboxMessage) == mails
