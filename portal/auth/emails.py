"""Every mail about accounts: one function per message, in the recipient's language."""

from flask_babel import lazy_gettext as _l

from portal.mail.services import mail_url, queue_mail, render_mail


def send_password_reset(user, token, deliver=True):
    """Mail a single-use link to choose a new password.

    With `deliver` false the message is made and dropped: an address without an account costs the same work as one
    with, so that the time of the answer does not tell which addresses have accounts."""
    message = ("auth/password_reset", _l("Reset your password"))
    context = {"language": user.language, "user": user, "link": mail_url("auth.reset_password", token=token)}
    if deliver:
        queue_mail(user.email, *message, kind="account", **context)
    else:
        render_mail(*message, **context)


def send_password_changed(user):
    """Tell the user their password changed, in case it was not them."""
    queue_mail(user.email, "auth/password_changed", _l("Your password was changed"), kind="account", language=user.language,
               user=user, link=mail_url("auth.request_reset"))


def send_email_change_confirmation(user, new_email, token):
    """Ask the new address to confirm it belongs to the user."""
    queue_mail(new_email, "auth/email_change", _l("Confirm your new email address"), kind="account", language=user.language,
               user=user, new_email=new_email, link=mail_url("auth.confirm_email", token=token))


def send_email_change_requested(user, new_email):
    """Tell the current address that a move to another one was asked for (and how to stop it)."""
    queue_mail(user.email, "auth/email_change_requested", _l("A change of your email address was requested"),
               kind="account", language=user.language, user=user, new_email=new_email)


def send_email_changed_notice(user, old_email):
    """Tell the old address that the account moved to a new one."""
    queue_mail(old_email, "auth/email_changed", _l("Your email address was changed"), kind="account", language=user.language,
               user=user, old_email=old_email)
