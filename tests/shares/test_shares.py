"""Share requests: posting to an audience fixed at that moment, who may post, answer and see, one answer per
organisation whatever the clicks, hiding, bad uploads, the tally and the reports."""

import io
import re
from datetime import timedelta

import pypdf
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.organisations.models import Organisation, Role
from portal.shares import services
from portal.shares.models import ShareAnswer, ShareReply, ShareReport, ShareRequest, ShareTarget
from tests.support.factories import make_org, make_user
from tests.support.mail import last_mail
from tests.support.network import PASSWORD
from tests.support.race import race
from tests.support.shares import HEADLINE, png_bytes, posted_request, request_values
from tests.support.web import client_as, csrf, statements_of


def form(**values):
    """The posted form of a request (home's admin's), as a browser sends it."""
    base = request_values()
    data = {"headline_th": base["headline_th"], "message_th": base["message_th"], "headline_en": "",
            "message_en": "", "links": "https://home.example/news/1", "channels": ["facebook"],
            "relevant_until": base["relevant_until"].isoformat()}
    return {**data, **values}


def post_form(client, app, network, **values):
    with app.app_context():
        home_id = network["home_id"]
    data = {"organisation": str(home_id), "csrf_token": csrf(client, "/shares/new"), **form(**values)}
    return client.post("/shares/new", data=data, content_type="multipart/form-data")


def test_an_admin_posts_with_an_image_and_the_admins_asked_are_mailed_in_their_language(app, network):
    with app.app_context():
        other = db.session.get(Organisation, network["other_id"])
        make_user("english@other.example", other, Role.ORG_ADMIN, language="en", name="Ann")
        db.session.commit()
    admin = client_as(app, network["org_admin"])
    response = post_form(app=app, client=admin, network=network,
                         files=(io.BytesIO(png_bytes(3000, 2000, kind="JPEG")), "โปสเตอร์ งาน.jpg"))
    assert response.status_code == 303, re.findall(r'field-error">([^<]*)', response.get_data(as_text=True))
    with app.app_context():
        share = db.session.scalar(sa.select(ShareRequest))
        asked = set(db.session.scalars(sa.select(ShareTarget.organisation_id)))
        assert asked == {network["other_id"], network["listed_id"]}  # every member organisation but the poster
        [image] = share.attachments
        assert image.content_type == "image/png" and image.filename == "โปสเตอร์ งาน.png"
        thai = last_mail(network["other_admin"])
        assert thai.subject == f"ขอความร่วมมือเผยแพร่: {HEADLINE}" and f"/shares/{share.id}" in thai.body_text
        english = last_mail("english@other.example")
        assert english.subject == f"Please share: {HEADLINE}"  # no English headline: the Thai one
        assert last_mail(network["org_admin"]) is None or "share" not in last_mail(network["org_admin"]).subject
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "share.posted")) is not None
        share_id, file_id = share.id, image.id
    picture = admin.get(f"/shares/{share_id}/files/{file_id}")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert picture.headers["Content-Disposition"].isascii()  # the Thai name encoded (RFC 5987), never raw
    from PIL import Image
    assert max(Image.open(io.BytesIO(picture.data)).size) == 1600  # re-encoded, at most 1600 px a side


def test_an_organisation_that_joins_later_is_not_asked(app, network):
    with app.app_context():
        share_id = posted_request(network).id
        make_org(slug="newcomer")
        db.session.commit()
        assert services.tally(db.session.get(ShareRequest, share_id)).reached == 2


def test_members_post_only_when_their_admins_let_them(app, network):
    member = client_as(app, network["member"])
    assert member.get("/shares/new").status_code == 403
    assert post_form(member, app, network).status_code == 403
    admin = client_as(app, network["org_admin"])
    with app.app_context():
        home_id = network["home_id"]
    saved = admin.post("/shares/settings", data={"organisation": home_id, "members_may_post": "y",
                                                 "csrf_token": csrf(admin, "/shares")})
    assert saved.status_code == 303
    assert member.get("/shares/new").status_code == 200
    other = client_as(app, network["other_admin"])  # not home's admin: may not decide for it
    assert other.post("/shares/settings", data={"organisation": home_id, "members_may_post": "",
                                                "csrf_token": csrf(other, "/shares")}).status_code == 400


def answer(client, share_id, reply="will_share", **extra):
    return client.post(f"/shares/{share_id}/answer", data={"reply": reply, "csrf_token": csrf(client, "/shares"),
                                                          **extra})


def test_only_people_of_the_organisations_asked_answer(app, network):
    with app.app_context():
        share_id = posted_request(network, chosen=[network["other_id"]]).id
        listed = db.session.get(Organisation, network["listed_id"])
        make_user("admin@listed.example", listed, Role.ORG_ADMIN, password_hash=find_user_by_email(
            network["member"]).password_hash)
        db.session.commit()
    assert answer(client_as(app, network["other_admin"]), share_id).status_code == 303
    assert answer(client_as(app, network["member"]), share_id).status_code == 403  # the poster's own people
    assert answer(client_as(app, network["coordinator"]), share_id).status_code == 403
    outsider = client_as(app, "admin@listed.example", PASSWORD)  # not asked: the request does not exist for them
    assert outsider.get(f"/shares/{share_id}").status_code == 404
    assert answer(outsider, share_id).status_code == 404
    with app.app_context():
        [given] = db.session.scalars(sa.select(ShareAnswer)).all()
        assert (given.organisation_id, given.reply) == (network["other_id"], ShareReply.WILL_SHARE)


def test_one_answer_per_organisation_under_concurrent_clicks(app, network):
    with app.app_context():
        share_id = posted_request(network).id
        other = db.session.get(Organisation, network["other_id"])
        make_user("colleague@other.example", other, password_hash=find_user_by_email(
            network["member"]).password_hash)
        db.session.commit()
    clients = [client_as(app, network["other_admin"]), client_as(app, "colleague@other.example")]
    tokens = [csrf(c, "/shares") for c in clients]
    results = race(*(lambda c=c, t=t, r=r: c.post(f"/shares/{share_id}/answer", data={"reply": r, "csrf_token": t})
                     for c, t, r in zip(clients, tokens, ["will_share", "cannot"], strict=True)))
    assert [r.status_code for r in results] == [303, 303], results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareAnswer)) == 1


def test_a_hidden_request_disappears_for_everyone_but_its_poster_and_coordinators(app, network):
    with app.app_context():
        share_id = posted_request(network).id
        db.session.commit()
    other = client_as(app, network["other_admin"])
    assert HEADLINE in other.get("/shares").get_data(as_text=True)
    coordinator = client_as(app, network["coordinator"])
    empty = coordinator.post(f"/shares/{share_id}/hide", data={"reason": "", "csrf_token": csrf(coordinator, "/shares")})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.get_data(as_text=True)
    hidden = coordinator.post(f"/shares/{share_id}/hide", data={"reason": "เป็นโฆษณาสินค้า",
                                                              "csrf_token": csrf(coordinator, "/shares")})
    assert hidden.status_code == 303
    assert other.get(f"/shares/{share_id}").status_code == 404
    assert HEADLINE not in other.get("/shares").get_data(as_text=True)
    assert answer(other, share_id).status_code == 404
    assert client_as(app, network["member"]).get(f"/shares/{share_id}").status_code == 200
    assert coordinator.get(f"/shares/{share_id}").status_code == 200
    assert member_org_admin_sees(app, network, share_id)
    with app.app_context():
        notice = last_mail(network["org_admin"])
        assert HEADLINE in notice.subject and "เป็นโฆษณาสินค้า" in notice.body_text
        audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "share.hidden"))
        assert audit.details["reason"] == "เป็นโฆษณาสินค้า"


def member_org_admin_sees(app, network, share_id):
    return client_as(app, network["org_admin"]).get(f"/shares/{share_id}").status_code == 200


def test_bad_uploads_and_bad_fields_are_refused_next_to_the_field_with_the_input_kept(app, network):
    admin = client_as(app, network["org_admin"])
    text = post_form(admin, app, network, files=(io.BytesIO(b"not an image at all"), "poster.png"))
    page = text.get_data(as_text=True)
    assert text.status_code == 422 and 'id="files-error"' in page and HEADLINE in page
    big_pdf = post_form(admin, app, network, files=(io.BytesIO(b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 + 10)),
                                                     "press.pdf"))
    assert big_pdf.status_code == 422 and 'id="files-error"' in big_pdf.get_data(as_text=True)
    missing = post_form(admin, app, network, headline_th="", message_th="", channels=[],
                        relevant_until="2001-01-01", links="not a link")
    page = missing.get_data(as_text=True)
    assert missing.status_code == 422
    for field in ("headline_th", "channels", "relevant_until", "links"):
        assert f'id="{field}-error"' in page, field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareRequest)) == 0
    pdf = post_form(admin, app, network, files=(io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "ข่าว/../press.PDF"))
    assert pdf.status_code == 303
    with app.app_context():
        [stored] = db.session.scalar(sa.select(ShareRequest)).attachments
        assert (stored.filename, stored.content_type) == ("press.pdf", "application/pdf")


def report(client, share_id, channel="facebook", url="https://facebook.com/other/posts/1", note=""):
    return client.post(f"/shares/{share_id}/report", data={"channel": channel, "url": url, "note": note,
                                                          "csrf_token": csrf(client, "/shares")})


def test_answer_and_report_swap_the_answer_block_for_htmx_and_radio_needs_only_a_note(app, network):
    with app.app_context():
        share_id = posted_request(network).id
        db.session.commit()
    other = client_as(app, network["other_admin"])
    swapped = other.post(f"/shares/{share_id}/answer", data={"reply": "will_share", "csrf_token": csrf(other, "/shares")},
                         headers={"HX-Request": "true"})
    fragment = swapped.get_data(as_text=True)
    assert swapped.status_code == 200 and fragment.lstrip().startswith('<section id="share-answer"')
    assert "<html" not in fragment and "ร่วมเผยแพร่" in fragment
    assert report(other, share_id, url="").status_code == 422  # Facebook needs the post's address
    assert report(other, share_id, url="javascript:alert(1)").status_code == 422
    assert report(other, share_id, channel="broadcast", url="", note="รายการวิทยุ 10 พ.ย. 09:00").status_code == 303
    assert report(other, share_id).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareReport)) == 2



def answered_by(count, share, network):
    """`count` new organisations asked, each answering "will share" and reporting two links."""
    for n in range(count):
        organisation = make_org()
        person = make_user(organisation=organisation, role=Role.ORG_ADMIN)
        db.session.add(ShareTarget(request_id=share.id, organisation_id=organisation.id))
        services.answer(share, organisation, ShareReply.WILL_SHARE, person)
        services.report(share, organisation, services.Channel.FACEBOOK, person, url=f"https://facebook.com/{n}")
        services.report(share, organisation, services.Channel.WEBSITE, person, url=f"https://site{n}.example/n")


def test_the_tally_runs_the_same_queries_for_2_and_40_organisations(app, network):
    with app.app_context():
        few, many = posted_request(network), posted_request(network)
        answered_by(2, few, network)
        answered_by(40, many, network)
        db.session.commit()
        few_id, many_id = few.id, many.id
    poster = client_as(app, network["org_admin"])
    assert statements_of(poster, f"/shares/{few_id}") == statements_of(poster, f"/shares/{many_id}")
    assert statements_of(poster, f"/shares/{few_id}?part=tally") == statements_of(poster, f"/shares/{many_id}?part=tally")
    page = poster.get(f"/shares/{many_id}").get_data(as_text=True)
    assert re.search(r"<strong>42</strong>\s*องค์กรที่ขอความร่วมมือ", page) or "<strong>42</strong>" in page


def test_the_poster_downloads_the_report_as_csv_and_a_one_page_thai_pdf(app, network):
    with app.app_context():
        share = posted_request(network)
        other = db.session.get(Organisation, network["other_id"])
        admin = find_user_by_email(network["other_admin"])
        services.answer(share, other, ShareReply.WILL_SHARE, admin)
        services.report(share, other, services.Channel.FACEBOOK, admin, url="https://facebook.com/other/posts/1")
        db.session.commit()
        share_id = share.id
    poster = client_as(app, network["member"])  # anyone of the poster's organisation
    csv = poster.get(f"/shares/{share_id}/report.csv")
    text = csv.get_data(as_text=True)
    assert csv.status_code == 200 and "https://facebook.com/other/posts/1" in text and "มหาวิทยาลัยอื่น" in text
    pdf = poster.get(f"/shares/{share_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    words = re.sub(r"\s+", "", reader.pages[0].extract_text()).replace("ำ", "า")
    assert re.sub(r"\s+", "", HEADLINE).replace("ำ", "า") in words and "facebook.com/other/posts/1" in words
    english = poster.get(f"/shares/{share_id}/report.pdf?lang=en")
    assert "Share request report" in pypdf.PdfReader(io.BytesIO(english.data)).pages[0].extract_text()
    assert client_as(app, network["other_admin"]).get(f"/shares/{share_id}/report.csv").status_code == 403


def test_the_feed_shows_what_we_owe_and_what_we_answered(app, network):
    with app.app_context():
        owed = posted_request(network, headline_th="ข่าวที่ยังไม่ตอบ")
        done = posted_request(network, headline_th="ข่าวที่ตอบแล้ว")
        posted_request(network, headline_th="ข่าวที่หมดเวลา", relevant_until=services.today() - timedelta(days=1))
        other = db.session.get(Organisation, network["other_id"])
        services.answer(done, other, ShareReply.CANNOT, find_user_by_email(network["other_admin"]))
        db.session.commit()
        assert owed.id
    page = client_as(app, network["other_admin"]).get("/shares").get_data(as_text=True)
    waiting, answered = page.split("ตอบแล้ว</h2>") if "ตอบแล้ว</h2>" in page else (page, "")
    assert "ข่าวที่ยังไม่ตอบ" in waiting and "ข่าวที่ตอบแล้ว" in answered and "ข่าวที่หมดเวลา" not in page


def test_a_reported_link_is_taken_back_with_an_undo_and_only_by_its_organisation(app, network):
    with app.app_context():
        share_id = posted_request(network).id
        db.session.commit()
    other = client_as(app, network["other_admin"])
    assert report(other, share_id).status_code == 303
    with app.app_context():
        entry_id = db.session.scalar(sa.select(ShareReport.id))
    home = client_as(app, network["org_admin"])  # the poster's admin sees the request but cannot touch other's
    assert home.post(f"/shares/{share_id}/report/{entry_id}/remove",
                     data={"csrf_token": csrf(home, "/shares")}).status_code == 403
    removed = other.post(f"/shares/{share_id}/report/{entry_id}/remove", data={"csrf_token": csrf(other, "/shares")},
                         headers={"HX-Request": "true"})
    fragment = removed.get_data(as_text=True)
    assert removed.status_code == 200 and "เลิกลบ" in fragment and "facebook.com/other" in fragment
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareReport)) == 0
    undo = re.search(r'<form method="post" action="([^"]+)"[^>]*class="undo".*?</form>', fragment, re.S)
    fields = dict(re.findall(r'name="(\w+)" (?:type="hidden" )?value="([^"]*)"', undo.group(0)))
    assert set(fields) == {"csrf_token", "channel", "url", "note"}
    assert other.post(undo.group(1), data=fields).status_code == 303  # undone: the same report again
    with app.app_context():
        again = db.session.scalar(sa.select(ShareReport))
        assert again.url.startswith("https://facebook.com/other") and again.channel.value == "facebook"
        again_id = again.id
    for expected in (303, 404):  # removed; then gone already
        assert other.post(f"/shares/{share_id}/report/{again_id}/remove",
                          data={"csrf_token": csrf(other, "/shares")}).status_code == expected


def test_a_coordinator_shows_a_hidden_request_again(app, network):
    with app.app_context():
        share_id = posted_request(network).id
        db.session.commit()
    coordinator = client_as(app, network["coordinator"])
    token = csrf(coordinator, "/shares")
    assert coordinator.post(f"/shares/{share_id}/hide", data={"reason": "ทดสอบ", "csrf_token": token}).status_code == 303
    other = client_as(app, network["other_admin"])
    assert other.get(f"/shares/{share_id}").status_code == 404
    page = coordinator.get(f"/shares/{share_id}").get_data(as_text=True)
    assert "แสดงอีกครั้ง" in page
    assert coordinator.post(f"/shares/{share_id}/unhide", data={"csrf_token": token}).status_code == 303
    assert other.get(f"/shares/{share_id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "share.unhidden"))
