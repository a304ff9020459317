"""Rendering and queueing mail: each recipient's own mail in their language, values escaped, one INSERT a batch."""

import sqlalchemy as sa

from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.services import queue_many, render_mail

HOSTILE = ['<script>alert("x")</script>', "Tom & Jerry's \"shop\"", "%(name)s %%", "{{ name }}", "",
           "สมชาย ใจดี"]


def test_a_broadcast_is_each_recipients_own_mail_queued_in_one_statement(app_ctx):
    recipients = [(f"r{n}@member.example", "th" if n % 2 else "en", {"name": name})
                  for n, name in enumerate(HOSTILE * 2)]
    statements = []

    def record(connection, clause, *args):
        statements.append(clause)

    sa.event.listen(db.engine, "before_execute", record)
    try:
        queued = queue_many("main/announcement", "ประกาศ", recipients, idempotency_prefix="p",
                            message="ข้อความ <b>ถึงทุกคน</b>", kind="announcements")
    finally:
        sa.event.remove(db.engine, "before_execute", record)
    db.session.commit()
    assert queued == len(recipients)
    assert [type(s) for s in statements] == [sa.Select, sa.Insert], "one look at who opted out, one INSERT for the lot"
    stored = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert len(stored) == len(recipients)
    for address, language, extra in recipients:
        subject, text, html = render_mail("main/announcement", "ประกาศ", language, message="ข้อความ <b>ถึงทุกคน</b>",
                                          **extra)
        mail = stored[address]
        assert (mail.subject, mail.body_text, mail.body_html, mail.language) == (subject, text, html, language)
        assert (mail.status, mail.idempotency_key) == (OutboxStatus.QUEUED, f"p:{address}")
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;' in stored["r0@member.example"].body_html
    assert '<script>alert("x")</script>' in stored["r0@member.example"].body_text
    assert "Dear" in stored["r0@member.example"].body_text and "เรียน" in stored["r1@member.example"].body_text


def test_values_inside_translated_sentences_are_escaped_in_mail(app_ctx):
    """Flask-Babel's lazy strings claim to be safe HTML; the applicant's words inside them must still be escaped."""
    from flask_babel import lazy_gettext as _l

    _, text, html = render_mail("notice", "s", "th", greeting=_l("Dear %(name)s,", name="<b>x</b>"),
                                paragraphs=[_l("Dear %(name)s,", name="<i>y</i>")], quote="", items=[], link=None,
                                link_label="")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;i&gt;y&lt;/i&gt;" in html and "<b>x</b>" not in html
    assert "เรียน คุณ<b>x</b>" in text
