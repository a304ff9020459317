"""The network at a glance: charts drawn as SVG on the server, their numbers also as text, counting only what the
person may see, in a constant number of queries whatever the counts."""

import re

import pytest
import sqlalchemy as sa

from portal import glance
from portal.agreements import signing
from portal.agreements.models import AgreementKind, Answer
from portal.auth.services import find_user_by_email
from portal.events import rsvp
from portal.events import services as events
from portal.events.models import Invitation, Reply
from portal.extensions import db
from portal.organisations.models import Organisation, OrgStatus, Region, Sector
from portal.shares import services as shares
from portal.shares.models import ShareReply, ShareTarget
from tests.support.agreements import make_signatory, publish
from tests.support.events import event_values, invite_members, published_event
from tests.support.factories import make_org, make_user
from tests.support.shares import posted_request
from tests.support.web import client_as, post, statements_of


def test_each_domain_registers_its_charts(app):
    assert all(glance.registered(app, name) for name in ("organisations", "agreements", "events", "shares"))


def numbers(page, name, prefix="network"):
    """A chart's table for screen readers: {row label: [cells]}, or None when the chart is not on the page."""
    found = re.search(rf'<div class="visually-hidden"><table id="{prefix}-{name.replace(".", "-")}-numbers">(.*?)</table>',
                      page, re.S)
    if found is None:
        return None
    return {label: [int(cell) for cell in re.findall(r"<td>(\d+)</td>", cells)]
            for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', found.group(1), re.S)}


def drawing(page, name, prefix="network"):
    """A chart's SVG."""
    return re.search(rf'<figure class="chart[^"]*" id="{prefix}-{name.replace(".", "-")}">.*?(<svg class="chart-svg"'
                     r'.*?</svg>)', page, re.S).group(1)


def page_of(app, email, path="/network"):
    response = client_as(app, email).get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get("/network")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_member_organisations_by_region_and_sector(app, network):
    with app.app_context():
        make_org(region=Region.NORTH, sector=Sector.MEDIA)
        make_org(region=Region.NORTH, sector=Sector.ACADEMIC)
        make_org(region=Region.SOUTH, status=OrgStatus.SUSPENDED)  # no longer counted
        db.session.commit()
    page = page_of(app, network["member"])
    regions = numbers(page, "organisations.regions")
    assert regions["กรุงเทพฯ และภาคกลาง"] == [3] and regions["ภาคเหนือ"] == [2] and regions["ภาคใต้"] == [0]
    sectors = numbers(page, "organisations.sectors")
    assert sectors["หน่วยงานภาครัฐ"] == [3] and sectors["สื่อมวลชน"] == [1]
    assert re.search(r"\b5\b", re.search(r"<desc[^>]*>(.*?)</desc>", page).group(1))  # the gist in words


def test_the_drawing_is_an_image_with_a_title_and_no_script_or_style(app, network):
    page = page_of(app, network["member"])
    svg = drawing(page, "organisations.regions")
    assert 'role="img"' in svg and re.search(r"<title id=\"[^\"]+\">[^<]+</title>", svg)
    assert re.search(r'aria-labelledby="network-organisations-regions-svg-title', svg)
    assert "<script" not in page.split("<main")[1] and " style=" not in page and "<desc" in svg
    assert '<rect class="chart-bar"' in svg and ">3</text>" in svg  # the value at the bar's end


def test_the_signing_of_open_agreements(app, network):
    with app.app_context():
        make_signatory(network["org_admin"])
        version = publish(AgreementKind.COOPERATION, network["org_admin"], "home", partners=("other",),
                          title_th="ข้อตกลงข่าวสารภาคเหนือ")
        admin = find_user_by_email(network["org_admin"])
        signing.answer(version, db.session.get(Organisation, network["home_id"]), admin, Answer.SIGNED,
                       typed_name="แอดมินบ้าน", typed_position="ผู้อำนวยการ", consent_text="ข้าพเจ้าได้อ่านและลงนาม",
                       shown_sha256=version.text_sha256, ip="192.0.2.1", user_agent="test")
        db.session.commit()
    for role in ("member", "other_admin", "coordinator"):
        assert numbers(page_of(app, network[role]), "agreements.signing") == {"ข้อตกลงข่าวสารภาคเหนือ": [1, 2]}
    # a person of an organisation that is no party sees no such agreement
    with app.app_context():
        make_user("reader@listed.example", db.session.get(Organisation, network["listed_id"]),
                  password_hash=find_user_by_email(network["member"]).password_hash)
        db.session.commit()
    assert numbers(page_of(app, "reader@listed.example"), "agreements.signing") is None


def _answer(user_id, event, reply):
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.event_id == event.id,
                                                               Invitation.user_id == user_id))
    rsvp.answer(invitation, reply)


def test_answers_to_coming_events(app, network):
    with app.app_context():
        event = published_event(network, title_th="สัมมนาเครือข่ายภาคใต้")
        yes, no, _silent = invite_members(event, 3, network["org_admin"])
        _answer(yes, event, Reply.YES)
        _answer(no, event, Reply.NO)
        admin = find_user_by_email(network["org_admin"])
        events.create(event_values(title_th="งานร่างลับ"), by=admin, host=event.host_organisation)  # a draft
        cancelled = published_event(network, title_th="งานที่ยกเลิก")
        events.invite(cancelled, by=admin, user_ids=[yes])
        events.cancel(cancelled, by=admin)
        db.session.commit()
    found = numbers(page_of(app, network["member"]), "events.answers")
    # coming, on the waiting list, maybe, not coming, not answered; and everyone invited
    assert found == {"สัมมนาเครือข่ายภาคใต้": [1, 0, 0, 1, 1, 3]}


def test_an_event_the_person_may_not_see_is_not_counted(app, network):
    with app.app_context():
        published_event(network, title_th="งานเฉพาะสมาชิก")
        make_user("outsider@nowhere.example", password_hash=find_user_by_email(network["member"]).password_hash)
        db.session.commit()
    assert numbers(page_of(app, network["member"]), "events.answers") == {"งานเฉพาะสมาชิก": [0, 0, 0, 0, 0, 0]}
    page = page_of(app, "outsider@nowhere.example")  # in no organisation: members' events and the directory are not theirs
    assert numbers(page, "events.answers") is None and numbers(page, "organisations.regions") is None


def test_share_requests_answered_and_shared(app, network):
    with app.app_context():
        share = posted_request(network, headline_th="ข่าวงานวันประชาสัมพันธ์")
        other = db.session.get(Organisation, network["other_id"])
        other_admin = find_user_by_email(network["other_admin"])
        shares.answer(share, other, ShareReply.WILL_SHARE, other_admin)
        hidden = posted_request(network, headline_th="ข่าวที่ถูกซ่อน")
        shares.hide(hidden, "ผิดกติกา", find_user_by_email(network["coordinator"]))
        db.session.commit()
        asked = db.session.scalar(sa.select(sa.func.count()).where(ShareTarget.request_id == share.id))
    expected_rows = {"ข่าวงานวันประชาสัมพันธ์"}
    for role in ("member", "coordinator"):
        found = numbers(page_of(app, network[role]), "shares.answers")
        assert set(found) == expected_rows  # the hidden request is not counted
        shared, will, cannot, silent, reached = found["ข่าวงานวันประชาสัมพันธ์"]
        assert (shared, will, cannot) == (0, 1, 0) and (silent, reached) == (asked - 1, asked)
    # the tally is its poster's: an organisation asked does not see it
    assert numbers(page_of(app, network["other_admin"]), "shares.answers") is None


def fill(app, network, n, start=0):
    """n of each kind of thing the charts count: organisations, events with answers, agreements, share requests."""
    with app.app_context():
        make_signatory(network["org_admin"])
        admin = find_user_by_email(network["org_admin"])
        for k in range(start, start + n):
            make_org(region=list(Region)[k % 6], sector=list(Sector)[k % 7])
            event = published_event(network, title_th=f"สัมมนา {k}")
            events.invite(event, by=admin, user_ids=[find_user_by_email(network["member"]).id])
            _answer(find_user_by_email(network["member"]).id, event, Reply.YES)
            publish(AgreementKind.COOPERATION, network["org_admin"], "home", partners=("other",),
                    title_th=f"ข้อตกลง {k}")
            share = posted_request(network, headline_th=f"ข่าว {k}")
            shares.answer(share, db.session.get(Organisation, network["other_id"]), ShareReply.CANNOT,
                          find_user_by_email(network["other_admin"]))
        db.session.commit()


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_the_same_queries_whatever_the_counts(app, network, role):
    fill(app, network, 1)
    client = client_as(app, network[role])
    statements_of(client, "/network")  # the navigation's badges are counted once, then kept a minute
    few = statements_of(client, "/network"), statements_of(client, "/")
    fill(app, network, 9, start=1)
    statements_of(client, "/network")
    assert (statements_of(client, "/network"), statements_of(client, "/")) == few


def test_the_dashboard_shows_the_charts_and_leads_to_the_network_page(app, network):
    with app.app_context():
        published_event(network, title_th="สัมมนาบนแดชบอร์ด")
        db.session.commit()
    page = page_of(app, network["member"], "/")
    assert 'id="glance-heading"' in page and 'href="/network"' in page
    assert numbers(page, "events.answers", prefix="glance") == {"สัมมนาบนแดชบอร์ด": [0, 0, 0, 0, 0, 0]}
    assert 'role="img"' in drawing(page, "organisations.regions", prefix="glance")


def test_english_labels(app, network):
    client = client_as(app, network["member"])
    post(client, "/language", {"language": "en", "next": "/network"})
    page = client.get("/network").get_data(as_text=True)
    assert "Bangkok and the Central region" in page and "Member organisations by region" in page
