"""What the accounts domain tells the domains above it, which it does not know (blinker signals)."""

from blinker import Namespace

_signals = Namespace()

# A person lost rights they held: deactivated, or no longer a coordinator. Sent with the person as sender and
# `by=` the one who changed it, inside the transaction of the change: receivers change what depended on the rights
# (the invitations the person sent, say) in the same transaction.
rights_lost = _signals.signal("rights-lost")
