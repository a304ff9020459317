"""What was done (or refused) to one row of a table, said next to that row.

With htmx the answer is the row itself, with the notice in it. Without JavaScript the action redirects to the
page's anchor for the row; the notice waits in the session for that row to show it, once.
"""

from flask import session

KEY = "row_notice"


def notice(target, text, kind="success", undo=None):
    """A notice for the row (or section) whose id is `target`; `undo` names the endpoint that reverses it."""
    return {"target": target, "text": str(text), "kind": kind, "undo": undo}


def leave_notice(said):
    """Keep a notice (`notice`) for its row to show on the next page, once (the answer without JavaScript)."""
    session[KEY] = said


def notice_for(target):
    """The notice left for `target`, taken from the session so it shows once; None if there is none."""
    waiting = session.get(KEY)
    if waiting and waiting.get("target") == target:
        session.pop(KEY)
        return waiting
    return None
