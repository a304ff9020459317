"""People and their accounts."""

from flask_babel import lazy_gettext as _l

INVITATION_STATES = {"pending": _l("Pending"), "accepted": _l("Accepted"), "revoked": _l("Revoked"),
                     "expired": _l("Expired")}
