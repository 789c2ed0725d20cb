"""Where a webhook's cost goes, in one process, without HTTP or threads.

    .venv/bin/python -m bench.breakdown

Per event, on one thread, each event committed in its own transaction:
- floor (b)'s work: `verify_header`, `json.loads`, one BTree insert and one
  object change, commit (the handler of bench/server.py without waitress);
- the use case: orderflow's `verify` and `translate`, then
  `apply_gateway_event` on the ZODB adapters, commit: what floor (c) and the
  app run for a webhook;
- the same use case without keeping the event's raw payload (SPEC §10
  keeps it: one more object per event, referenced from `events_by_time`),
  which is what raw events cost;
- the use case writing only what exactly-once needs: the same, but the
  repositories keep no secondary index and no counter (`by_status`,
  `by_intent`, `events_by_time`, the `Length`s), so it commits the order
  record and the event-log bucket, as floor (b) commits two objects. This
  variant is a measurement, not a design: it is the most that deferring
  every index could win.

The three run in turn, BENCH_REPS rounds of BENCH_N events each, on fresh
pending orders every round; medians. Throughput ratios are to floor (b) in
the same run.
"""

import datetime
import json
import os
import statistics
import tempfile
import time

import stripe
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.stripe import events as stripe_events
from orderflow.adapters.zodb.events import ZodbEventLog, stored
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.services import apply_gateway_event

from .common import SECRET, env_int, prefill_checkouts, save, table
from .webhook import prefill_floor

UTC = datetime.timezone.utc


class UnindexedOrders(ZodbOrderRepository):
    def _index(self, record):
        pass


class UnindexedEvents(ZodbEventLog):
    def record(self, record, payload=None):
        # Exactly-once needs the id only: no time index, counter or payload.
        self.root.events[record.event_id] = stored(record)


def floor_work(directory):
    db = DB(FileStorage(os.path.join(directory, "floor.fs")))
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)

    def one(delivery):
        payload = delivery.body.decode("utf-8")
        stripe.WebhookSignature.verify_header(payload, delivery.header, SECRET, 300)
        event = json.loads(payload)
        with tm:
            root = conn.root()
            root["events"][event["id"]] = event["type"]
            root["items"][event["data"]["object"]["metadata"]["order_id"]].status = "paid"
    return one, db


def usecase_work(db, orders_class, events_class, keep_payload=True):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)

    def one(delivery):
        event = stripe_events.translate(
            stripe_events.verify(delivery.body, delivery.header, (SECRET,), 300))
        with tm:
            root = app_root(conn)
            # The body is kept as received, as the webhook view does.
            apply_gateway_event(orders_class(root), events_class(root), event,
                                datetime.datetime.now(UTC),
                                payload=delivery.body if keep_payload else None)
    return one, conn


def per_event_ms(one, deliveries):
    started = time.perf_counter()
    for delivery in deliveries:
        one(delivery)
    return (time.perf_counter() - started) * 1000 / len(deliveries)


def run():
    n, reps = env_int("BENCH_N", 400), env_int("BENCH_REPS", 5)
    kinds = ("floor (b)", "use case", "use case, raw payload not kept",
             "use case, order + event only")
    print(f"== breakdown: in-process, one thread, {reps} rounds of {n} events", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-breakdown-") as directory:
        warm = 100
        total = (n * reps + warm) * len(kinds)
        gateway, made = prefill_checkouts(os.path.join(directory, "Data.fs"), total)
        prefill_floor(os.path.join(directory, "floor.fs"), [o for o, _ in made])
        deliveries = iter([gateway.pay(session)[0] for _, session in made])
        db = DB(FileStorage(os.path.join(directory, "Data.fs")), cache_size=50000)
        floor, floor_db = floor_work(directory)
        full, full_conn = usecase_work(db, ZodbOrderRepository, ZodbEventLog)
        unkept, unkept_conn = usecase_work(db, ZodbOrderRepository, ZodbEventLog,
                                           keep_payload=False)
        bare, bare_conn = usecase_work(db, UnindexedOrders, UnindexedEvents)
        work = dict(zip(kinds, (floor, full, unkept, bare)))
        try:
            for one in work.values():  # warm caches and code paths
                per_event_ms(one, [next(deliveries) for _ in range(warm)])
            times = {kind: [] for kind in kinds}
            for _ in range(reps):
                for kind, one in work.items():
                    times[kind].append(per_event_ms(one, [next(deliveries) for _ in range(n)]))
        finally:
            full_conn.close()
            unkept_conn.close()
            bare_conn.close()
            db.close()
            floor_db.close()
    ms = {kind: statistics.median(values) for kind, values in times.items()}
    floor_ms = ms["floor (b)"]
    rows = [[kind, ms[kind], floor_ms / ms[kind]] for kind in kinds]
    table(["work per event", "ms", "throughput / floor (b)"], rows)
    result = {"n": n, "reps": reps, "ms": ms, "times": times,
              "ratio_to_floor_b": {kind: floor_ms / ms[kind] for kind in kinds}}
    save("breakdown", result)
    return result


if __name__ == "__main__":
    run()
