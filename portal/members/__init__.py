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
CHANNEL_NAMES = {
    "website": _l("Website"),
    "facebook": _l("Facebook page"),
    "line": _l("LINE official account"),
    "x": "X",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "instagram": "Instagram",
    "broadcast": _l("Radio or TV programme"),
    "other": _l("Other"),
}
VISIBILITY_NAMES = {"public": _l("Everyone"), "members": _l("Network members"), "hidden": _l("Only our organisation")}
ORGANISATION_STATES = {"active": _l("Active"), "suspended": _l("Suspended"), "left": _l("Left the network")}
EXPERTISE_SUGGESTIONS = [_l("Crisis communication"), _l("Media relations"), _l("CSR"), _l("Digital communication"),
                         _l("Events"), _l("Internal communication"), _l("Community relations")]
SECTION_NAMES = {"about": _l("About the organisation"), "contact": _l("Contact details"), "channels": _l("PR channels"),
                 "expertise": _l("Areas of expertise"), "visibility": _l("Who sees what"), "logo": _l("Logo"),
                 "people": _l("People")}
