"""What every benchmark shares: servers, the load generator, prefill, output."""

from collections import Counter
import datetime
import http.client
import itertools
import json
import multiprocessing
import os
import select
import statistics
import subprocess
import sys
import threading
import time

SECRET = "whsec_bench_only_not_a_real_secret"
ORIGIN = "http://shop.bench"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
PYTHON = sys.executable
# The connection cache of development.ini: the hot indexes stay in memory.
CACHE = "connection_cache_size=50000"


def app_settings(uri):
    """The test suite's app settings, with the benchmark's storage and secret."""
    if "://" not in uri:
        uri = f"file://{uri}?{CACHE}"
    return {
        "orderflow.gateway": "fake",
        "orderflow.public_origin": ORIGIN,
        "orderflow.webhook_secret": SECRET,
        "orderflow.session_secret": "bench-session-secret",
        "orderflow.seed_catalog": "true",
        "orderflow.dev_delivery_delay": "0",
        "zodbconn.uri": uri,
        # The load generator is one client address: a shop's per-address
        # limit would measure the limiter, not the checkout.
        "orderflow.rate_limit.checkout": "off",
        # The collector as the inis set it (src/orderflow/collector.py).
        "orderflow.gc": "tuned",
        # retry.attempts: the app's own default, as deployed.
    }


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_list(name, default):
    return [int(x) for x in os.environ.get(name, default).split(",") if x.strip()]


# -- servers ---------------------------------------------------------------

class Server:
    """`python -m bench.server KIND URI THREADS` as a subprocess."""

    def __init__(self, kind, uri, threads, env=None):
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "bench.server", kind, uri, str(threads)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
        self.port = None
        deadline = time.monotonic() + 120
        while self.port is None:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"the {kind} server did not start")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith("PORT "):
                    self.port = int(line.split()[1])

    @property
    def pid(self):
        return self.proc.pid

    def rss_mb(self):
        return rss_mb(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


# -- the load generator (a separate process: it must not share our GIL) ----

def _client(ports, index, requests, counter, barrier, out):
    port = ports[index % len(ports)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.connect()
    latencies, statuses = [], Counter()
    barrier.wait()
    n = len(requests)
    while True:
        i = next(counter)
        if i >= n:
            break
        method, path, body, headers = requests[i]
        start = time.perf_counter()
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
        except (OSError, http.client.HTTPException) as error:
            statuses[type(error).__name__] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append(time.perf_counter() - start)
    conn.close()
    out.append((latencies, statuses))


def _load(ports, requests, concurrency):
    counter = itertools.count()
    barrier = threading.Barrier(concurrency + 1)
    out = []
    threads = [threading.Thread(target=_client,
                                args=(ports, i, requests, counter, barrier, out))
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    latencies = sorted(x for lat, _ in out for x in lat)
    statuses = sum((s for _, s in out), Counter())
    return {
        "requests": len(requests), "concurrency": concurrency, "seconds": seconds,
        "rps": len(requests) / seconds,
        "p50_ms": 1000 * percentile(latencies, 50),
        "p99_ms": 1000 * percentile(latencies, 99),
        "statuses": {str(k): v for k, v in statuses.items()},
        "all_2xx": all(isinstance(k, int) and 200 <= k < 300 for k in statuses)
        and sum(statuses.values()) == len(requests),
    }


def load(ports, requests, concurrency):
    """Send `requests` ((method, path, body, headers) each) with `concurrency`
    keep-alive clients from a forked process; their figures."""
    if isinstance(ports, int):
        ports = [ports]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(_load, (ports, requests, concurrency))


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def median_run(runs):
    """The per-figure medians of several runs of one configuration."""
    keys = ("rps", "p50_ms", "p99_ms", "seconds")
    summary = {k: statistics.median(r[k] for r in runs) for k in keys}
    summary["runs"] = len(runs)
    summary["all_2xx"] = all(r["all_2xx"] for r in runs)
    summary["statuses"] = dict(sum((Counter(r["statuses"]) for r in runs), Counter()))
    return summary


# -- prefill through the real use case --------------------------------------

def open_db(path, cache_size=50000):
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    return DB(FileStorage(path), cache_size=cache_size)


def prefill_checkouts(path, count, batch=2000):
    """`count` pending orders made by orderflow.services.start_checkout on a
    direct connection; returns the FakeGateway that knows their sessions and
    the (order id, session id) pairs."""
    import transaction
    from orderflow.adapters.fake.gateway import FakeGateway
    from orderflow.adapters.zodb.catalog import ZodbCatalog
    from orderflow.adapters.zodb.evolve import bootstrap
    from orderflow.adapters.zodb.orders import ZodbOrderRepository
    from orderflow.adapters.zodb.root import app_root
    from orderflow.app import seed_catalog
    from orderflow.domain.catalog import Line
    from orderflow.domain.order import new_order_id
    from orderflow.services import CheckoutSettings, start_checkout

    gateway = FakeGateway(SECRET, ORIGIN)
    settings = CheckoutSettings(public_origin=ORIGIN)
    db = open_db(path)
    bootstrap(db)
    seed_catalog(db)
    made = []
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        root = app_root(conn)
        catalog, orders = ZodbCatalog(root), ZodbOrderRepository(root)
        now = datetime.datetime.now(datetime.timezone.utc)
        for start in range(0, count, batch):
            tm.begin()
            for _ in range(min(batch, count - start)):
                started = start_checkout(catalog, orders, gateway, settings, new_order_id(),
                                         [Line("espresso-beans", 1)], "bench@example.com", now)
                made.append((started.order_id, started.session_id))
            tm.commit()
            conn.cacheMinimize()
    finally:
        conn.close()
        db.close()
    return gateway, made


def webhook_request(delivery):
    return ("POST", "/api/payments/webhook", delivery.body,
            {"Content-Type": "application/json", "Stripe-Signature": delivery.header})


def paid_exactly_once(path, order_ids):
    """How many of `order_ids` are paid with exactly one payment and one
    applied webhook in their history (the server must be stopped)."""
    from orderflow.adapters.zodb.root import app_root
    db = open_db(path)
    good = 0
    try:
        conn = db.open()
        orders = app_root(conn).orders
        for order_id in order_ids:
            order = orders[order_id].order
            applied = [h for h in order.history
                       if h.applied and h.event_type == "checkout.session.completed"]
            if (order.status == "paid" and order.payment is not None
                    and not order.duplicate_payments and len(applied) == 1):
                good += 1
        conn.close()
    finally:
        db.close()
    return good


# -- output -------------------------------------------------------------------

def save(name, data):
    os.makedirs(RESULTS, exist_ok=True)
    data = dict(data, benchmark=name,
                at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
    path = os.path.join(RESULTS, f"{name}.json")
    with open(path, "w") as out:
        json.dump(data, out, indent=2, default=str)
    print(f"wrote {os.path.relpath(path, ROOT)}")
    return path


def table(headers, rows):
    """A plain text table."""
    cells = [[str(h) for h in headers]] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print("\n".join(lines), flush=True)


def fmt(value):
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return str(value)


def verdict(ok):
    return "met" if ok else "MISSED"
