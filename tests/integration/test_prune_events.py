"""orderflow-prune-events: raw payloads older than the retention period go,
in batches; every event's record stays (an event id is never forgotten)."""

from datetime import datetime, timedelta, timezone

from orderflow.adapters.scripts.common import ScriptEnv
from orderflow.adapters.scripts.prune_events import main as prune_main
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.ports.repositories import EventRecord
from tests.functional.conftest import shop  # noqa: F401  (fixture)
from tests.unit.fakes import InMemoryEventLog

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def fill(log, ages_in_days):
    for n, days in enumerate(ages_in_days):
        log.record(EventRecord(f"evt_{n}", "checkout.session.completed", "unmatched", None,
                               NOW - timedelta(days=days)), f'{{"id":"evt_{n}"}}'.encode())


def test_pruning_drops_only_payloads_older_than_the_cutoff_in_batches(shop):  # noqa: F811
    # The ZODB adapter and the tests' fake keep the same contract.
    with shop.storage() as repos:
        fill(repos.events, [120, 100, 91, 89, 1])
    fake = InMemoryEventLog()
    fill(fake, [120, 100, 91, 89, 1])
    cutoff = NOW - timedelta(days=90)
    assert [fake.prune_payloads(cutoff, 2) for _ in range(3)] == [2, 1, 0]
    dropped = []
    for _ in range(3):  # one transaction per batch, as the script does
        with shop.storage() as repos:
            dropped.append(repos.events.prune_payloads(cutoff, 2))
    assert dropped == [2, 1, 0]
    with shop.storage() as repos:
        for log in (repos.events, fake):
            assert [log.payload(f"evt_{n}") is not None for n in range(5)] == [
                False, False, False, True, True]
            assert all(log.get(f"evt_{n}") is not None for n in range(5))
            assert log.seen("evt_0")


def test_the_script_prunes_at_the_configured_retention_in_batches(shop, capsys):  # noqa: F811
    with shop.storage() as repos:
        fill(repos.events, [200, 150, 95, 91, 30, 0])
    env = ScriptEnv(shop.app.registry)
    try:
        assert prune_main(["unused.ini", "--batch", "2"], env=env, clock=lambda: NOW) == 0
    finally:
        env.close()
    assert capsys.readouterr().out == "dropped 4 event payloads received more than 90 days ago\n"
    with shop.storage() as repos:
        kept = [n for n in range(6) if ZodbEventLog(repos.root).payload(f"evt_{n}")]
        assert kept == [4, 5]


def test_the_script_takes_a_retention_of_its_own(shop, capsys):  # noqa: F811
    with shop.storage() as repos:
        fill(repos.events, [40, 20])
    env = ScriptEnv(shop.app.registry)
    try:
        prune_main(["unused.ini", "--older-than-days", "30"], env=env, clock=lambda: NOW)
    finally:
        env.close()
    assert capsys.readouterr().out == "dropped 1 event payloads received more than 30 days ago\n"


def open_root(tmp_path):
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from orderflow.adapters.zodb.evolve import bootstrap

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    bootstrap(db)
    tm = transaction.TransactionManager()
    return db, tm, db.open(transaction_manager=tm)


def test_a_database_from_before_raw_events_gets_the_payload_tree(tmp_path):
    from orderflow.adapters.zodb.evolve import SCHEMA_VERSION, bootstrap
    from orderflow.adapters.zodb.indexes import IndexSet
    from orderflow.adapters.zodb.root import app_root

    db, tm, connection = open_root(tmp_path)
    with tm:  # version 4's layout: a set of "time event-id", no payloads
        root = app_root(connection)
        root.events_by_time = IndexSet()
        root.schema_version = 4
    connection.close()
    assert bootstrap(db) == list(range(4, SCHEMA_VERSION))
    connection = db.open(transaction_manager=tm)
    with tm:
        log = ZodbEventLog(app_root(connection))
        fill(log, [1])
        assert log.payload("evt_0") == b'{"id":"evt_0"}'
    connection.close()
    db.close()


def test_version_5s_set_and_payload_tree_fold_into_one_tree(tmp_path):
    """Version 5 kept "time event-id" in a set and the payloads in a tree of
    their own; version 6 keeps both in events_by_time, spilling to the
    storage in savepoints as it goes."""
    from persistent.mapping import PersistentMapping

    from orderflow.adapters.zodb.events import payload_key, stored
    from orderflow.adapters.zodb.evolve import fold_event_payloads
    from orderflow.adapters.zodb.indexes import IndexSet, IndexTree
    from orderflow.adapters.zodb.listing import ZodbEventListing
    from orderflow.adapters.zodb.root import app_root

    db, tm, connection = open_root(tmp_path)
    records = [EventRecord(f"evt_{n}", "charge.refunded", "unmatched", None,
                           NOW - timedelta(hours=n)) for n in range(5)]
    with tm:
        root = app_root(connection)
        root.events_by_time, root.event_payloads = IndexSet(), IndexTree()
        for n, record in enumerate(records):
            root.events[record.event_id] = stored(record)
            key = payload_key(record.event_id, record.received_at)
            root.events_by_time.add(key)
            if n % 2 == 0:  # events from before payloads were kept have none
                root.event_payloads[key] = PersistentMapping(body=f"body {n}".encode())
    with tm:
        fold_event_payloads(app_root(connection), savepoint_every=2)
    connection.close()
    connection = db.open(transaction_manager=tm)
    with tm:
        root = app_root(connection)
        assert isinstance(root.events_by_time, IndexTree)
        assert not hasattr(root, "event_payloads")
        log = ZodbEventLog(root)
        assert [log.payload(f"evt_{n}") for n in range(5)] == [
            b"body 0", None, b"body 2", None, b"body 4"]
        assert [e.event_id for e in ZodbEventListing(root).page().items] == [
            f"evt_{n}" for n in range(5)]
    connection.close()
    db.close()


def test_each_prune_walks_only_what_became_old_since_the_last(tmp_path):
    from orderflow.adapters.zodb.root import app_root

    db, tm, connection = open_root(tmp_path)
    with tm:
        fill(ZodbEventLog(app_root(connection)), [120, 100, 95, 60, 50, 10])
    with tm:
        root = app_root(connection)
        log = ZodbEventLog(root)
        assert log.prune_payloads(NOW - timedelta(days=90), 2) == 2  # stops at its limit
        assert root.payloads_pruned_from is None
        assert log.prune_payloads(NOW - timedelta(days=90), 2) == 1
        assert log.prune_payloads(NOW - timedelta(days=90), 2) == 0
        mark = root.payloads_pruned_from
        assert mark is not None
        # A longer retention later finds nothing left to walk.
        assert log.prune_payloads(NOW - timedelta(days=200), 2) == 0
        assert root.payloads_pruned_from == mark
        # A day later the next cutoff walks only from the new cutoff to the mark.
        assert log.prune_payloads(NOW - timedelta(days=55), 10) == 1
        assert [log.payload(f"evt_{n}") is not None for n in range(6)] == [
            False, False, False, False, True, True]
    connection.close()
    db.close()
