"""Logo upload: only real PNG, JPEG or WebP images, within size and pixel limits, re-encoded under a new name."""

import io
import os
import subprocess
import sys
import zlib

import pytest
from PIL import Image

from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.organisations.models import Role
from tests.support.databases import ROOT
from tests.support.factories import make_org, make_user
from tests.support.network import PASSWORD
from tests.support.organisations import organisation
from tests.support.web import csrf, login


def image_bytes(fmt, size=(300, 200), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, "#0b5d8a").save(out, fmt)
    return out.getvalue()


def upload(client, data, filename):
    token = csrf(client, "/organisations/home")
    return client.post("/organisations/home/logo", data={"logo": (io.BytesIO(data), filename), "csrf_token": token},
                       content_type="multipart/form-data", headers={"HX-Request": "true", "X-CSRFToken": token})


@pytest.fixture
def admin(app, network, tmp_path):
    app.config["LOGO_FOLDER"] = str(tmp_path)
    client = app.test_client()
    login(client, "admin@home.example")
    return client


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_valid_image_is_re_encoded_and_served(app, network, admin, tmp_path, fmt):
    response = upload(admin, image_bytes(fmt, (1200, 800)), "โลโก้ของเรา.jpg")
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/organisations/home"
    name = organisation(app, "home").logo
    assert name.endswith(".png") and "โลโก้" not in name and os.listdir(tmp_path) == [name]
    with Image.open(tmp_path / name) as stored:
        assert stored.format == "PNG" and max(stored.size) == 512
    served = admin.get(f"/logos/{name}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert f'src="/logos/{name}"' in admin.get("/organisations/home").get_data(as_text=True)


@pytest.mark.parametrize("data, filename, message", [
    (b"Just some text, not an image at all.", "logo.png", "โปรดอัปโหลดรูปภาพ PNG, JPEG หรือ WebP"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
     "โปรดอัปโหลดรูปภาพ PNG, JPEG หรือ WebP"),
    (image_bytes("GIF"), "logo.gif", "โปรดอัปโหลดรูปภาพ PNG, JPEG หรือ WebP"),
    (image_bytes("PNG")[:100], "broken.png", "โปรดอัปโหลดรูปภาพ PNG, JPEG หรือ WebP"),
    (b"\x89PNG" + os.urandom(3 * 1024 * 1024), "huge.png", "ไฟล์โลโก้มีขนาดเกิน 2 MB"),
    (image_bytes("PNG", (6000, 6000), "1"), "bomb.png", "รูปภาพมีจำนวนพิกเซลมากเกินไป"),
    (image_bytes("PNG", (2100, 2100), "1"), "large.png", "รูปภาพมีจำนวนพิกเซลมากเกินไป"),
])
def test_anything_else_is_refused_with_a_clear_message(app, network, admin, tmp_path, data, filename, message):
    response = upload(admin, data, filename)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 422 and message in fragment
    assert fragment.lstrip().startswith('<div id="section-logo"')
    assert organisation(app, "home").logo == "" and os.listdir(tmp_path) == []


def test_a_declared_pixel_bomb_is_refused_before_decoding(app, network, admin, tmp_path):
    png = bytearray(image_bytes("PNG", (10, 10)))
    png[16:24] = (100000).to_bytes(4, "big") + (100000).to_bytes(4, "big")  # IHDR claims 100,000 x 100,000
    png[29:33] = zlib.crc32(bytes(png[12:29])).to_bytes(4, "big")  # with a valid checksum
    response = upload(admin, bytes(png), "bomb.png")
    assert response.status_code == 422 and "รูปภาพมีจำนวนพิกเซลมากเกินไป" in response.get_data(as_text=True)


def test_logo_names_cannot_reach_other_files(admin):
    assert admin.get("/logos/..%2F..%2Fportal.db").status_code == 404
    assert admin.get("/logos/" + "a" * 32 + ".svg").status_code == 404


MEASURE = """
import io, re, sys
from flask import Flask
from portal.organisations.logos import LogoError, save_logo


def peak_kb():  # this process's own peak (VmHWM): ru_maxrss would carry over the parent's peak from before exec
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))


app = Flask("measure")
app.config["LOGO_FOLDER"] = sys.argv[2]
data = open(sys.argv[1], "rb").read()
before = peak_kb()
with app.app_context():
    try:
        save_logo(io.BytesIO(data))
        outcome = "saved"
    except LogoError:
        outcome = "refused"
print(outcome, (peak_kb() - before) // 1024)
"""


def solid_png(width, height):
    """An RGBA PNG of one colour, written row by row: about 110 KB at 5000 x 5000, that decode to 100 MB."""
    compressor, row = zlib.compressobj(9), b"\x00" + b"\x0b\x5d\x8a\xff" * width
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind, body):
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def peak_memory_of_saving(data, tmp_path):
    """Save `data` as a logo in a fresh process; return the outcome and how many MB the peak memory grew."""
    source = tmp_path / "upload"
    source.write_bytes(data)
    out = subprocess.run([sys.executable, "-c", MEASURE, str(source), str(tmp_path)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return out[0], int(out[1])


def test_a_small_file_of_many_pixels_is_refused_before_it_costs_memory(tmp_path):
    png = solid_png(4999, 4999)
    assert len(png) < 200_000, "a small file..."
    outcome, grown = peak_memory_of_saving(png, tmp_path)
    assert (outcome, grown < 20) == ("refused", True), f"{outcome}, +{grown} MB (it took +200 MB before)"


def test_a_logo_within_the_limits_decodes_in_modest_memory(tmp_path):
    outcome, grown = peak_memory_of_saving(solid_png(2048, 2048), tmp_path)
    assert outcome == "saved" and grown < 60, f"+{grown} MB"


def test_a_large_photo_decodes_at_a_fraction_of_its_size(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), "#0b5d8a").save(out, "JPEG")
    outcome, grown = peak_memory_of_saving(out.getvalue(), tmp_path)
    assert outcome == "saved" and grown < 25, f"+{grown} MB (a whole decode is 96 MB)"


def test_uploads_are_rate_limited_per_person(make_app, tmp_path):
    app = make_app(LOGO_FOLDER=str(tmp_path), LOGO_RATE_LIMIT="2 per minute")
    with app.app_context():
        make_user("admin@home.example", make_org(slug="home"), Role.ORG_ADMIN, password_hash=hash_password(PASSWORD))
        db.session.commit()
    client = app.test_client()
    login(client, "admin@home.example")
    answers = [upload(client, image_bytes("PNG"), "logo.png").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_logo_can_be_removed_after_being_asked(app, network, admin, tmp_path):
    upload(admin, image_bytes("PNG"), "logo.png")
    name = organisation(app, "home").logo
    page = admin.get("/organisations/home").get_data(as_text=True)
    assert "<details class=\"logo-remove\">" in page and "ใช่ นำโลโก้ออก" in page, "the button that acts is folded"
    token = csrf(admin, "/organisations/home")
    removed = admin.post("/organisations/home/logo/remove", data={"csrf_token": token})
    assert removed.status_code == 303 and organisation(app, "home").logo == "" and os.listdir(tmp_path) == []
    page = admin.get("/organisations/home").get_data(as_text=True)
    assert "นำโลโก้ออกแล้ว" in page and f"/logos/{name}" not in page and "logo-remove" not in page
    assert admin.get(f"/logos/{name}").status_code == 404
