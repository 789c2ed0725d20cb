"""Admin accounts: adding them, changing passwords, logging in with a throttle."""

from dataclasses import replace
from datetime import timedelta
import secrets
import threading

from ..domain.errors import NotFound, Refused, ValidationFailed
from ..domain.admins import AdminUser

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
    # A new password also ends every open session.
    users.put(replace(user, password_hash=hasher.hash(password),
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


class TooManyFailures(Exception):
    """This name has failed too often from this address: wait `retry_after`."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


class LoginThrottle:
    """Failed logins counted per (name, client address), in memory.

    MAX_FAILURES in a row from one address lock that name for that address
    for LOCK_FOR; from any other address the name still logs in. Counting
    per name alone let a stranger lock the real admin out with five wrong
    passwords. Unknown names are counted like known ones, so that a lock
    tells nothing about which names exist. The per-address rate limit of
    the login page (adapters/web/ratelimit.py) bounds how many names and
    passwords one address can try at all.

    Kept in memory, per process: a restart forgets the counts, which only
    gives an attacker back the tries the rate limit allows anyway. At most
    `capacity` pairs are remembered, the least recently failed pushed out
    first. Thread-safe.
    """

    def __init__(self, max_failures=MAX_FAILURES, lock_for=LOCK_FOR, capacity=10_000):
        self.max_failures, self.lock_for, self.capacity = max_failures, lock_for, capacity
        self._pairs = {}  # (name, address) -> (failures, locked_until), oldest first
        self._lock = threading.Lock()

    @staticmethod
    def _key(name, address):
        # Names are at most 100 characters (check_name): a longer one is no
        # user's, and a 1 MB name must not be kept whole in memory.
        return (name[:101] if isinstance(name, str) else "", address)

    def locked_for(self, name, address, now):
        """How long the pair stays locked, or None."""
        with self._lock:
            state = self._pairs.get(self._key(name, address))
        if state is None or state[1] is None or now >= state[1]:
            return None
        return state[1] - now

    def failed(self, name, address, now):
        key = self._key(name, address)
        with self._lock:
            failures, locked_until = self._pairs.pop(key, (0, None))
            if locked_until is not None and now >= locked_until:
                failures = 0
            failures += 1
            locked_until = now + self.lock_for if failures >= self.max_failures else None
            self._pairs[key] = (0 if locked_until else failures, locked_until)
            if len(self._pairs) > self.capacity:
                del self._pairs[next(iter(self._pairs))]

    def succeeded(self, name, address):
        with self._lock:
            self._pairs.pop(self._key(name, address), None)

    def __len__(self):
        return len(self._pairs)


def authenticate(users, hasher, throttle, name, password, address, now):
    """The user's name if `password` is right, else None.

    Raises TooManyFailures, before any password check, while `throttle`
    holds this name locked for this client address. The caller shows one
    generic message for every other failure.
    """
    wait = throttle.locked_for(name, address, now)
    if wait is not None:
        raise TooManyFailures(wait)
    # Anything but text (a file from a multipart form) is no password.
    password = password if isinstance(password, str) else ""
    user = users.get(name) if isinstance(name, str) else None
    if user is None:
        if "hash" not in _DUMMY:
            _DUMMY["hash"] = hasher.hash("not a password of anyone")
        hasher.verify(_DUMMY["hash"], password)
        throttle.failed(name, address, now)
        return None
    if not hasher.verify(user.password_hash, password):
        throttle.failed(name, address, now)
        return None
    throttle.succeeded(name, address)
    if not user.session_nonce:
        # A user stored before session nonces gets one at this login.
        users.put(replace(user, session_nonce=new_session_nonce()))
    return user.name
