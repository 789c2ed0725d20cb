"""What a webhook's raw payload costs a commit, by how it is stored.

    .venv/bin/python -m bench.payload_shapes

One FileStorage, one thread, one commit per event. Every commit writes an
event-log value and a counter (what every webhook writes anyway) and then,
by shape:
- `no payload`: the time index entry only (a set of "time event-id");
- `version 5`: that set entry, plus a payload record in a tree of its own;
- `version 6`: a payload record referenced from a 64-entry time tree (the
  shape events.py keeps since schema version 6);
- `128-entry tree`: the same with the sets' bucket size.
The shapes take turns every BENCH_N commits for BENCH_REPS rounds with a
BENCH_BODY-byte body; medians, with the first five rounds left out as warm-up.
"""

import json
import os
import statistics
import tempfile
import time

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from orderflow.adapters.zodb.indexes import IndexSet, IndexTree

from .common import env_int, save, table

SHAPES = ("no payload", "version 5", "version 6", "128-entry tree")


class Tree128(OOBTree):
    max_leaf_size = 128
    max_internal_size = 500


def holder(body):
    mapping = PersistentMapping()
    mapping["body"] = bytes(body)
    return mapping


def write(root, shape, n, body):
    event_id = f"evt_{n:09d}"
    key = f"{10 ** 12 - n:013d} {event_id}"  # newest first, like keys.newest_first
    root["events"][event_id] = json.dumps(["checkout.session.completed", "applied", "ord", n, ""])
    root["count"].change(1)
    if shape == "no payload":
        root["by_time"].add(key)
    elif shape == "version 5":
        root["by_time"].add(key)
        root["payloads"][key] = holder(body)
    elif shape == "version 6":
        root["tree64"][key] = holder(body)
    else:
        root["tree128"][key] = holder(body)


def run():
    n, reps, size = env_int("BENCH_N", 50), env_int("BENCH_REPS", 40), env_int("BENCH_BODY", 3500)
    body = (b'{"object":"event","data":{"object":' + b'"x"' * size)[:size]
    print(f"== payload shapes: one commit per event, {reps} rounds of {n}, "
          f"{size}-byte body", flush=True)
    times = {shape: [] for shape in SHAPES}
    with tempfile.TemporaryDirectory(prefix="bench-shapes-") as directory:
        db = DB(FileStorage(os.path.join(directory, "Data.fs")))
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            with tm:
                root = conn.root()
                root.update(events=IndexTree(), payloads=IndexTree(), tree64=IndexTree(),
                            tree128=Tree128(), by_time=IndexSet(), count=Length())
            count = 0
            for _ in range(reps):
                for shape in SHAPES:
                    started = time.perf_counter()
                    for _ in range(n):
                        count += 1
                        with tm:
                            write(conn.root(), shape, count, body)
                    times[shape].append((time.perf_counter() - started) * 1000 / n)
        finally:
            conn.close()
            db.close()
    ms = {shape: statistics.median(values[5:] or values) for shape, values in times.items()}
    table(["shape", "ms per commit", "over no payload"],
          [[shape, ms[shape], ms[shape] - ms["no payload"]] for shape in SHAPES])
    result = {"n": n, "reps": reps, "body": size, "ms": ms}
    save("payload_shapes", result)
    return result


if __name__ == "__main__":
    run()
