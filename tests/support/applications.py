"""Applications as the public form makes them."""

from portal.applications import services
from portal.extensions import db

FORM = {
    "name_th": "สำนักงานประชาสัมพันธ์จังหวัดน่าน",
    "name_en": "Nan Provincial PR Office",
    "sector": "government",
    "region": "north",
    "province": "TH-55",
    "website": "https://www.nan-pr.example",
    "channels": "Facebook: สปข.น่าน\nLINE: @nanpr",
    "description": "ประชาสัมพันธ์ข่าวสารของจังหวัดน่าน",
    "applicant_name": "มาลี ศรีน่าน",
    "applicant_email": "Malee@Nan-PR.example",
    "applicant_position": "ประชาสัมพันธ์จังหวัด",
    "motivation": "อยากแลกเปลี่ยนข่าวสารกับเครือข่ายทั่วประเทศ",
    "consent": "y",
    "privacy": "y",
}


def application_of_status_link(path):
    """The id of the application a private status link opens (tokens carry their time: compare what they open)."""
    return services.application_for_status_link(path.split("?")[0].rsplit("/", 1)[1]).id


def make_application(confirm=True, **fields):
    """Add an application as the public form would, confirmed (in the queue) unless told otherwise."""
    values = {k: v for k, v in FORM.items() if k not in ("consent", "privacy")}
    application = services.submit_application(fields.pop("language", "th"), **{**values, **fields})
    if confirm:
        services.confirm_application(application)
    db.session.flush()
    return application
