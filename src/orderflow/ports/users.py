"""Admin ports: users and their passwords, and the listings of the admin panel."""

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class AdminUser:
    """An admin account. Replaced whole on every change (password, session nonce).

    Failed logins are not counted here but per name and client address
    (services/admins.LoginThrottle). Users stored when they were counted
    here still carry `failures` and `locked_until`, which nothing reads.
    """

    name: str
    password_hash: str
    # Sessions carry the user's nonce; a new one (logout, a new password)
    # ends every session of the user, copied cookies too. Random, so that a
    # name removed and added again matches none of its old cookies. Users
    # stored before it read None (the class default): no cookie matches
    # None, and their next login gives them a nonce.
    session_nonce: str | None = None


class AdminUsers(abc.ABC):
    @abc.abstractmethod
    def get(self, name):
        """The AdminUser with this name, or None."""

    @abc.abstractmethod
    def put(self, user: AdminUser):
        """Add a user or replace the one with its name."""

    @abc.abstractmethod
    def remove(self, name):
        """Delete a user; KeyError if there is none."""

    @abc.abstractmethod
    def names(self):
        """Every user name, sorted."""


class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password):
        """A slow, salted hash of `password` as text."""

    @abc.abstractmethod
    def verify(self, password_hash, password):
        """True if `password` matches `password_hash`."""


@dataclass(frozen=True)
class Page:
    """One page of a keyset listing; `next_cursor` is None on the last page."""

    items: list
    next_cursor: str | None


class OrderListing(abc.ABC):
    @abc.abstractmethod
    def page(self, status=None, cursor=None, limit=25):
        """Orders newest first (only `status` if given), after `cursor`, as a Page."""

    @abc.abstractmethod
    def search(self, term, cursor=None, limit=25):
        """Orders matching an order id, a session id (current or earlier),
        a payment intent or a customer email, newest first, as a Page:
        an email's orders page after `cursor` like `page`."""

    @abc.abstractmethod
    def status_counts(self):
        """status -> number of orders, from counters (never a scan)."""


class EventListing(abc.ABC):
    @abc.abstractmethod
    def page(self, outcome=None, type=None, cursor=None, limit=50):
        """Received events newest first, optionally of one outcome and type, as a Page."""
