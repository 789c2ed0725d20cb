"""What any storage adapter may raise through a port, whatever its technology.

The use cases never catch these: the entry point (the web adapter, a
script) answers them. A storage adapter translates its own errors into
them, so the web adapter needs to know nothing about ZODB, ZEO or
PostgreSQL.
"""


class StorageError(Exception):
    """The storage could not finish the work; nothing of it was kept."""


class StorageUnavailable(StorageError):
    """The storage's server is away (restarting, unreachable)."""


class StorageBusy(StorageError):
    """Concurrent writers kept conflicting, past the last attempt."""
