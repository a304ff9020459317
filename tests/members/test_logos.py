"""Logo upload: only real PNG, JPEG or WebP images, within size and pixel limits, re-encoded under a new name."""

import io
import os
import zlib

import pytest
from PIL import Image

from tests.auth.conftest import csrf, login
from tests.members.conftest import organisation


def image_bytes(fmt, size=(300, 200), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, "#0b5d8a").save(out, fmt)
    return out.getvalue()


def upload(client, data, filename):
    token = csrf(client, "/organisations/home")
    return client.post("/organisations/home/logo", data={"logo": (io.BytesIO(data), filename), "csrf_token": token},
                       content_type="multipart/form-data", headers={"HX-Request": "true", "X-CSRFToken": token})


@pytest.fixture
def admin(orgs, tmp_path):
    orgs.config["LOGO_FOLDER"] = str(tmp_path)
    client = orgs.test_client()
    login(client, "admin@home.example")
    return client


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_valid_image_is_re_encoded_and_served(orgs, admin, tmp_path, fmt):
    response = upload(admin, image_bytes(fmt, (1200, 800)), "โลโก้ของเรา.jpg")
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/organisations/home"
    name = organisation(orgs, "home").logo
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
])
def test_anything_else_is_refused_with_a_clear_message(orgs, admin, tmp_path, data, filename, message):
    response = upload(admin, data, filename)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 422 and message in fragment
    assert fragment.lstrip().startswith('<div id="section-logo"')
    assert organisation(orgs, "home").logo == "" and os.listdir(tmp_path) == []


def test_a_declared_pixel_bomb_is_refused_before_decoding(orgs, admin, tmp_path):
    png = bytearray(image_bytes("PNG", (10, 10)))
    png[16:24] = (100000).to_bytes(4, "big") + (100000).to_bytes(4, "big")  # IHDR claims 100,000 x 100,000
    png[29:33] = zlib.crc32(bytes(png[12:29])).to_bytes(4, "big")  # with a valid checksum
    response = upload(admin, bytes(png), "bomb.png")
    assert response.status_code == 422 and "รูปภาพมีจำนวนพิกเซลมากเกินไป" in response.get_data(as_text=True)


def test_logo_names_cannot_reach_other_files(admin):
    assert admin.get("/logos/..%2F..%2Fportal.db").status_code == 404
    assert admin.get("/logos/" + "a" * 32 + ".svg").status_code == 404
