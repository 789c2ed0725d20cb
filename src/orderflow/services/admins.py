"""Admin accounts: adding them, changing passwords, logging in with a lockout."""

from dataclasses import replace
from datetime import timedelta
import secrets

from ..domain.errors import NotFound, Refused, ValidationFailed
from ..ports.users import AdminUser

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=5)
MIN_PASSWORD = 8
# Verified when the name is unknown, so that the answer takes as long as for
# a known name: timing must not tell which names exist.
_DUMMY = {}


def new_session_nonce():
    """A random value for a user's sessions to carry: a new one ends them all.

    Random rather than a counter: a counter starts again at 0 when a removed
    name is added anew, and the old cookies of that name would match.
    """
    return secrets.token_urlsafe(18)


def check_password(password):
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationFailed("the password is too short",
                               {"password": f"at least {MIN_PASSWORD} characters"})


def check_name(name):
    if not isinstance(name, str) or not name.strip() or len(name) > 100 or name != name.strip():
        raise ValidationFailed("the name is not valid", {"name": "1 to 100 characters, no outer spaces"})


def add_admin(users, hasher, name, password):
    check_name(name)
    check_password(password)
    if users.get(name) is not None:
        raise Refused(f"the admin {name!r} exists")
    users.put(AdminUser(name=name, password_hash=hasher.hash(password),
                        session_nonce=new_session_nonce()))


def change_password(users, hasher, name, password):
    check_password(password)
    user = users.get(name)
    if user is None:
        raise NotFound(f"no admin named {name!r}")
    # A new password also lifts a lockout and ends every open session.
    users.put(replace(user, password_hash=hasher.hash(password), failures=0, locked_until=None,
                      session_nonce=new_session_nonce()))


def end_sessions(users, name):
    """Log the user out everywhere: every session opened before now ends."""
    user = users.get(name)
    if user is not None:
        users.put(replace(user, session_nonce=new_session_nonce()))


def remove_admin(users, name):
    if users.get(name) is None:
        raise NotFound(f"no admin named {name!r}")
    users.remove(name)


def authenticate(users, hasher, name, password, now):
    """The user's name if `password` is right and the account is not locked, else None.

    Every failure for a known name is counted; MAX_FAILURES in a row lock
    the account for LOCK_FOR, during which even the right password fails.
    The caller shows one generic message for every failure.
    """
    # Anything but text (a file from a multipart form) is no password.
    password = password if isinstance(password, str) else ""
    user = users.get(name) if isinstance(name, str) else None
    if user is None:
        if "hash" not in _DUMMY:
            _DUMMY["hash"] = hasher.hash("not a password of anyone")
        hasher.verify(_DUMMY["hash"], password)
        return None
    right = hasher.verify(user.password_hash, password)
    # Checked after the hash, which a locked account pays too: a fast answer
    # would tell that the name exists (and is locked).
    if user.locked_until is not None and now < user.locked_until:
        return None
    if right:
        if user.failures or user.locked_until or not user.session_nonce:
            # A user stored before session nonces gets one at this login.
            users.put(replace(user, failures=0, locked_until=None,
                              session_nonce=user.session_nonce or new_session_nonce()))
        return user.name
    failures = user.failures + 1
    locked_until = None
    if failures >= MAX_FAILURES:
        failures, locked_until = 0, now + LOCK_FOR
    users.put(replace(user, failures=failures, locked_until=locked_until))
    return None
