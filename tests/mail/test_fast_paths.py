"""queue_many's fast path gives exactly what the plain path gives: broadcasts filled in."""

import sqlalchemy as sa

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.services import queue_many, render_mail

HOSTILE = ['<script>alert("x")</script>', "Tom & Jerry's \"shop\"", "%(name)s %%", "{{ name }}", "",
           "queuemany" + "0" * 32, "สมชาย ใจดี"]


def test_broadcast_mail_equals_one_by_one_rendering(app_ctx):
    recipients = [(f"r{n}@member.example", "th" if n % 2 else "en", {"name": name})
                  for n, name in enumerate(HOSTILE * 2)]
    queue_many("main/announcement", "ประกาศ", recipients, idempotency_prefix="p", message="ข้อความ <b>ถึงทุกคน</b>")
    db.session.commit()
    stored = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert len(stored) == len(recipients)
    for address, language, extra in recipients:
        subject, text, html = render_mail("main/announcement", "ประกาศ", language, message="ข้อความ <b>ถึงทุกคน</b>",
                                          **extra)
        assert (stored[address].subject, stored[address].body_text, stored[address].body_html) == (subject, text, html)
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;' in stored["r0@member.example"].body_html
    assert '<script>alert("x")</script>' in stored["r0@member.example"].body_text


def test_a_template_that_does_more_than_print_a_value_is_rendered_in_full(app_ctx, tmp_path):
    from jinja2 import ChoiceLoader, DictLoader

    app = app_ctx
    app.jinja_loader  # noqa: B018  (make sure the loader exists before we wrap it)
    app.jinja_env.loader = ChoiceLoader([DictLoader({
        "mail/test/shouting.txt": "{{ name|upper }}{% if name == 'b' %} special{% endif %}",
        "mail/test/shouting.html": "<p>{{ name|upper }}</p>",
    }), app.jinja_env.loader])
    queue_many("test/shouting", "s", [("a@m.example", "th", {"name": "a"}), ("b@m.example", "th", {"name": "b"})])
    bodies = dict(db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.body_text)).all())
    assert bodies == {"a@m.example": "A", "b@m.example": "B special"}


def test_values_inside_translated_sentences_are_escaped_in_mail(app_ctx):
    """Flask-Babel's lazy strings claim to be safe HTML; the applicant's words inside them must still be escaped."""
    from flask_babel import lazy_gettext as _l

    from portal.mail.services import render_mail

    _, text, html = render_mail("notice", "s", "th", greeting=_l("Dear %(name)s,", name="<b>x</b>"),
                                paragraphs=[_l("Dear %(name)s,", name="<i>y</i>")], quote="", items=[], link=None,
                                link_label="")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;i&gt;y&lt;/i&gt;" in html and "<b>x</b>" not in html
    assert "เรียน คุณ<b>x</b>" in text
