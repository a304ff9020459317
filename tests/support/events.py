"""Events as their hosts make them, for the tests: a published event of home's, and people invited to it."""

from datetime import timedelta

from portal.auth.services import find_user_by_email
from portal.db import utcnow
from portal.events import services
from portal.events.models import Visibility
from portal.extensions import db
from portal.organisations.models import Organisation
from tests.support.factories import make_user


def event_values(**values):
    """The values of an event in a week, two hours long, answers closing the day before."""
    starts_at = (utcnow() + timedelta(days=7)).replace(second=0, microsecond=0)
    return {"title_th": "สัมมนาเครือข่ายประชาสัมพันธ์", "title_en": "PR Network seminar",
            "description_th": "พบปะแลกเปลี่ยน", "description_en": "Meet and share", "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2), "rsvp_deadline": starts_at - timedelta(days=1),
            "place": "ห้องประชุม 1 ศาลากลางจังหวัด", "map_url": "https://maps.example/room-1",
            "online_url": "https://meet.example/pr-seminar", "capacity": None, "visibility": Visibility.MEMBERS,
            **values}


def published_event(network, **values):
    """home's published event (made and published by home's admin). Run in an app context; return it."""
    admin = find_user_by_email(network["org_admin"])
    event = services.create(event_values(**values), by=admin, host=db.session.get(Organisation, network["home_id"]))
    services.publish(event, by=admin)
    db.session.flush()
    return event


def invite_members(event, count, by_email, language="th", prefix="person"):
    """Add `count` people to the host organisation and invite them by hand; return their user ids."""
    by = find_user_by_email(by_email)
    home = db.session.get(Organisation, event.host_organisation_id)
    people = [make_user(f"{prefix}{n}@guests.example", home, language=language) for n in range(count)]
    db.session.flush()
    services.invite(event, by=by, user_ids=[p.id for p in people])
    return [p.id for p in people]
