"""The audit log for coordinators: each event as a sentence, filtered, paged, and exported as CSV."""

from datetime import date

from flask import Response, current_app, request
from flask_babel import gettext as _

from portal.admin import services
from portal.admin.views import bp
from portal.audit import KINDS
from portal.audit.sentences import tell
from portal.htmx import render
from portal.i18n import in_language, page_language, to_bangkok
from portal.urls import MAX_ID, page_arg
from portal.web import csv_text


def _read_filters():
    """The log's filters from the query arguments, kept as typed, and a message for each date that is no date."""
    args = request.args
    kind = args.get("kind", "")
    organisation = args.get("organisation", type=int)
    typed = {"kind": kind if kind in KINDS or kind == services.ALL_KINDS else "",
             "person": args.get("person", "").strip()[:100],
             "organisation": organisation if organisation and 0 < organisation <= MAX_ID else "",
             "since": args.get("since", "").strip()[:20], "until": args.get("until", "").strip()[:20]}
    days, errors = {}, {}
    for name in ("since", "until"):
        try:
            days[name] = date.fromisoformat(typed[name]) if typed[name] else None
            if days[name] and not 1900 <= days[name].year <= 9000:  # beyond, a day's start in UTC cannot be told
                raise ValueError(typed[name])
        except ValueError:
            days[name] = None
            errors[name] = _("Give a date such as 2026-12-31, or leave it empty.")
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = _("This day comes before the first day.")
        days["until"] = None
    filters = services.AuditFilters(typed["kind"], typed["person"], typed["organisation"] or None, **days)
    return filters, typed, errors


@bp.get("/audit")
def audit():
    """Show the audit log, newest first, as sentences, narrowed by kind, person, organisation and days."""
    filters, typed, errors = _read_filters()
    language = page_language()
    events = services.audit_events(filters, page_arg())
    return render("admin/audit.html", "results", status=422 if errors else 200, events=events,
                  told=tell(events.items, language), filters=typed, errors=errors,
                  query={name: value for name, value in typed.items() if value},
                  organisations=services.organisations_by_name(language), all_kinds=services.ALL_KINDS)


@bp.get("/audit.csv")
def audit_csv():
    """The narrowed audit log as CSV (UTF-8 with a byte-order mark, so that Excel shows Thai), streamed."""
    filters, typed, errors = _read_filters()
    if errors:
        return audit()
    language = page_language()
    headers = [_("Time (Bangkok)"), _("Who"), _("Action"), _("What happened"), _("What it concerns"), _("Organisation"),
               _("IP address")]

    app = current_app._get_current_object()

    def pieces():
        # Sent as the client reads: each batch in an app context of its own, none held across a yield (a client that
        # goes away leaves nothing open).
        yield csv_text([headers], bom=True)
        before_id = None
        while True:
            with app.app_context(), in_language(language):
                batch = services.audit_event_batch(filters, before_id)
                if not batch:
                    return
                text = csv_text([to_bangkok(told.event.created_at).strftime("%Y-%m-%d %H:%M:%S"), told.actor,
                                  told.action, told.sentence, told.target, told.organisation, told.event.ip]
                                 for told in tell(batch, language))
                before_id = batch[-1].id
            yield text

    response = Response(pieces(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment", filename="audit-log.csv")
    return response
