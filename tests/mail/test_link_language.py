"""A mailed link opens its page in the recipient's language, even in a browser that has never seen the portal."""

import re

from portal.extensions import db
from portal.mail.services import in_recipient_language, render_mail
from tests.support.applications import make_application
from tests.support.mail import last_mail
from tests.support.web import csrf


def test_an_english_applicant_s_links_open_english_pages_in_a_fresh_browser(app, client):
    with app.app_context():
        make_application(confirm=False, language="en", applicant_email="someone@abroad.example")
        db.session.commit()
        mail = last_mail("someone@abroad.example")
    text_links = re.findall(r"http://portal\.test/\S*", mail.body_text)
    html_links = re.findall(r'href="(http://portal\.test/[^"]*)"', mail.body_html)
    assert text_links and html_links
    assert all(link.endswith("language=en") for link in text_links), text_links
    assert all(link.endswith("language=en") for link in html_links), html_links

    confirm = next(link for link in text_links if "/confirm/" in link)
    page = client.get(confirm.removeprefix("http://portal.test"))
    assert page.status_code == 200
    assert '<html lang="en"' in page.text
    # The browser keeps the language on the pages that follow.
    assert '<html lang="en"' in client.get("/apply").text


def test_a_language_chosen_in_the_browser_stays_when_a_link_in_the_other_language_is_opened(app, client):
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf(client, "/")})
    with app.app_context():
        make_application(confirm=False, language="th", applicant_email="somchai@thai.example")
        db.session.commit()
        text = last_mail("somchai@thai.example").body_text
    confirm = re.search(r"http://portal\.test(/\S*/confirm/\S*)", text).group(1)
    assert confirm.endswith("language=th")
    assert '<html lang="en"' in client.get(confirm).text


def test_links_keep_their_query_fragment_and_the_sentence_around_them(app_ctx):
    body = ("Open http://portal.test/events/3. Or (http://portal.test/a?x=1#top), "
            "http://portal.test/b?language=th and https://elsewhere.example/c")
    assert in_recipient_language(body, "en", html=False) == (
        "Open http://portal.test/events/3?language=en. Or (http://portal.test/a?x=1&language=en#top), "
        "http://portal.test/b?language=th and https://elsewhere.example/c")
    html = '<a href="http://portal.test/a?x=1&amp;y=2#n">http://portal.test/a</a> <a href="https://x.example/">x</a>'
    assert in_recipient_language(html, "th", html=True) == (
        '<a href="http://portal.test/a?x=1&amp;y=2&amp;language=th#n">http://portal.test/a</a> '
        '<a href="https://x.example/">x</a>')


def test_an_odd_language_in_a_link_is_ignored(client):
    assert '<html lang="th"' in client.get("/apply?language=xx").text
    assert '<html lang="th"' in client.get("/apply?language=").text


def test_every_mail_template_s_links_carry_the_language(app_ctx):
    _, text, html = render_mail("notice", "s", "en", greeting="Dear x,", paragraphs=[], quote="", items=[],
                                link="http://portal.test/organisations/home", link_label="Open")
    assert "http://portal.test/organisations/home?language=en" in text
    assert 'href="http://portal.test/organisations/home?language=en"' in html
