"""The health panel's counts come from per-hour counters (events.count_event),
so reading them costs the same at ten events or a million."""

from datetime import datetime, timedelta, timezone

from BTrees.Length import Length
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.events import ZodbEventLog, stored
from orderflow.adapters.zodb.evolve import SCHEMA_VERSION, bootstrap, count_events_by_hour
from orderflow.adapters.zodb.listing import ZodbEventListing
from orderflow.adapters.zodb.root import app_root
from orderflow.ports.repositories import EventRecord

NOW = datetime(2026, 12, 2, 13, 40, tzinfo=timezone.utc)
TOP = NOW.replace(minute=0)


def opened(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    bootstrap(db)
    tm = transaction.TransactionManager()
    return db, tm, db.open(transaction_manager=tm)


def event(n, minutes_ago, outcome="applied"):
    return EventRecord(f"evt_{n}", "checkout.session.completed", outcome, None,
                       NOW - timedelta(minutes=minutes_ago))


def loads_while(connection, work):
    connection.cacheMinimize()
    connection.getTransferCounts(clear=True)
    result = work()
    return result, connection.getTransferCounts()[0]


def test_counting_a_days_events_loads_the_same_few_records_at_any_volume(tmp_path):
    db, tm, connection = opened(tmp_path)
    ages, loads = [], []
    for batch in (300, 2700):  # spread over the same 26 hours each time
        with tm:
            log = ZodbEventLog(app_root(connection))
            for n in range(batch):
                age = (n * 7919) % (26 * 60)
                log.record(event(f"{len(ages)}", age, "applied" if n % 3 else "ignored"))
                ages.append(age)
        with tm:
            listing = ZodbEventListing(app_root(connection))
            # From the top of an hour: no event is counted one by one.
            recent, count = loads_while(
                connection, lambda: listing.recent(TOP - timedelta(hours=24)))
            loads.append(count)
        # From 13:00 yesterday: 24 hours and the 40 minutes of this one.
        assert sum(recent.counts.values()) == sum(1 for age in ages if age <= 24 * 60 + 40)
    # Ten times the events, the same records read: a counter for each of
    # 25 hours and 2 outcomes, and a few buckets and trees.
    assert loads[0] == loads[1] <= 2 * 25 + 10, loads
    connection.close()
    db.close()


def test_past_its_bound_the_first_hour_is_counted_whole_and_said_so(tmp_path):
    db, tm, connection = opened(tmp_path)
    with tm:
        log = ZodbEventLog(app_root(connection))
        # Since 13:40 yesterday: three events after it in its hour, one
        # before it in the same hour, one in the hour before, one today.
        for n, age in enumerate([24 * 60 + 45, 24 * 60 + 10, 24 * 60 - 5, 24 * 60 - 10,
                                 24 * 60 - 15, 60]):
            log.record(event(n, age))
    with tm:
        listing = ZodbEventListing(app_root(connection))
        since = NOW - timedelta(hours=24)
        exact = listing.recent(since)
        assert (exact.counted_from, exact.counts) == (since, {"applied": 4})
        listing.edge_walk = 2
        whole = listing.recent(since)
        assert (whole.counted_from, whole.counts) == (
            since.replace(minute=0), {"applied": 5})
    connection.close()
    db.close()


def test_version_6_databases_get_their_events_counted_by_the_hour(tmp_path):
    db, tm, connection = opened(tmp_path)
    with tm:
        root = app_root(connection)
        for n, (minutes, outcome) in enumerate([(10, "applied"), (50, "unmatched"),
                                                (70, "applied"), (3000, "ignored")]):
            root.events[f"evt_{n}"] = stored(event(n, minutes, outcome))  # no counter
        del root.event_hours
        root.event_count = Length(4)  # version 6's total, which 7 drops
        root.schema_version = 6
    connection.close()
    assert bootstrap(db) == [6] and SCHEMA_VERSION == 7
    connection = db.open(transaction_manager=tm)
    with tm:
        recent = ZodbEventListing(app_root(connection)).recent(NOW - timedelta(hours=24))
        assert recent.counts == {"applied": 2, "unmatched": 1}
        assert not hasattr(app_root(connection), "event_count")
        # Run again (a retried step), it counts afresh rather than twice.
        count_events_by_hour(app_root(connection), read_between_emptying=2)
        assert ZodbEventListing(app_root(connection)).recent(
            NOW - timedelta(days=3)).counts == {"applied": 2, "unmatched": 1, "ignored": 1}
    connection.close()
    db.close()
