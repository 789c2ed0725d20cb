"""A database written by schema version 1 (tuple index keys) still works."""

from datetime import datetime, timedelta, timezone

import transaction
from BTrees.OOBTree import OOBTree, OOTreeSet
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.indexes import IndexSet, IndexTree
from orderflow.adapters.zodb.keys import moment_of, split
from orderflow.adapters.zodb.listing import ZodbEventListing, ZodbOrderListing
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.evolve import SCHEMA_VERSION, bootstrap
from orderflow.adapters.zodb.root import app_root
from orderflow.domain.catalog import Product
from orderflow.domain.order import build_order

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
PRODUCT = Product("mug", "Mug", "", 1200, "eur")


def v1_key(moment):
    return -int(moment.timestamp() * 1_000_000)


def write_version_1(db):
    """Three orders (one paid) and two events, stored the way version 1 did."""
    bootstrap(db)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        root = app_root(conn)
        repo = ZodbOrderRepository(root)
        orders = []
        for i in range(3):
            order = build_order(f"ord_{i}", [(PRODUCT, 1)], "a@example.com",
                                T0 + timedelta(minutes=i))
            repo.add(order)
            orders.append(order)
        root.by_status = IndexSet(
            (root.orders[o.id].indexed_status, v1_key(o.date_created), o.id) for o in orders)
        root.by_created = IndexSet((v1_key(o.date_created), o.id) for o in orders)
        root.events = IndexTree({
            "evt_a": ("checkout.session.completed", "applied", "ord_0",
                      -v1_key(T0 + timedelta(hours=1)), "paid"),
            "evt_b": ("charge.refunded", "unmatched", None,
                      -v1_key(T0 + timedelta(hours=2)), "no order for this event"),
        })
        root.events_by_time = IndexSet([(v1_key(T0 + timedelta(hours=1)), "evt_a"),
                                        (v1_key(T0 + timedelta(hours=2)), "evt_b")])
        root.duplicates = IndexSet([(v1_key(T0 + timedelta(hours=3)), "evt_a", "beef")])
        root.by_email = OOBTree({"a@example.com": OOTreeSet(o.id for o in orders)})
        root.schema_version = 1
    conn.close()


def test_bootstrap_turns_version_1_keys_into_strings(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        write_version_1(db)
        bootstrap(db)
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        root = app_root(conn)
        assert root.schema_version == SCHEMA_VERSION
        listing = ZodbOrderListing(root)
        assert [o.id for o in listing.page().items] == ["ord_2", "ord_1", "ord_0"]
        assert [o.id for o in listing.page(status="pending", limit=2).items] == ["ord_2", "ord_1"]
        cursor = listing.page(status="pending", limit=2).next_cursor
        assert [o.id for o in listing.page(status="pending", cursor=cursor).items] == ["ord_0"]
        assert [o.id for o in listing.search("A@example.com", limit=2).items] == ["ord_2", "ord_1"]
        event = ZodbEventLog(root).get("evt_a")
        assert (event.type, event.outcome, event.order_id, event.note) == (
            "checkout.session.completed", "applied", "ord_0", "paid")
        assert event.received_at == T0 + timedelta(hours=1)
        events = ZodbEventListing(root)
        assert [e.event_id for e in events.page().items] == ["evt_b", "evt_a"]
        # Repeat deliveries are no longer stored (they are noted in memory),
        # but a version-1 root's set is still converted like the others.
        [(at, nonce, event_id)] = [split(key, 3) for key in root.duplicates]
        assert (moment_of(at), nonce, event_id) == (T0 + timedelta(hours=3), "beef", "evt_a")
        # New writes land in the same order as the converted entries.
        order = build_order("ord_3", [(PRODUCT, 1)], "a@example.com", T0 + timedelta(minutes=3))
        ZodbOrderRepository(root).add(order)
        assert [o.id for o in listing.page(status="pending").items][0] == "ord_3"
        assert [o.id for o in listing.search("a@example.com", limit=1).items] == ["ord_3"]
        tm.abort()
        conn.close()
    finally:
        db.close()
