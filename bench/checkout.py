"""Checkout creation requests per second, against floor (a).

    .venv/bin/python -m bench.checkout

POST /api/payments/create-checkout-session (JSON API, fake gateway) by
BENCH_CHECKOUT_CONCURRENCY (4) keep-alive clients, BENCH_REPS runs of
BENCH_N requests, against the app and floor (a) on the same waitress
settings (BENCH_CHECKOUT_THREADS waitress threads, 2). Afterwards the
database must hold exactly one new pending order per request.
"""

import json
import os
import tempfile

from .common import (
    Server, env_int, load, median_run, open_db, prefill_checkouts, save, table, verdict,
)


def order_count(path):
    from orderflow.adapters.zodb.root import app_root
    db = open_db(path)
    try:
        conn = db.open()
        root = app_root(conn)
        counts = (root.order_count(), root.counts["pending"]())
        conn.close()
        return counts
    finally:
        db.close()


def requests(n):
    body = json.dumps({"items": [{"id": "espresso-beans", "quantity": 1},
                                 {"id": "ceramic-mug", "quantity": 2}],
                       "email": "bench@example.com"}).encode()
    headers = {"Content-Type": "application/json"}
    return [("POST", "/api/payments/create-checkout-session", body, headers)] * n


def run():
    n, reps = env_int("BENCH_N", 400), env_int("BENCH_REPS", 3)
    concurrency = env_int("BENCH_CHECKOUT_CONCURRENCY", 4)
    threads = env_int("BENCH_CHECKOUT_THREADS", 2)
    print(f"== checkout: {threads} waitress threads, concurrency {concurrency}, "
          f"{reps} runs of {n} requests", flush=True)
    runs = {"app": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as directory:
        path = os.path.join(directory, "Data.fs")
        prefill_checkouts(path, 1)  # the catalog, and one order
        before = order_count(path)
        with Server("app", path, threads) as app, Server("bare", "-", threads) as bare:
            for _ in range(reps):
                runs["bare"].append(load(bare.port, requests(n), concurrency))
                runs["app"].append(load(app.port, requests(n), concurrency))
        after = order_count(path)
    app, bare = median_run(runs["app"]), median_run(runs["bare"])
    made = after[0] - before[0]
    created_ok = all(r["statuses"] == {"201": n} for r in runs["app"])
    exact = made == n * reps and after[1] - before[1] == n * reps
    table(["server", "rps", "p50 ms", "p99 ms", "ratio to floor a", "all 2xx"], [
        ["floor a", bare["rps"], bare["p50_ms"], bare["p99_ms"], 1.0, bare["all_2xx"]],
        ["app", app["rps"], app["p50_ms"], app["p99_ms"], app["rps"] / bare["rps"],
         app["all_2xx"]],
    ])
    print(f"every request answered 201: {verdict(created_ok)}; new pending orders: "
          f"{made} for {n * reps} requests {verdict(exact)}")
    data = {"n": n, "reps": reps, "threads": threads, "concurrency": concurrency,
            "app": app, "floor_a": bare, "ratio_to_floor_a": app["rps"] / bare["rps"],
            "all_201": created_ok, "orders_created": made, "exactly_one_each": exact}
    save("checkout", data)
    return data


if __name__ == "__main__":
    run()
