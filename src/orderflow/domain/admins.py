"""An admin account: what the sign-in rules (services/admins.py) read and change.

Stored whole by the ZODB adapter: its module path, name and fields are part
of the stored schema (docs/architecture.md, "Stored schema").
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class AdminUser:
    """An admin account. Replaced whole on every change (password, session nonce).

    Failed logins are not counted here but per name and client address
    (services/admins.LoginThrottle). Users stored when they were counted
    here carried `failures` and `locked_until`: evolve step 3 re-stores
    every user without them.
    """

    name: str
    password_hash: str
    # Sessions carry the user's nonce; a new one (logout, a new password)
    # ends every session of the user, copied cookies too. Random, so that a
    # name removed and added again matches none of its old cookies. Users
    # stored before it read None (the class default): no cookie matches
    # None, and their next login gives them a nonce.
    session_nonce: str | None = None
