"""The shared field rendering and checks, as people meet them: phone numbers as written, long text refused (never
cut), required fields marked, provinces chosen from a list, "choose" where nothing can be filled in."""

import re

import pytest

from tests.support.organisations import organisation, save
from tests.support.web import client_as, csrf

ABOUT = {"name_th": "สำนักงานประชาสัมพันธ์บ้านเรา", "name_en": "Our Home PR Office", "sector": "government",
         "region": "north", "province": "TH-52", "description": "ดูแลข่าวสารของจังหวัด"}


@pytest.mark.parametrize("phone", ["02-123-4567 ต่อ 12", "+66 (0)2 123 4567", "081.234.5678", "02 123 4567 ext. 5"])
def test_phone_numbers_are_taken_as_people_write_them(app, network, phone):
    admin = client_as(app, "admin@home.example")
    assert save(admin, "home", "contact", {"phone": f" {phone} "}).status_code == 303
    assert organisation(app, "home").phone == phone


def test_long_text_is_refused_with_its_length_and_kept_not_cut(app, network):
    admin = client_as(app, "admin@home.example")
    form = admin.get("/organisations/home/about/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert not re.search(r"\smaxlength=", form), "the browser would cut pasted text without a word"
    assert re.search(r'<small id="description-count" class="char-count">\d+ / 2000</small>', form)
    response = save(admin, "home", "about", {**ABOUT, "description": "ก" * 2005}, htmx=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ใช้ได้ไม่เกิน 2000 ตัวอักษร ข้อความนี้มี 2005 ตัวอักษร" in page
    assert "ก" * 2005 in page and "2005 / 2000" in page, "what was typed comes back whole, with its count"
    assert organisation(app, "home").description != "ก" * 2005


def test_required_fields_are_marked_and_explained_once(app, network):
    admin = client_as(app, "admin@home.example")
    form = admin.get("/organisations/home/about/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert form.count("ช่องที่มีเครื่องหมาย * จำเป็นต้องกรอกหรือเลือก") == 1
    assert re.search(r'<label for="name_th" class="required">', form)
    assert re.search(r'<input[^>]*aria-required="true"[^>]*id="name_th"[^>]*required', form)
    assert re.search(r'<label for="name_en">', form), "an optional field has no mark"


def test_provinces_are_chosen_by_region_and_shown_in_the_page_language(app, network):
    admin = client_as(app, "admin@home.example")
    form = admin.get("/organisations/home/about/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<optgroup label="ภาคเหนือ">' in form and '<option value="TH-50">เชียงใหม่</option>' in form
    response = save(admin, "home", "about", {**ABOUT, "province": ""}, htmx=True)
    assert response.status_code == 422 and "โปรดเลือกหนึ่งรายการ" in response.get_data(as_text=True)
    assert save(admin, "home", "about", {**ABOUT, "province": "Atlantis"}, htmx=True).status_code == 422
    assert save(admin, "home", "about", {**ABOUT, "province": "เชียงราย"}).status_code == 303, "a name is understood"
    assert organisation(app, "home").province == "TH-57"
    admin.post("/language", data={"language": "en", "csrf_token": csrf(admin, "/organisations/home")})
    page = admin.get("/organisations/home").get_data(as_text=True)
    assert "Chiang Rai" in page and "เชียงราย" not in page
    form = admin.get("/organisations/home/about/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<optgroup label="North">' in form and '<option selected value="TH-57">Chiang Rai</option>' in form
