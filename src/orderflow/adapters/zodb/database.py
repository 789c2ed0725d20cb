"""Database set-up that the ZODB URI cannot express."""

import atexit
import weakref

from ZEO.ClientStorage import ClientStorage
from ZEO.Exceptions import ClientDisconnected


def close_at_exit(db):
    """Close `db` when the process exits normally (Ctrl-C on pserve included).

    Closing a FileStorage saves its index: the next start then reads only
    what was written since, instead of every transaction since the last
    save. The reference is weak, so a test's app closed long ago is not
    kept alive by it; closing twice is harmless (DB.close becomes a no-op).
    """
    ref = weakref.ref(db)

    def close():
        db = ref()
        if db is not None:
            db.close()

    atexit.register(close)


def unavailable_errors():
    """What a storage raises while its server is away: ZEO's disconnection,
    and PostgreSQL's driver errors under RelStorage (when installed)."""
    errors = [ClientDisconnected]
    try:
        import psycopg2
    except ImportError:
        pass
    else:
        errors += [psycopg2.OperationalError, psycopg2.InterfaceError]
    return tuple(errors)


def read_your_writes(db):
    """Make every transaction of a ZEO client see all commits made before it.

    Without this a ZEO client learns of other processes' commits through
    asynchronous invalidations, so an order committed by one app process a
    moment ago could be missing in another (a webhook would be "unmatched").
    With server_sync, transaction begin makes one round trip to the server.
    zodburi's zeo:// resolver does not pass this option, so it is set here:
    the attribute for later reconnections, `sync` for the open connection.

    A connection copies its storage's `sync` when it is made, and DB() has
    already made one (to create the root); it waits in the pool, and the
    webhooks' group commit would take it and keep it for good. So the
    connections made so far get the new `sync` too.
    """
    storage = db.storage
    if isinstance(storage, ClientStorage):
        storage.server_sync = True
        if hasattr(storage, "ping"):
            storage.sync = storage.ping
            for connection in list(db.pool.all):
                connection._storage._sync = storage.sync


def postgresql_resolver(uri):
    """zodburi's resolver for `postgresql://`, libpq's spelling of RelStorage's
    `postgres://` (registered in setup.cfg): the same URI, the same options.

    RelStorage needs nothing like read_your_writes: it polls PostgreSQL for
    the commits of other processes at the start of every transaction.
    """
    try:
        from relstorage.zodburi_resolver import postgresql_resolver as resolve
    except ImportError:
        raise ImportError(
            "a postgresql:// database needs RelStorage: pip install -e '.[relstorage]'"
        ) from None
    return resolve("postgres://" + uri[len("postgresql://"):])
