"""The per-address and per-account limits of everything that checks a password or mails a reset link.

Every route that checks a password (the login form, and a logged-in person's password asked again, to change it or
to sign an agreement) counts in one budget per address and one per account: a stolen session guesses the password no
faster than the login form. Per-account keys are the address as the portal stores it, however it was typed.
"""

from flask import current_app, g, request
from flask_login import current_user

from portal.auth import services
from portal.extensions import limiter


def _account_key():
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _password_account_key():
    return "account:" + current_user.email if current_user.is_authenticated else _account_key()


def _limit(setting):
    return lambda: current_app.config[setting]


password_checks_per_address = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT_IP"), scope="login-ip",
                                                   methods=["POST"])
password_checks_per_account = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT_ACCOUNT"), scope="login-account",
                                                   methods=["POST"], key_func=_password_account_key)
# A password asked again before an act (signing an agreement) counts only when it was wrong, in the same budgets:
# a page refused to the person, or a form sent back for a missing field, costs nothing.
wrong_passwords_per_address = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT_IP"), scope="login-ip", methods=["POST"],
                                                   deduct_when=lambda response: g.get("wrong_password", False))
wrong_passwords_per_account = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT_ACCOUNT"), scope="login-account",
                                                   methods=["POST"], key_func=_password_account_key,
                                                   deduct_when=lambda response: g.get("wrong_password", False))


def count_wrong_password():
    """Tell the wrong-password limits that this request's password was wrong."""
    g.wrong_password = True


reset_requests_per_address = limiter.limit(_limit("RESET_RATE_LIMIT_IP"), methods=["POST"], scope="reset-ip")
reset_requests_per_account = limiter.limit(_limit("RESET_RATE_LIMIT_ACCOUNT"), methods=["POST"],
                                           key_func=_account_key, scope="reset-account")
