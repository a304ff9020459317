"""A request's report for its poster: a CSV of every answer and every place it was shared, and a one-page PDF (Thai
by default, or English) to show a director: what was shared, where and by whom."""

from flask_babel import gettext as _

from portal import pdf
from portal.i18n import format_datetime

TEMPLATE = "shares/report_pdf.html"
STYLESHEET = "css/certificate.css"  # the look of the portal's documents
PDF_ROWS = 18  # what fits on the one page; the CSV has them all


def csv_rows(tally, language):
    """(headers, rows) of the CSV: one row per answer, then one per place shared."""
    headers = [_("Organisation"), _("Answer"), _("Channel"), _("Web address"), _("Note"), _("By"), _("When")]
    rows = [[a.organisation.name_in(language), str(a.reply.label), "", "", a.note,
             a.answered_by.name if a.answered_by else "", format_datetime(a.answered_at)] for a in tally.answers]
    rows += [[r.organisation.name_in(language), _("Shared"), str(r.channel.label), r.url, r.note,
              r.reported_by.name if r.reported_by else "", format_datetime(r.created_at)] for r in tally.reports]
    return headers, rows


def report_pdf(share, tally, language):
    """The one-page report as PDF bytes, in a language ("th" or "en")."""
    return pdf.render(TEMPLATE, language, STYLESHEET, share=share, tally=tally, language=language,
                      reports=tally.reports[:PDF_ROWS], more=max(len(tally.reports) - PDF_ROWS, 0))
