"""Pages every domain shares: the answer to a mailed link that cannot be used."""

from portal.htmx import render


def invalid_link(error, forward=None, note=None):
    """The page for a link that cannot be used: expired, used, tampered or made for another purpose (400).

    `forward`: (label, url) of the way on that the link's domain offers (ask for a new link, apply again...);
    `note`: a sentence more about links of this kind.
    """
    return render("invalid_link.html", expired=error.expired, forward=forward, note=note, status=400)
