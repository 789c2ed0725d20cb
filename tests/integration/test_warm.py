"""Start-up warming loads the indexes' interior nodes and none of their buckets."""

import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.indexes import IndexTree
from orderflow.adapters.zodb.evolve import bootstrap
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.warm import INDEXES, interior_nodes, warm


class SmallTree(IndexTree):
    # Tiny nodes, so that a few hundred keys make interior nodes of interior nodes.
    max_leaf_size = 4
    max_internal_size = 4


def check_loaded(node, depth=0):
    """Every interior node under `node` is loaded, every bucket a ghost; the depth."""
    assert node._p_changed is not None, "an interior node is still a ghost"
    deepest = depth
    for child in node.__getstate__()[0][::2]:
        if isinstance(child, IndexTree):
            deepest = max(deepest, check_loaded(child, depth + 1))
        else:
            assert child._p_changed is None, "a bucket was loaded"
    return deepest


def test_interior_nodes_loads_every_level_and_no_bucket(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        with db.transaction() as conn:
            conn.root()["tree"] = tree = SmallTree()
            for i in range(300):
                tree[f"k{i:04d}"] = "v"
        conn = db.open()
        conn.cacheMinimize()
        tree = conn.root()["tree"]
        assert tree._p_changed is None
        assert interior_nodes(tree) > 3
        assert check_loaded(tree) >= 2
        conn.close()
    finally:
        db.close()


def test_warm_leaves_pooled_connections_with_the_interior_nodes_loaded(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")), cache_size=100_000)
    try:
        bootstrap(db)
        with db.transaction() as conn:
            root = app_root(conn)
            for i in range(2000):
                root.events[f"evt_{i:05d}"] = "{}"
                root.by_intent[f"pi_{i:05d}"] = "ord"
        db.cacheMinimize()
        assert warm(db, 2) >= 2 * len(INDEXES)
        first, second = db.open(), db.open()  # the two warmed ones, from the pool
        for connection in (first, second):
            root = app_root(connection)
            for name in ("events", "by_intent"):
                check_loaded(getattr(root, name))  # before anything else touches it
                assert len(getattr(root, name).__getstate__()[0]) > 1  # it has buckets
        first.close()
        second.close()
        transaction.abort()
    finally:
        db.close()


def test_warm_stops_at_what_the_pool_keeps(tmp_path, caplog):
    db = DB(FileStorage(str(tmp_path / "Data.fs")), pool_size=3)
    try:
        bootstrap(db)
        one = warm(db, 1)
        # None warmed only to be thrown away: three, not five.
        assert warm(db, 5) == 3 * one
        assert len(db.pool.available) == 3
        assert "warming 3 connections, not 5" in caplog.text
    finally:
        db.close()
