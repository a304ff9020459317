"""Member organisations, the people in them, and applications to join."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {"org_admin": _l("Organisation admin"), "member": _l("Member")}
SECTOR_NAMES = {
    "government": _l("Government agency"),
    "state_enterprise": _l("State enterprise"),
    "private": _l("Private company"),
    "academic": _l("Academic institution"),
    "ngo": _l("Non-profit organisation"),
    "media": _l("Media"),
    "other": _l("Other"),
}
REGION_NAMES = {
    "bangkok_central": _l("Bangkok and the Central region"),
    "north": _l("North"),
    "northeast": _l("Northeast"),
    "east": _l("East"),
    "west": _l("West"),
    "south": _l("South"),
}
APPLICATION_STATES = {
    "unconfirmed": _l("Email not confirmed"),
    "pending": _l("Waiting for review"),
    "needs_info": _l("More information requested"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "withdrawn": _l("Withdrawn"),
}
