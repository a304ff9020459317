"""Signing agreements: who may sign, once per organisation and version, in order when asked; declining; completion
and the certificate; amendments; reminders; and a signing record that shows tampering."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portal.agreements import record, reminders
from portal.agreements.immutability import lifted
from portal.agreements.models import (
    AgreementEvent,
    AgreementKind,
    AgreementVersion,
    Answer,
    Certificate,
    CertificatePdf,
    EventKind,
    PartyAnswer,
)
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.support.agreements import cooperation, make_signatory, publish, sign, sign_page, token_of
from tests.support.databases import count
from tests.support.mail import mail_subjects
from tests.support.race import race
from tests.support.web import client_as, csrf


def answers():
    return db.session.scalars(sa.select(PartyAnswer).order_by(PartyAnswer.id)).all()


def test_signatories_of_both_parties_sign_and_the_version_completes(app, network):
    agreement_id, number, text_hash = cooperation(network)
    with app.app_context():
        assert mail_subjects(network["other_admin"]) == ["โปรดลงนาม: ข้อตกลงความร่วมมือด้านข่าวสาร"]
    home, other = client_as(app, network["org_admin"]), client_as(app, network["other_admin"])
    page = home.get(sign_page(agreement_id, number)).get_data(as_text=True)
    assert "ทั้งสองฝ่ายจะ<strong>เผยแพร่ข่าวสาร</strong>" in page and text_hash in page
    assert sign(home, agreement_id, number, network["home_id"], text_hash).status_code == 303
    response = sign(other, agreement_id, number, network["other_id"], text_hash)
    assert response.status_code == 303
    status = other.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "ลงนามครบทุกฝ่ายแล้ว" in status and "สมศรี ลงนาม" in status
    with app.app_context():
        [first, second] = answers()
        assert (first.organisation_id, second.organisation_id) == (network["home_id"], network["other_id"])
        assert first.text_sha256 == text_hash and first.ip == "127.0.0.1" and first.language == "th"
        assert "ในนามของ สำนักงานประชาสัมพันธ์บ้านเรา" in first.consent_text
        certificate = db.session.scalar(sa.select(Certificate))
        assert certificate.number.startswith("AGR-25") and record.verify_chain(agreement_id) is None
        kinds = db.session.scalars(sa.select(AgreementEvent.kind).order_by(AgreementEvent.id)).all()
        assert kinds == [EventKind.PUBLISHED, EventKind.VIEWED, EventKind.SIGNED, EventKind.VIEWED, EventKind.SIGNED,
                         EventKind.COMPLETED]
        assert "ลงนามครบทุกฝ่ายแล้ว: ข้อตกลงความร่วมมือด้านข่าวสาร" in mail_subjects(network["org_admin"])
    certificate_page = home.get(f"/agreements/{agreement_id}/versions/{number}/certificate")
    assert certificate_page.status_code == 200 and certificate.number in certificate_page.get_data(as_text=True)
    verdict = app.test_client().get(f"/verify?number={certificate.number}").get_data(as_text=True)
    assert "ถูกต้อง" in verdict


def test_signing_asks_for_the_password_name_position_and_consent(app, network):
    agreement_id, number, text_hash = cooperation(network)
    home = client_as(app, network["org_admin"])
    path = sign_page(agreement_id, number)
    wrong = sign(home, agreement_id, number, network["home_id"], text_hash, password="not the password")
    assert wrong.status_code == 422 and "รหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)
    missing = home.post(path, data={"csrf_token": token_of(home, path), "organisation": network["home_id"],
                                    "text_sha256": text_hash, "password": "x"})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "ติ๊กข้อความนี้เพื่อลงนาม" in text
    other_text = sign(home, agreement_id, number, network["home_id"], "0" * 64)
    assert other_text.status_code == 303
    assert "ข้อความที่คุณอ่านไม่ใช่ฉบับนี้" in home.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    with app.app_context():
        assert answers() == []


def test_wrong_passwords_on_the_signing_page_meet_the_login_limit_but_form_mistakes_do_not(app, network):
    """The password asked at signing is guarded like the login form (5 wrong a minute per account), counting only
    wrong passwords: a forgotten tick or name costs nothing, and the input comes back with the error."""
    agreement_id, number, text_hash = cooperation(network)
    home = client_as(app, network["org_admin"])
    path = sign_page(agreement_id, number)
    for _ in range(8):  # no consent ticked: sent back, never counted
        missing = home.post(path, data={"csrf_token": token_of(home, path), "organisation": network["home_id"],
                                        "typed_name": "สมศรี", "text_sha256": text_hash, "password": "wrong"})
        assert missing.status_code == 422 and 'value="สมศรี"' in missing.get_data(as_text=True)
    tries = [sign(home, agreement_id, number, network["home_id"], text_hash, password="wrong") for _ in range(6)]
    assert [a.status_code for a in tries] == [422] * 5 + [429]  # the login's right password cost nothing
    refused = tries[-1].get_data(as_text=True)
    # The refusal is the same form, its input kept, the wait in words by the password; a right password waits too.
    assert "ใส่รหัสผ่านผิดหลายครั้งเกินไป" in refused and "นาที" in refused and 'value="สมศรี ลงนาม"' in refused
    assert int(tries[-1].headers["Retry-After"]) > 0
    assert sign(home, agreement_id, number, network["home_id"], text_hash).status_code == 429
    with app.app_context():
        assert answers() == []


@pytest.mark.parametrize("who", ["member", "org_admin not signatory", "outsider signatory", "visitor"])
def test_only_an_authorised_signatory_of_a_party_signs(app, network, who):
    agreement_id, number, text_hash = cooperation(network)
    with app.app_context():
        make_signatory(network["org_admin"], signatory=who != "org_admin not signatory")
        db.session.commit()
    if who == "visitor":
        client = app.test_client()
        assert client.get(sign_page(agreement_id, number)).status_code == 302
        assert client.post(sign_page(agreement_id, number), data={}).status_code in (302, 400)
    else:
        email = {"member": network["member"], "org_admin not signatory": network["org_admin"],
                 "outsider signatory": network["other_admin"]}[who]
        if who == "outsider signatory":
            agreement_id, number, text_hash = _with_listed(network)
        client = client_as(app, email)
        assert client.get(sign_page(agreement_id, number)).status_code in (403, 404)
        assert client.post(sign_page(agreement_id, number), data={
            "csrf_token": csrf(client, "/account"), "organisation": network["home_id"], "typed_name": "x",
            "typed_position": "y", "consent": "y", "password": "รหัสผ่านเดิมยาวพอ",
            "text_sha256": text_hash}).status_code in (403, 404)
    with app.app_context():
        assert answers() == []


def _with_listed(network):
    with network.app.app_context():
        version = publish(AgreementKind.COOPERATION, network["org_admin"], "home", partners=("listed",))
        db.session.commit()
        return version.agreement_id, version.number, version.text_sha256


def test_a_replayed_signature_and_two_signatories_at_once_leave_one(app, network):
    agreement_id, number, text_hash = cooperation(network)
    with app.app_context():
        make_signatory(network["member"])  # home has two signatories now
        db.session.commit()
    admin, member = client_as(app, network["org_admin"]), client_as(app, network["member"])
    tokens = token_of(admin, sign_page(agreement_id, number)), token_of(member, sign_page(agreement_id, number))
    results = race(*(lambda client=client, token=token: sign(client, agreement_id, number, network["home_id"],
                                                            text_hash, token=token)
                     for client, token in zip((admin, member), tokens)))
    assert [r.status_code for r in results] == [303, 303]
    again = sign(admin, agreement_id, number, network["home_id"], text_hash, token=tokens[0])  # replayed
    assert again.status_code == 303
    with app.app_context():
        assert len(answers()) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AgreementEvent).where(
            AgreementEvent.kind == EventKind.SIGNED)) == 1
        assert record.verify_chain(agreement_id) is None


def test_in_sequential_order_the_next_party_is_asked_only_after_the_one_before_signs(app, network):
    agreement_id, number, text_hash = cooperation(network, sequential=True)
    with app.app_context():
        assert mail_subjects(network["org_admin"]) == ["โปรดลงนาม: ข้อตกลงความร่วมมือด้านข่าวสาร"]
        assert mail_subjects(network["other_admin"]) == []
    other = client_as(app, network["other_admin"])
    early = sign(other, agreement_id, number, network["other_id"], text_hash)
    assert early.status_code == 303 and "ยังไม่ถึงลำดับ" in other.get(f"/agreements/{agreement_id}").get_data(
        as_text=True)
    sign(client_as(app, network["org_admin"]), agreement_id, number, network["home_id"], text_hash)
    with app.app_context():
        assert mail_subjects(network["other_admin"]) == ["โปรดลงนาม: ข้อตกลงความร่วมมือด้านข่าวสาร"]
    assert sign(other, agreement_id, number, network["other_id"], text_hash).status_code == 303
    with app.app_context():
        assert [a.organisation_id for a in answers()] == [network["home_id"], network["other_id"]]


def test_a_party_declines_with_a_reason_every_party_reads(app, network):
    agreement_id, number, text_hash = cooperation(network)
    other = client_as(app, network["other_admin"])
    path = f"/agreements/{agreement_id}/versions/{number}/decline"
    response = other.post(path, data={"csrf_token": token_of(other, sign_page(agreement_id, number)),
                                      "organisation": network["other_id"], "reason": "ข้อ 2 ยังไม่ชัดเจน",
                                      "password": "รหัสผ่านเดิมยาวพอ", "text_sha256": text_hash})
    assert response.status_code == 303
    page = client_as(app, network["org_admin"]).get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "ข้อ 2 ยังไม่ชัดเจน" in page and "มีคู่สัญญาปฏิเสธ" in page
    with app.app_context():
        [declined] = answers()
        assert declined.answer == Answer.DECLINED
        assert "มหาวิทยาลัยอื่น ปฏิเสธการลงนาม ข้อตกลงความร่วมมือด้านข่าวสาร" in mail_subjects(network["org_admin"])
    late = sign(client_as(app, network["org_admin"]), agreement_id, number, network["home_id"], text_hash)
    assert late.status_code == 303
    with app.app_context():
        assert len(answers()) == 1, "a declined version is signed no more"


def test_an_amendment_asks_again_and_leaves_the_old_signatures_as_they_were(app, network):
    agreement_id, number, text_hash = cooperation(network)
    home, other = client_as(app, network["org_admin"]), client_as(app, network["other_admin"])
    sign(home, agreement_id, number, network["home_id"], text_hash)
    assert home.post(f"/agreements/{agreement_id}/amend", data={"csrf_token": csrf(home, f"/agreements/{agreement_id}")}
                     ).status_code == 303
    draft = f"/agreements/{agreement_id}/draft"
    token = csrf(home, draft)
    response = home.post(draft, data={
        "csrf_token": token, "title_th": "ข้อตกลงความร่วมมือด้านข่าวสาร (แก้ไข)", "title_en": "News cooperation (2)",
        "body_th": "ข้อความใหม่", "body_en": "New text", "signing_deadline": (date.today() + timedelta(days=10))
        .isoformat(), "partners": network["other_id"]})
    assert response.status_code == 303
    assert home.post(f"/agreements/{agreement_id}/publish", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        versions = db.session.scalars(sa.select(AgreementVersion).order_by(AgreementVersion.number)).all()
        assert [v.number for v in versions] == [1, 2] and versions[0].text_sha256 == text_hash
        assert [(a.version_id, a.organisation_id) for a in answers()] == [(versions[0].id, network["home_id"])]
        assert mail_subjects(network["other_admin"]).count("โปรดลงนาม: ข้อตกลงความร่วมมือด้านข่าวสาร (แก้ไข)") == 1
        new_hash = versions[1].text_sha256
    old = other.get(f"/agreements/{agreement_id}/versions/1").get_data(as_text=True)
    assert "ถูกแทนที่ด้วยฉบับที่ใหม่กว่าแล้ว" in old and "สมศรี ลงนาม" in old
    assert sign(other, agreement_id, 1, network["other_id"], text_hash).status_code == 303
    with app.app_context():
        assert len(answers()) == 1, "a superseded version is signed no more"
    assert sign(other, agreement_id, 2, network["other_id"], new_hash).status_code == 303


def test_reminders_go_once_at_seven_days_and_one_day_and_a_passed_deadline_is_reported_once(app, network):
    agreement_id, number, _ = cooperation(network)
    reminded = "การแจ้งเตือน: โปรดลงนาม ข้อตกลงความร่วมมือด้านข่าวสาร"
    with app.app_context():
        deadline = db.session.get(AgreementVersion, db.session.scalar(sa.select(AgreementVersion.id))).signing_deadline
        for days_before, expected in [(8, 0), (7, 1), (7, 1), (1, 2), (1, 2)]:
            with time_machine.travel(deadline - timedelta(days=days_before), tick=False):
                reminders.send_reminders(today=date.today())
                db.session.commit()
            assert mail_subjects(network["other_admin"]).count(reminded) == expected, days_before
        with time_machine.travel(deadline + timedelta(days=1), tick=False):
            reminders.send_reminders(today=date.today())
            reminders.send_reminders(today=date.today())
            db.session.commit()
        passed = [s for s in mail_subjects(network["coordinator"]) if s.startswith("เลยกำหนดลงนามแล้ว")]
        assert len(passed) == 1
        assert record.verify_chain(agreement_id) is None


def test_the_database_refuses_to_change_what_was_published_and_signed(app, network):
    agreement_id, number, text_hash = cooperation(network)
    sign(client_as(app, network["org_admin"]), agreement_id, number, network["home_id"], text_hash)
    with app.app_context():
        for statement in ("UPDATE agreement_version SET body_th = 'อื่น'", "DELETE FROM agreement_version",
                          "UPDATE agreement_answer SET typed_name = 'คนอื่น'", "DELETE FROM agreement_answer",
                          "UPDATE agreement_event SET ip = '10.0.0.1'", "DELETE FROM agreement_event"):
            with pytest.raises(sa.exc.IntegrityError, match="cannot change once published"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
        assert db.session.scalar(sa.select(PartyAnswer.typed_name)) == "สมศรี ลงนาม"


def test_a_record_changed_behind_the_portal_s_back_is_named_by_verify(app, network):
    agreement_id, number, text_hash = cooperation(network)
    sign(client_as(app, network["org_admin"]), agreement_id, number, network["home_id"], text_hash)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["agreements", "verify"]).exit_code == 0
    with app.app_context():
        signed = db.session.scalar(sa.select(AgreementEvent).where(AgreementEvent.kind == EventKind.SIGNED))
        db.session.rollback()  # its read lock would keep the triggers from being lifted
        with db.engine.begin() as connection, lifted(connection):
            connection.execute(sa.text("UPDATE agreement_event SET ip = '203.0.113.9' WHERE id = :id"),
                               {"id": signed.id})
    result = runner.invoke(args=["agreements", "verify"])
    assert result.exit_code == 1
    assert f"event {signed.id} does not match: its content does not match its hash" in result.output


def test_status_page_runs_the_same_queries_for_5_and_500_parties(app, network):
    from tests.support.factories import make_org

    counts = {}
    for parties in (5, 500):
        with app.app_context():
            for n in range(parties):
                make_org(slug=f"party-{parties}-{n}")
            version = publish(AgreementKind.CHARTER, network["coordinator"])
            db.session.commit()
            agreement_id = version.agreement_id
        client = client_as(app, network["coordinator"])
        statements = []

        def on_execute(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", on_execute)
        try:
            assert client.get(f"/agreements/{agreement_id}").status_code == 200
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", on_execute)
        counts[parties] = len(statements)
    assert counts[5] == counts[500], counts


def test_mail_to_a_party_without_a_signatory_asks_its_admins_to_name_one(app, network):
    with app.app_context():
        make_signatory(network["org_admin"])
        publish(AgreementKind.COOPERATION, network["org_admin"], "home", partners=("other",))
        db.session.commit()
        assert mail_subjects(network["other_admin"]) == ["ไม่มีผู้มีอำนาจลงนามของ มหาวิทยาลัยอื่น"]
        assert count(OutboxMessage) == 2


def test_two_first_downloads_at_once_make_the_certificate_pdf_once(app, network, caplog):
    """A large certificate takes seconds to make: two people downloading it first at the same moment wait for one
    making, not two (which once held both web workers past their timeout), and get the same sealed file."""
    agreement_id, number, text_hash = cooperation(network)
    home, other = client_as(app, network["org_admin"]), client_as(app, network["other_admin"])
    sign(home, agreement_id, number, network["home_id"], text_hash)
    sign(other, agreement_id, number, network["other_id"], text_hash)
    path = f"/agreements/{agreement_id}/versions/{number}/certificate.pdf"
    caplog.set_level("INFO", logger="portal.agreements.certificates")
    first, second = race(lambda: home.get(path), lambda: other.get(path))
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert len([r for r in caplog.records if "PDF made" in r.getMessage()]) == 1
    with app.app_context():
        assert count(CertificatePdf) == 1
