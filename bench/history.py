"""How the cost of a request grows with history; memory and Data.fs size.

    .venv/bin/python -m bench.history
    BENCH_SIZES=1000,100000,1000000 .venv/bin/python -m bench.history

Every size of BENCH_SIZES is loaded first (paid orders, each with its
processed event, loaded by bench/loader.py, plus newer pending orders);
then BENCH_HISTORY_REPS runs (3) of each size, the sizes taking turns, each
against a freshly started app on waitress (BENCH_HISTORY_THREADS threads,
so its cache starts cold), one client at a time (the per-request cost is
the median latency); the figures are the medians of the runs:
- a webhook paying a pending order (each a different one);
- GET /api/orders/by-session/{sid} of orders spread over the whole history;
then, with the app stopped, on a direct connection warmed like the app's
(the admin views need a login; these are the functions they call):
- the first page, and deep pages at random cursors, of the admin orders list
  filtered by status (ZodbOrderListing.page, status "paid");
- a reconcile pass (services.reconcile) over the pending orders.
Printed with the ratio largest / smallest size. At the largest size: the app's
resident memory after the run and Data.fs bytes per order before and after
packing. Every webhook must be answered 2xx and pay its order exactly once.
"""

import datetime
import multiprocessing
import os
import random
import statistics
import tempfile
import time

from .common import (
    Server, env_int, env_list, load, open_db, paid_exactly_once, save, table, verdict,
)
from .loader import load_history, paying_event

UTC = datetime.timezone.utc


def timed(calls):
    """Median seconds of each call in `calls` (zero-argument functions)."""
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def direct_measures(path, reconcile_orders, repeats):
    """Admin listing pages and a reconcile pass on a fresh direct connection,
    warmed as the app warms its connections at start-up."""
    from orderflow.adapters.fake.gateway import FakeGateway
    from orderflow.adapters.zodb.keys import prefix_range, split
    from orderflow.adapters.zodb.listing import ZodbOrderListing
    from orderflow.adapters.zodb.orders import ZodbOrderRepository
    from orderflow.adapters.zodb.root import app_root
    from orderflow.adapters.zodb.warm import warm
    from orderflow.services.reconcile import reconcile
    from .common import ORIGIN, SECRET

    db = open_db(path)
    try:
        warm(db, 1)
        conn = db.open()
        root = app_root(conn)
        listing = ZodbOrderListing(root)
        keys = [split(k, 2)[1] for k in root.by_status.keys(*prefix_range("paid"))]
        deep = [random.choice(keys) for _ in range(repeats)]
        del keys
        first = timed([lambda: listing.page(status="paid")] * repeats)  # cached after one
        deep_calls = [lambda k=k: listing.page(status="paid", cursor=k)
                      for k in deep]
        # The first walk loads the pages' orders from disk, the second finds
        # them in the connection cache: both are reported.
        deep_cold = timed(deep_calls)
        deep_page = timed(deep_calls)
        shown = [len(call().items) for call in deep_calls[:5]]
        if not any(shown) or max(shown) > 25:
            raise AssertionError(f"deep pages showed {shown} orders")
        gateway = FakeGateway(SECRET, ORIGIN)
        for order_id, session_id, amount in reconcile_orders:
            gateway.sessions[session_id] = {
                "id": session_id, "status": "open", "payment_status": "unpaid",
                "amount_total": amount, "currency": "eur", "payment_intent": None,
                "metadata": {"order_id": order_id}, "url": None,
            }
        now = datetime.datetime.now(UTC)
        orders = ZodbOrderRepository(root)
        summary = None

        def one_pass():
            nonlocal summary
            summary = reconcile(orders, gateway, now)

        pass_seconds = timed([one_pass] * 5)
        conn.transaction_manager.abort()
        conn.close()
    finally:
        db.close()
    return {"first_page_ms": 1000 * first, "deep_page_ms": 1000 * deep_page,
            "deep_page_cold_ms": 1000 * deep_cold,
            "reconcile_pass_ms": 1000 * pass_seconds,
            "reconcile_checked": summary.checked, "reconcile_changed": summary.changed}


def in_fresh_process(function, *args):
    """function(*args) in a new interpreter: every size is measured by a
    process of the same shape, not by one that has grown while loading."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def load_size(directory, size, pending):
    path = os.path.join(directory, f"history-{size}.fs")
    started = time.perf_counter()
    sample, made = load_history(path, size, pending)
    return {"size": size, "path": path, "sample": sample, "made": made,
            "load_seconds": time.perf_counter() - started, "runs": []}


def one_run(loaded, rep, n, threads):
    """One run on a freshly started app (a cold cache), paying its own `n`
    pending orders and looking up `n` orders spread over the history."""
    path, made = loaded["path"], loaded["made"]
    to_pay = made[rep * n:(rep + 1) * n]
    run_ = {}
    with Server("app", path, threads) as app:
        load(app.port, [("GET", "/api/products", None, {})] * 20, 1)  # warm up
        webhooks = load(app.port, [paying_event(*m) for m in to_pay], 1)
        sample = loaded["sample"]
        lookups = load(app.port, [("GET", f"/api/orders/by-session/{sid}", None, {})
                                  for sid in random.sample(sample, min(n, len(sample)))], 1)
        run_["rss_mb"] = app.rss_mb()
    run_.update(webhook_ms=webhooks["p50_ms"], webhook_2xx=webhooks["all_2xx"],
                by_session_ms=lookups["p50_ms"], by_session_2xx=lookups["all_2xx"])
    run_["paid_exactly_once"] = paid_exactly_once(path, [m[0] for m in to_pay])
    return run_


def summarise(loaded, pending, last):
    runs, size, path = loaded["runs"], loaded["size"], loaded["path"]
    result = {"size": size, "load_seconds": loaded["load_seconds"], "runs": runs}
    for key, _ in MEASURES:
        result[key] = statistics.median(r[key] for r in runs)
    result.update(
        webhook_2xx=all(r["webhook_2xx"] for r in runs),
        by_session_2xx=all(r["by_session_2xx"] for r in runs),
        paid_exactly_once=sum(r["paid_exactly_once"] for r in runs),
        rss_mb=max(r["rss_mb"] for r in runs),
        reconcile_checked=runs[-1]["reconcile_checked"],
        reconcile_changed=runs[-1]["reconcile_changed"])
    if last:
        orders = size + pending
        result["bytes_per_order"] = os.path.getsize(path) / orders
        db = open_db(path)
        started = time.perf_counter()
        db.pack()
        result["pack_seconds"] = time.perf_counter() - started
        db.close()
        result["bytes_per_order_packed"] = os.path.getsize(path) / orders
    shown = {k: (round(v, 3) if isinstance(v, float) else v)
             for k, v in result.items() if k != "runs"}
    print(f"  {size} orders: loaded in {loaded['load_seconds']:.0f} s; medians of "
          f"{len(runs)} runs: {shown}", flush=True)
    return result


def interleaved(directory, sizes, pending, n, threads, reps):
    """Every size loaded first, then the runs take turns between the sizes
    (run 1 of each size, then run 2 of each, ...), so a change in the
    machine's load between minutes falls on every size alike."""
    loaded = [load_size(directory, size, pending) for size in sizes]
    for rep in range(reps):
        for one in loaded:
            one["runs"].append(one_run(one, rep, n, threads))
            print(f"  run {rep + 1} at {one['size']} orders: "
                  f"webhook {one['runs'][-1]['webhook_ms']:.2f} ms, "
                  f"by-session {one['runs'][-1]['by_session_ms']:.2f} ms", flush=True)
    for rep in range(reps):
        for one in loaded:
            # After every run's webhooks, so each pass finds the same pending orders.
            one["runs"][rep].update(in_fresh_process(
                direct_measures, one["path"], one["made"][reps * n:],
                env_int("BENCH_PAGES", 50)))
    results = [summarise(one, pending, one is loaded[-1]) for one in loaded]
    for one in loaded:
        os.remove(one["path"])
    return results


MEASURES = (("webhook_ms", "webhook paying an order"),
            ("by_session_ms", "GET /api/orders/by-session/{sid}"),
            ("first_page_ms", "admin list, status=paid, first page"),
            ("deep_page_ms", "admin list, status=paid, deep page (cached)"),
            ("deep_page_cold_ms", "admin list, status=paid, deep page (from disk)"),
            ("reconcile_pass_ms", "reconcile pass over the pending orders"))


def run():
    sizes = env_list("BENCH_SIZES", "1000,10000,100000")
    n = env_int("BENCH_HISTORY_N", 300)
    threads = env_int("BENCH_HISTORY_THREADS", 2)
    reps = env_int("BENCH_HISTORY_REPS", 3)
    reconciled = env_int("BENCH_RECONCILE_PENDING", 100)
    pending = reps * n + reconciled
    print(f"== history: sizes {sizes}, {reps} runs of {n} webhooks and lookups each, "
          f"{reconciled} pending orders to reconcile", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-history-") as directory:
        results = interleaved(directory, sizes, pending, n, threads, reps)
    small, big = results[0], results[-1]
    ratio_name = f"{big['size']} / {small['size']}"
    rows, ratios = [], {}
    for key, label in MEASURES:
        ratio = big[key] / small[key]
        ratios[key] = ratio
        rows.append([label] + [r[key] for r in results] + [ratio, verdict(ratio <= 1.5)])
    table(["per request, median ms"] + [f"{r['size']} orders" for r in results]
          + [f"ratio {ratio_name}", "target <= 1.5"], rows)
    all_2xx = all(r["webhook_2xx"] and r["by_session_2xx"] for r in results)
    exactly = all(r["paid_exactly_once"] == n * reps for r in results)
    print(f"every request answered 2xx: {verdict(all_2xx)}; every webhook paid its order "
          f"exactly once: {verdict(exactly)}")
    print(f"reconcile: checked {big['reconcile_checked']} pending orders, changed "
          f"{big['reconcile_changed']} (none should change: their sessions are open)")
    print(f"app RSS at {big['size']} orders: {big['rss_mb']:.0f} MB "
          f"(target <= 400 MB: {verdict(big['rss_mb'] <= 400)})")
    print(f"Data.fs bytes per order at {big['size']}: {big['bytes_per_order']:.0f} before "
          f"packing, {big['bytes_per_order_packed']:.0f} after ({big['pack_seconds']:.1f} s)")
    data = {"sizes": sizes, "n": n, "reps": reps, "results": results, "ratios": ratios,
            "ratio_of": ratio_name, "all_2xx": all_2xx, "paid_exactly_once": exactly}
    save("history", data)
    return data


if __name__ == "__main__":
    run()
