"""Admin ports: the accounts and the hashing of their passwords."""

import abc

# Databases written before schema version 4 hold admins pickled under this
# module's path: the name must stay importable here for them to load
# (evolve step 3 re-stores them under domain/admins.py).
from ..domain.admins import AdminUser  # noqa: F401


class AdminUsers(abc.ABC):
    @abc.abstractmethod
    def get(self, name):
        """The AdminUser with this name, or None (also for a name that is not text)."""

    @abc.abstractmethod
    def put(self, user):
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
