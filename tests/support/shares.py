"""Share requests as their posters make them, for the tests: home's request to the network, and files to attach."""

import io
from datetime import timedelta

from PIL import Image

from portal.auth.services import find_user_by_email
from portal.extensions import db
from portal.organisations.models import Channel, Organisation
from portal.shares import services

HEADLINE = "เชิญร่วมงานวันประชาสัมพันธ์แห่งชาติ"


def request_values(**values):
    """The values of a request to every member organisation, relevant for a week."""
    return {"headline_th": HEADLINE, "headline_en": "National PR Day", "message_th": "ขอความร่วมมือเผยแพร่ข่าวนี้",
            "message_en": "Please share this news", "links": ["https://home.example/news/1"],
            "channels": ["facebook", "website"], "regions": [], "sectors": [], "chosen": [],
            "relevant_until": services.today() + timedelta(days=7), **values}


def posted_request(network, files=(), **values):
    """home's request, posted by its admin (run in an app context); return it."""
    admin = find_user_by_email(network["org_admin"])
    home = db.session.get(Organisation, network["home_id"])
    share = services.post_request(home, admin, request_values(**values), files)
    db.session.flush()
    return share


def png_bytes(width=40, height=30, colour=(200, 30, 30), kind="PNG"):
    """An image of one colour (a PNG unless told otherwise)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, kind)
    return out.getvalue()


def shares_world(network):
    """For the route walls: home's request with an image (asks other and listed), with a link other's admin
    reported, committed; the ids of the request, its file and the report."""
    share = posted_request(network, files=[("poster.png", "image/png", png_bytes())])
    other = db.session.get(Organisation, network["other_id"])
    entry = services.report(share, other, Channel.FACEBOOK, find_user_by_email(network["other_admin"]),
                            url="https://facebook.com/other/posts/0")
    db.session.commit()
    return {"share_id": share.id, "file_id": share.attachments[0].id, "report_id": entry.id}
