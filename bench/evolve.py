"""How long the schema 6 and 7 evolve steps take on a long event history.

    .venv/bin/python -m bench.evolve

Builds a database in version 5's layout with BENCH_EVENTS stored events
(1,000,000; one every 30 seconds back from now) in `events`, their
"time event-id" keys in the `events_by_time` set and a 2 KB payload for the
newest BENCH_PAYLOADS_KEPT (20,000) in `event_payloads`, then times
`bootstrap`, which runs the steps due (5 -> 6 folds the payloads into
`events_by_time`, 6 -> 7 counts the events by the hour), and reports the
process's peak memory.
"""

import datetime
import os
import resource
import tempfile
import time

from BTrees.Length import Length
from persistent.mapping import PersistentMapping
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.events import payload_key, stored
from orderflow.adapters.zodb.evolve import bootstrap
from orderflow.adapters.zodb.indexes import IndexSet, IndexTree
from orderflow.adapters.zodb.root import app_root
from orderflow.ports.repositories import EventRecord

from .common import env_int, save

BATCH = 50000


def build_version_5(path, events, kept):
    db = DB(FileStorage(path))
    bootstrap(db)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    now = datetime.datetime.now(datetime.timezone.utc)
    with tm:
        root = app_root(conn)
        root.events_by_time, root.event_payloads = IndexSet(), IndexTree()
        root.event_count = Length(events)
        del root.event_hours
        root.schema_version = 5
    for start in range(0, events, BATCH):
        with tm:
            root = app_root(conn)
            for n in range(start, min(events, start + BATCH)):
                record = EventRecord(f"evt_{n:09d}", "checkout.session.completed", "applied",
                                     f"ord_{n}", now - datetime.timedelta(seconds=30 * n))
                root.events[record.event_id] = stored(record)
                key = payload_key(record.event_id, record.received_at)
                root.events_by_time.add(key)
                if n < kept:
                    root.event_payloads[key] = PersistentMapping(body=b"x" * 2000)
        conn.cacheMinimize()
    conn.close()
    db.close()


def run():
    events, kept = env_int("BENCH_EVENTS", 1000000), env_int("BENCH_PAYLOADS_KEPT", 20000)
    print(f"== evolve: {events} events in version 5's layout, {kept} with payloads", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-evolve-") as directory:
        path = os.path.join(directory, "Data.fs")
        build_version_5(path, events, kept)
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        db = DB(FileStorage(path))
        started = time.perf_counter()
        steps = bootstrap(db)
        seconds = time.perf_counter() - started
        db.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"steps {steps} took {seconds:.1f} s; peak memory {peak_mb:.0f} MB "
          f"({before_mb:.0f} MB after building)")
    result = {"events": events, "kept": kept, "steps": steps, "seconds": seconds,
              "peak_mb": peak_mb}
    save("evolve", result)
    return result


if __name__ == "__main__":
    run()
