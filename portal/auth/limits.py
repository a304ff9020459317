"""The per-address and per-account limits of everything that checks a password or mails a link.

Every route that checks a password (the login form, and a logged-in person's password asked again, to change it or
to sign an agreement) counts in one budget per address and one per account: a stolen session guesses the password no
faster than the login form. Only what a limit protects against is counted (a wrong password, a completed
application, a mail sent): a form sent back for a missing field costs nothing. Per-account keys are the address as
the portal stores it, however it was typed.

A `Budget` is counted by hand in the view, so that a refusal is the same form with its input kept, a 429 and the wait
in words (`portal.i18n.wait_in_words`); the decorators below are Flask-Limiter's, for views that only need a refusal
page (its 429 page says the wait in words too).
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from portal.auth import services
from portal.auth.passwords import verify_password
from portal.extensions import limiter
from portal.i18n import wait_in_words

log = logging.getLogger(__name__)


def _account_key():
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _password_account_key():
    return "account:" + current_user.email if current_user.is_authenticated else _account_key()


def _limit(setting):
    return lambda: current_app.config[setting]


@dataclass(frozen=True)
class Budget:
    """A rate limit counted by hand: `wait()` before acting, `spend()` once the counted thing happened.

    `limit` returns the limit string ("5 per hour;20 per day"); `scope` and `key` name the counter. A budget with the
    scope of a Flask-Limiter shared limit below counts in the same counters."""

    limit: Callable[[], str]
    scope: str
    key: Callable[[], str] = get_remote_address

    def _counters(self):
        prefix = [limiter._key_prefix] if limiter._key_prefix else []
        return [(item, [*prefix, self.key(), self.scope]) for item in parse_many(self.limit())]

    def wait(self):
        """How long until the budget allows one more (a timedelta), or None when it allows one now."""
        if not limiter.enabled:
            return None
        waits = _with_storage(lambda strategy: [
            strategy.get_window_stats(item, *args).reset_time - time.time()
            for item, args in self._counters() if not strategy.test(item, *args)])
        return timedelta(seconds=max(1, math.ceil(max(waits)))) if waits else None

    def spend(self):
        """Count one against the budget."""
        if limiter.enabled:
            _with_storage(lambda strategy: [strategy.hit(item, *args) for item, args in self._counters()])


def _with_storage(count):
    """Run `count(strategy)` on Flask-Limiter's counters; with Redis unreachable, on its in-memory fallback, as
    Flask-Limiter itself does."""
    try:
        return count(limiter.limiter)
    except Exception:
        if not limiter._in_memory_fallback_enabled or limiter._storage_dead:
            raise
        log.warning("rate limit storage unreachable: falling back to in-memory counters")
        limiter._storage_dead = True
        return count(limiter.limiter)


def first_wait(*budgets):
    """The longest wait among budgets that refuse now, or None when all allow one more."""
    waits = [wait for wait in (budget.wait() for budget in budgets) if wait is not None]
    return max(waits) if waits else None


def with_retry_after(response, wait):
    """A refusal (429) that also tells programs when to come back."""
    response.headers["Retry-After"] = str(int(wait.total_seconds()))
    return response


wrong_passwords_by_address = Budget(_limit("LOGIN_RATE_LIMIT_IP"), "login-ip")
wrong_passwords_by_account = Budget(_limit("LOGIN_RATE_LIMIT_ACCOUNT"), "login-account", _password_account_key)
WRONG_PASSWORD_BUDGETS = (wrong_passwords_by_address, wrong_passwords_by_account)


def password_check_wait():
    """How long this person (by address and by account) must wait before a password is checked again, or None."""
    return first_wait(*WRONG_PASSWORD_BUDGETS)


def spend_wrong_password():
    """Count a wrong password in the address's and the account's budgets."""
    for budget in WRONG_PASSWORD_BUDGETS:
        budget.spend()


def password_check_refused(field):
    """Whether passwords are not checked for now (this person's budget of wrong ones is spent): then `field` says
    when to try again, and `refusal` turns the page into a 429."""
    wait = password_check_wait()
    if wait is None:
        return False
    g.password_check_refused = wait
    field.errors.append(_l("Too many wrong passwords. %(when)s", when=wait_in_words(wait)))
    return True


def wrong_password(field, message=_l("The password is not correct.")):
    """Count a wrong password and say so on `field`."""
    spend_wrong_password()
    field.errors.append(message)


def password_confirmed(user, field):
    """Whether `field` holds `user`'s password, asked again before an act (signing, leaving, erasing a colleague),
    checked in the same budgets as the login form and answered on the field (`password_check_refused`,
    `wrong_password`)."""
    if password_check_refused(field):
        return False
    if verify_password(user.password_hash, field.data or ""):
        return True
    wrong_password(field)
    return False


def refusal(response):
    """The form page of a request whose password check was refused for now: a 429 with Retry-After; any other
    response as it is."""
    wait = g.get("password_check_refused")
    if wait is None:
        return response
    response.status_code = 429
    return with_retry_after(response, wait)


reset_requests_per_address = limiter.limit(_limit("RESET_RATE_LIMIT_IP"), methods=["POST"], scope="reset-ip")
reset_requests_per_account = limiter.limit(_limit("RESET_RATE_LIMIT_ACCOUNT"), methods=["POST"],
                                           key_func=_account_key, scope="reset-account")
