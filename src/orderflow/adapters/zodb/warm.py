"""Load the interior nodes of the indexes into connection caches at start-up.

A lookup in a BTree walks interior nodes down to a bucket. At a million
orders an index has a few dozen interior nodes of up to 500 children each,
and loading one costs more than a millisecond (it makes a ghost of every
child): a freshly started process paid that on most of its first few
hundred webhooks, a quarter of the webhook's cost (docs/performance.md).
Loading them once at start-up takes a fraction of a second per connection at
a million orders, and memory for a ghost of every bucket (about 45 MB per
connection with the bucket sizes of indexes.py); the buckets themselves
stay on disk until a request needs them.
"""

import logging

import transaction

from .indexes import IndexSet, IndexTree
from .root import app_root

log = logging.getLogger(__name__)

# What webhooks, by-session lookups and the admin lists walk.
INDEXES = ("orders", "by_session", "by_intent", "events", "events_by_time",
           "by_status", "by_created")


def interior_nodes(tree):
    """Load `tree` and every interior node under it; how many were loaded."""
    tree._p_activate()
    state = tree.__getstate__()
    loaded = 1
    # An interior node's state is ((child, key, child, ..., child), first
    # bucket); a tree of one bucket keeps that bucket's items inline.
    for child in (state[0][::2] if state else ()):
        if isinstance(child, (IndexTree, IndexSet)):
            loaded += interior_nodes(child)
    return loaded


def warm_connection(connection):
    """Load the hot indexes' interior nodes into one open connection's cache."""
    root = app_root(connection)
    return sum(interior_nodes(getattr(root, name)) for name in INDEXES)


def warm(db, connections):
    """Warm `connections` pooled connections; the interior nodes loaded."""
    # ZODB's pool keeps at most `pool_size` idle connections (7 unless the
    # database URI's connection_pool_size says otherwise): one warmed beyond that would be thrown
    # away when closed, its work with it.
    size = db.pool.size
    if connections > size:
        log.warning("warming %d connections, not %d: the pool keeps %d; raise "
                    "connection_pool_size in the database URI", size, connections, size)
        connections = size
    opened = []
    loaded = 0
    try:
        for _ in range(connections):
            tm = transaction.TransactionManager()
            connection = db.open(transaction_manager=tm)
            opened.append((tm, connection))
            loaded += warm_connection(connection)
    finally:
        # Closed together, so the pool keeps every one of them (a connection
        # closed before the next open would be handed out again).
        for tm, connection in opened:
            tm.abort()
            connection.close()
    return loaded
