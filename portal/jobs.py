"""Work a domain leaves for the background worker (`flask outbox work`), such as mailing ten thousand invitations
after the request that made them has answered. A domain registers a function in its init_app; the worker calls
each one on every round, in an app context, before it delivers mail. A job does a bounded batch, commits it, and
returns how much it did (0 when nothing was waiting), so that the worker knows whether to come back at once."""

from flask import current_app

_EXTENSION = "portal.jobs"


def register(app, name, function):
    """Let the worker run `function()` on every round."""
    jobs = app.extensions.setdefault(_EXTENSION, {})
    if name in jobs:
        raise ValueError(f"job {name!r} registered twice")
    jobs[name] = function


def run_due():
    """Run every registered job once; return how much they did in all."""
    return sum(function() or 0 for function in current_app.extensions.get(_EXTENSION, {}).values())
