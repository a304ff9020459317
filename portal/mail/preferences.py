"""Who wants which kind of mail: a person's choices, keyed by their address, and the signed one-click unsubscribe
links (RFC 8058) that non-essential mail carries."""

import sqlalchemy as sa

from portal.extensions import db
from portal.forms import canonical_email
from portal.i18n import supported_language
from portal.mail import kinds
from portal.mail.models import MailPreference
from portal.tokens import TokenError, make_token, read_token

OFF = "off"
DIGEST = "digest"  # not mailed one by one: the weekly digest tells it (only for a digestible kind)
CHOICES = (None, DIGEST, OFF)  # None is "each mail", the default, stored as no row
TOKEN_PURPOSE = "mail-unsubscribe"
# An unsubscribe link must still work when an old message is found in a folder months later.
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600


def opted_out(kind, addresses):
    """The addresses among `addresses` that want no single mail of `kind`: turned off, or (for a digestible kind)
    left to the weekly digest. One query; none for an essential kind."""
    mail_kind = kinds.get(kind)
    if mail_kind.essential:
        return set()
    wanted = {canonical_email(address): address for address in addresses}
    if not wanted:
        return set()
    not_single = [OFF, DIGEST] if mail_kind.digestible else [OFF]
    off = db.session.scalars(sa.select(MailPreference.address).where(
        MailPreference.kind == kind, MailPreference.choice.in_(not_single), MailPreference.address.in_(wanted)))
    return {wanted[address] for address in off}


def choices_of(address):
    """{kind: choice} of one address, only the kinds not on."""
    rows = db.session.execute(sa.select(MailPreference.kind, MailPreference.choice)
                              .where(MailPreference.address == canonical_email(address)))
    return dict(rows.all())


def set_choice(address, kind, choice):
    """Set one address's choice for one non-essential kind: OFF, DIGEST (a digestible kind only), or None for each
    mail. Return whether anything changed."""
    mail_kind = kinds.get(kind)
    if mail_kind.essential:
        raise ValueError(f"mail kind {kind!r} is essential: it cannot be turned off")
    if choice not in CHOICES or (choice == DIGEST and not mail_kind.digestible):
        raise ValueError(f"mail kind {kind!r} cannot be set to {choice!r}")
    address = canonical_email(address)
    where = (MailPreference.address == address, MailPreference.kind == kind)
    current = db.session.scalar(sa.select(MailPreference.choice).where(*where))
    if current == choice:
        return False
    db.session.execute(sa.delete(MailPreference).where(*where))
    if choice is not None:
        try:
            with db.session.begin_nested():  # the same link posted twice at once: the first one sets it
                db.session.add(MailPreference(address=address, kind=kind, choice=choice))
        except sa.exc.IntegrityError:
            return False
    return True


def set_choices(address, choices):
    """Set an address's {kind name: choice} (None, DIGEST or OFF) for the non-essential kinds named; kinds not named
    keep their choice. Return the kinds that changed."""
    changed = []
    current = choices_of(address)
    for kind in kinds.optional_kinds():
        if kind.name not in choices:
            continue
        choice = choices[kind.name]
        if current.get(kind.name) != choice and set_choice(address, kind.name, choice):
            changed.append(kind.name)
    return changed


def move_preferences(old_address, new_address):
    """Carry a person's choices to their new address (the new address's own choices win where both have one)."""
    old_address, new_address = canonical_email(old_address), canonical_email(new_address)
    if old_address == new_address:
        return
    taken = sa.select(MailPreference.kind).where(MailPreference.address == new_address).scalar_subquery()
    db.session.execute(sa.delete(MailPreference).where(MailPreference.address == old_address,
                                                       MailPreference.kind.in_(taken)))
    db.session.execute(sa.update(MailPreference).where(MailPreference.address == old_address)
                       .values(address=new_address).execution_options(synchronize_session=False))


def unsubscribe_token(address, kind, language):
    """The signed token of a link that turns `kind` off for `address` (its page in `language`)."""
    return make_token(TOKEN_PURPOSE, {"a": canonical_email(address), "k": kind, "l": language})


def read_unsubscribe_token(token):
    """(address, MailKind, language) of an unsubscribe link; raise TokenError when it is broken, foreign, too old,
    or names a kind that cannot be turned off."""
    data = read_token(TOKEN_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)
    address, name = data.get("a"), data.get("k")
    if not isinstance(address, str) or not isinstance(name, str):
        raise TokenError()
    try:
        kind = kinds.get(name)
    except kinds.UnknownMailKind:
        raise TokenError() from None
    if kind.essential:
        raise TokenError()
    return address, kind, supported_language(data.get("l")) or "th"
