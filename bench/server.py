"""One WSGI server process for a benchmark: the app, or a floor.

    python -m bench.server KIND URI THREADS

KIND is `app` (orderflow.app.main), `bare` (floor a: read the body, answer
200), `floor` (floor b: verify the signature, parse JSON, commit one BTree
insert and one object change in ZODB) or `usecase` (floor c: orderflow's own
webhook use case, `apply_gateway_event` through the app's GroupCommit, in a
bare WSGI handler like b's: the app without Pyramid). It prints `PORT n` once listening on
a free loopback port, and closes its database on SIGTERM.

With BENCH_TRACE=PATH it times every garbage collection (`gc.callbacks`),
every transaction commit and every FileStorage fsync, and writes them to PATH as JSON on the way
out (bench/tail.py). BENCH_GC sets the collector after start-up and
warming: `tuned` (the app's own `orderflow.gc = tuned`, as the inis and
the other benchmarks run it), `default` (Python's defaults), `freeze`
(gc.freeze(): what start-up made is never scanned again), `off`, three thresholds `700/10/10`, or several joined
by "+" (`freeze+20000/10/10`). BENCH_FSYNC=off makes FileStorage skip its
fsync (not durable: it tells the disk's stalls from the process's own).
"""

import gc
import importlib
import json
import logging
import os
import random
import signal
import sys
import threading
import time

import stripe
import transaction
import waitress
from ZODB import DB
from ZODB.FileStorage import FileStorage
from transaction.interfaces import TransientError

from orderflow.adapters.web.retry import BASE_SECONDS, CAP_SECONDS
from orderflow.adapters.zodb.services import database

from .common import SECRET, app_settings

OK = [("Content-Type", "application/json"), ("Content-Length", "2")]
ATTEMPTS = 10


def retried(work):
    """work() re-run on a conflict like the app's requests (retry.attempts =
    10, random back-off; adapters/web/retry.py): with 5 quick attempts,
    floor (b) at 8 threads lost a request to conflicts now and then, and a
    floor must not lose anything either."""
    for n in range(ATTEMPTS):
        try:
            return work()
        except TransientError:
            if n == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, min(CAP_SECONDS, BASE_SECONDS * 2 ** n)))


def bare_app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("200 OK", OK)
    return [b"{}"]


def floor_app(path):
    """The least a correct webhook must do: verify, parse, commit one change."""
    db = DB(FileStorage(path), pool_size=16)
    local = threading.local()

    def connection():
        if not hasattr(local, "tm"):
            local.tm = transaction.TransactionManager()
            local.conn = db.open(transaction_manager=local.tm)
        return local.tm, local.conn

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        payload = environ["wsgi.input"].read(length).decode("utf-8")
        stripe.WebhookSignature.verify_header(
            payload, environ.get("HTTP_STRIPE_SIGNATURE"), SECRET, 300)
        event = json.loads(payload)
        order_id = event["data"]["object"]["metadata"]["order_id"]
        tm, conn = connection()

        def pay():
            with tm:
                root = conn.root()
                root["events"][event["id"]] = event["type"]
                root["items"][order_id].status = "paid"

        retried(pay)
        start_response("200 OK", OK)
        return [b"{}"]

    return app, db


def usecase_app(path):
    """Floor (c): what the app does for a webhook, minus the web framework
    (the same group commit as the app's webhook view)."""
    from datetime import datetime, timezone

    from orderflow.adapters.stripe import events
    from orderflow.adapters.zodb.group_commit import GroupCommit
    from orderflow.services import apply_gateway_event

    db = DB(FileStorage(path), pool_size=16, cache_size=50000)
    group = GroupCommit(db)

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        event = events.translate(events.verify(
            body, environ.get("HTTP_STRIPE_SIGNATURE"), (SECRET,), 300))
        now = datetime.now(timezone.utc)
        retried(lambda: group.run(lambda orders, log, carts: apply_gateway_event(
            orders, log, event, now, carts=carts)))
        start_response("200 OK", OK)
        return [b"{}"]

    return app, db


def timed(function, into):
    """`function`, appending the milliseconds of every call to `into`."""
    def wrapper(*args):
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            into.append((time.perf_counter() - started) * 1000)
    return wrapper


class Trace:
    """Garbage collections, commits and fsyncs, timed in this process."""

    def __init__(self, path):
        self.path, self.gc, self.commits, self.fsyncs, self._started = path, [], [], [], 0.0
        gc.callbacks.append(self._collection)
        module = importlib.import_module("ZODB.FileStorage.FileStorage")
        module.fsync = timed(module.fsync, self.fsyncs)
        manager = transaction.TransactionManager
        manager.commit = timed(manager.commit, self.commits)

    def _collection(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.gc.append((info["generation"], (time.perf_counter() - self._started) * 1000))

    def write(self):
        with open(self.path, "w") as out:
            json.dump({"gc": self.gc, "commits": self.commits, "fsyncs": self.fsyncs,
                       "tracked_objects": len(gc.get_objects())}, out)


def set_collector(modes):
    for mode in modes.split("+"):
        if mode == "freeze":
            gc.collect()
            gc.freeze()
        elif mode == "off":
            gc.disable()
        elif mode not in ("default", "tuned"):
            gc.set_threshold(*(int(n) for n in mode.split("/")))


def main(kind, uri, threads):
    # Overload is what a benchmark makes: waitress's queue warnings are noise.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    db = None
    if kind == "bare":
        app = bare_app
    elif kind == "floor":
        app, db = floor_app(uri)
    elif kind == "usecase":
        app, db = usecase_app(uri)
    else:
        from orderflow.app import main as make_app
        settings = app_settings(uri)
        if os.environ.get("BENCH_GC"):  # bench.tail's comparison: see set_collector
            settings["orderflow.gc"] = "tuned" if os.environ["BENCH_GC"] == "tuned" else "default"
        app = make_app({}, **settings)
        db = database(app.registry)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads,
                                    connection_limit=200, backlog=1024)
    set_collector(os.environ.get("BENCH_GC", "default"))  # "tuned": the app did it
    if os.environ.get("BENCH_FSYNC") == "off":
        # Not durable: only to tell the disk's stalls from the process's own.
        importlib.import_module("ZODB.FileStorage.FileStorage").fsync = lambda fd: None
    trace = Trace(os.environ["BENCH_TRACE"]) if os.environ.get("BENCH_TRACE") else None

    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"PORT {server.effective_port}", flush=True)
    try:
        server.run()
    finally:
        server.close()
        if trace is not None:
            trace.write()
        if db is not None:
            db.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
