"""Member organisations and the people in them."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {"org_admin": _l("Organisation admin"), "member": _l("Member")}
