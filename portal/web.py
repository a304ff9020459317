"""Answers every domain shares: the page for a mailed link that cannot be used, and CSV downloads."""

import csv
import io

from flask import make_response

from portal.htmx import render


def invalid_link(error, forward=None, note=None):
    """The page for a link that cannot be used: expired, used, tampered or made for another purpose (400). A link
    known to be used says so, and what it did (TokenError.used, .what).

    `forward`: (label, url) of the way on that the link's domain offers (ask for a new link, apply again...);
    `note`: a sentence more about links of this kind.
    """
    return render("invalid_link.html", expired=error.expired, used=getattr(error, "used", False),
                  what=getattr(error, "what", None), forward=forward, note=note, status=400)


def safe_cell(value):
    """A spreadsheet cell that cannot run: text starting with = + - @ (a formula to Excel) is written as text."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_text(rows, bom=False):
    """Rows as CSV text, no cell a formula; `bom` starts it with a byte-order mark, so that Excel reads the Thai as
    UTF-8 (the start of a file; not the later pieces of a streamed one)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    csv.writer(out).writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()


def csv_download(headers, rows, filename):
    """A CSV file to download: UTF-8 with a byte-order mark (so that Excel shows Thai), no cell a formula."""
    response = make_response(csv_text([headers, *rows], bom=True))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
