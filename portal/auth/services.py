"""Account rules: logging in, sessions, passwords, email changes, coordinators."""

import hashlib
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.audit.services import record
from portal.auth import emails
from portal.auth.models import User, new_session_token
from portal.auth.passwords import hash_password, password_problem, verify_password
from portal.auth.signals import rights_lost
from portal.db import claim, serialise, utcnow
from portal.extensions import db
from portal.forms import canonical_email
from portal.mail.preferences import move_preferences
from portal.tokens import TokenError, make_token, read_token

log = logging.getLogger(__name__)


class AccountError(ValueError):
    """A rule about accounts was broken; the message (translatable) is for the user."""


class WrongPassword(AccountError):
    """The password given to confirm a change is not the account's (counted by the wrong-password limits)."""


def normalise_email(email):
    """Return the address as stored: its canonical spelling, lower-case (`portal.forms.canonical_email`)."""
    return canonical_email(email)


def find_user_by_email(email):
    """Return the user with this address, in any letter case, or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password_rules(password):
    """Raise AccountError when a new password is too short, too long or too common."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)


# Logging in and sessions

def authenticate(email, password):
    """Return the active user with this address and password, or None; the same work either way."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        log.warning("failed login for %r", normalise_email(email))
        return None
    return user


def record_login(user):
    """Note a successful login."""
    user.last_login_at = utcnow()
    record("auth.login", user, actor=user)


def end_all_sessions(user):
    """Change the user's session token: every session and remember cookie of theirs stops working."""
    user.session_token = new_session_token()


def set_password(user, password):
    """Give the user a new password and end all their sessions; the caller logs the current one in again."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    emails.send_password_changed(user)


def change_password(user, current_password, new_password):
    """Change a password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword(_l("The current password is not correct."))
    set_password(user, new_password)
    record("auth.password_changed", user, actor=user)


def update_profile(user, name, language):
    """Change the user's name and language."""
    user.name = name.strip()
    user.language = language
    record("auth.profile_updated", user, actor=user)


# Password reset

def _fingerprint(value):
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def _password_fingerprint(user):
    # Part of the reset token: once the password changes, every earlier reset link stops working.
    return _fingerprint(user.password_hash)


def _sessions_fingerprint(user):
    # Part of the email-change token: ending every session (a new password, a reset, "log out everywhere") also
    # voids a change asked for from one of them.
    return _fingerprint(user.session_token)


def _reset_token(user):
    # Bound to the password (a link works until the password changes) and to the address it was mailed to (a link
    # in the old mailbox stops working when the account moves to another address).
    return make_token("password-reset", {"u": user.id, "p": _password_fingerprint(user), "e": _fingerprint(user.email)})


def request_password_reset(email):
    """Mail a reset link if an active account has this address; say nothing either way, and do the same work: the
    link and the mail are made for an unknown address too (and dropped), and the request is recorded either way."""
    user = find_user_by_email(email)
    known = user is not None and user.active
    if not known:  # a stand-in, never saved: the same token and mail are made for it
        user = User(email=normalise_email(email), name="", language="th", password_hash="")
    emails.send_password_reset(user, _reset_token(user), deliver=known)
    if known:
        record("auth.password_reset_requested", user, actor=user)
    else:
        record("auth.password_reset_requested", None, actor=None, email=user.email, account=False)


def user_for_reset_token(token):
    """Return the user a reset link is for, or raise TokenError (expired, used, tampered, foreign)."""
    data = read_token("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("u") or 0)
    if user is None or not user.active or data.get("e") != _fingerprint(user.email):
        raise TokenError()
    if data.get("p") != _password_fingerprint(user):  # the password changed since: with this link or another way
        raise TokenError(used=True, what=_l("The password of this account has been changed since this link was "
                                            "sent, so it no longer works. Log in with the new password, or ask for "
                                            "a new link if you do not know it."))
    return user


def reset_password(user, password):
    """Set a new password from a reset link: other sessions end and the user gets a notice.

    The link is used up in the same statement that sets the password (it holds the old password's fingerprint): of a
    link posted several times at once, one sets the password and the others raise TokenError."""
    check_password_rules(password)
    if not claim(db.session, User, User.id == user.id, User.password_hash == user.password_hash,
                 User.email == user.email, password_hash=hash_password(password), session_token=new_session_token(),
                 email_confirmed_at=sa.func.coalesce(User.email_confirmed_at, utcnow())):  # the link proved the address
        db.session.rollback()
        raise TokenError()
    db.session.refresh(user)
    emails.send_password_changed(user)
    record("auth.password_reset", user, actor=user)


# Email change

def request_email_change(user, new_email, password):
    """Mail a confirmation link to the new address; the change happens only when it is followed."""
    if not verify_password(user.password_hash, password):
        raise WrongPassword(_l("The current password is not correct."))
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError(_l("This is already your address."))
    if find_user_by_email(new_email):
        raise AccountError(_l("Another account uses this address."))
    token = make_token("email-change", {"u": user.id, "old": user.email, "new": new_email,
                                        "s": _sessions_fingerprint(user)})
    emails.send_email_change_confirmation(user, new_email, token)
    emails.send_email_change_requested(user, new_email)
    record("auth.email_change_requested", user, actor=user, new_email=new_email)


def email_change_for_token(token):
    """Return (user, new address) for a confirmation link, or raise TokenError."""
    data = read_token("email-change", token, current_app.config["EMAIL_CHANGE_MAX_AGE"])
    user = db.session.get(User, data.get("u", 0))
    if user is not None and user.active and user.email == data.get("new"):
        raise TokenError(used=True, what=_l("This address is already confirmed: the account uses %(email)s.",
                                            email=user.email))
    if (user is None or not user.active or user.email != data.get("old")
            or data.get("s") != _sessions_fingerprint(user)):
        raise TokenError()
    return user, data["new"]


def confirm_email_change(user, new_email):
    """Move the account to the confirmed address and tell the old one.

    The move is claimed from the old address in one statement: the same link posted twice at once moves it once (the
    other raises TokenError)."""
    if find_user_by_email(new_email):
        raise AccountError(_l("Another account uses this address."))
    old_email = user.email
    try:
        moved = claim(db.session, User, User.id == user.id, User.email == old_email, email=new_email,
                      email_confirmed_at=utcnow())
    except sa.exc.IntegrityError as error:  # another account took the address meanwhile
        db.session.rollback()
        raise AccountError(_l("Another account uses this address.")) from error
    if not moved:
        db.session.rollback()
        raise TokenError()
    db.session.refresh(user)
    move_preferences(old_email, new_email)  # the person's mail choices follow them to the new address
    emails.send_email_changed_notice(user, old_email)
    record("auth.email_changed", user, actor=user, old_email=old_email, new_email=new_email)


# Coordinators' tools

def _keep_a_coordinator(user, by):
    """Before a change that may take a coordinator away: serialise such changes, then check, on what the database
    holds now, that the one making it is still an active coordinator and that another active one remains (of two
    coordinators removing each other at the same moment, the second is refused)."""
    serialise(db.session, "network-coordinators")
    db.session.refresh(by)
    db.session.refresh(user)
    if not (by.active and by.is_admin):
        raise AccountError(_l("You are no longer a network coordinator."))
    if user.active and user.is_admin:
        others = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.is_admin, User.active, User.id != user.id))
        if others == 0:
            raise AccountError(_l("The network must keep at least one active coordinator."))


def set_active(user, active, by):
    """Deactivate (ending every session; the domains above undo what rested on the person's rights) or reactivate an
    account."""
    if user.id == by.id and not active:
        raise AccountError(_l("You cannot deactivate your own account."))
    if not active:
        _keep_a_coordinator(user, by)
    user.active = active
    if not active:
        end_all_sessions(user)
        rights_lost.send(user, by=by)
    record("auth.user_reactivated" if active else "auth.user_deactivated", user, actor=by)


def set_coordinator(user, is_admin, by):
    """Make a person a coordinator, or end that role (the domains above undo what rested on it); the network always
    keeps one."""
    if not is_admin and user.id == by.id:
        raise AccountError(_l("You cannot remove your own coordinator role."))
    if not is_admin:
        _keep_a_coordinator(user, by)
    user.is_admin = is_admin
    if not is_admin:
        rights_lost.send(user, by=by)
    record("auth.coordinator_granted" if is_admin else "auth.coordinator_removed", user, actor=by)


def create_coordinator(email, password, name=""):
    """Create a coordinator account, or promote an existing one, with a confirmed address (command line)."""
    check_password_rules(password)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name)
        db.session.add(user)
    user.is_admin = True
    user.active = True
    user.password_hash = hash_password(password)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    record("auth.coordinator_created", user, actor=None)
    return user
