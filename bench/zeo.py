"""Two app processes on one ZEO server versus one.

    .venv/bin/python -m bench.zeo

A ZEO server (runzeo, a subprocess on a free loopback port) serves a Data.fs
of pending orders made by start_checkout; two app processes (waitress,
BENCH_ZEO_THREADS threads each) connect to it. Webhooks at concurrency
BENCH_ZEO_CONCURRENCY (16) go to one process, then are spread over both
(client i talks to process i mod 2), BENCH_REPS runs each, interleaved.
Afterwards every order must be paid exactly once.
"""

import os
import socket
import subprocess
import tempfile
import time

from .common import (
    CACHE, Server, env_int, load, median_run, paid_exactly_once, prefill_checkouts, save,
    table, verdict, webhook_request,
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_zeo(path):
    port = free_port()
    runzeo = os.path.join(os.path.dirname(os.path.abspath(os.sys.executable)), "runzeo")
    proc = subprocess.Popen([runzeo, "-a", f"127.0.0.1:{port}", "-f", path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the ZEO server did not start")


def run():
    n, reps = env_int("BENCH_N", 400), env_int("BENCH_REPS", 3)
    threads = env_int("BENCH_ZEO_THREADS", 2)
    concurrency = env_int("BENCH_ZEO_CONCURRENCY", 16)
    print(f"== zeo: one vs two app processes, {threads} threads each, concurrency "
          f"{concurrency}, {reps} runs of {n} events", flush=True)
    runs = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-zeo-") as directory:
        path = os.path.join(directory, "Data.fs")
        gateway, made = prefill_checkouts(path, 2 * n * reps)
        zeo, port = start_zeo(path)
        try:
            uri = f"zeo://127.0.0.1:{port}?{CACHE}"
            with Server("app", uri, threads) as one, Server("app", uri, threads) as two:
                pending = iter(made)
                for _ in range(reps):
                    for processes in (1, 2):
                        requests = [webhook_request(gateway.pay(next(pending)[1])[0])
                                    for _ in range(n)]
                        ports = [one.port, two.port][:processes]
                        runs[processes].append(load(ports, requests, concurrency))
        finally:
            zeo.terminate()
            zeo.wait(60)
        good = paid_exactly_once(path, [order_id for order_id, _ in made])
    one, two = median_run(runs[1]), median_run(runs[2])
    table(["app processes", "rps", "p50 ms", "p99 ms", "ratio to one", "all 2xx"], [
        [1, one["rps"], one["p50_ms"], one["p99_ms"], 1.0, one["all_2xx"]],
        [2, two["rps"], two["p50_ms"], two["p99_ms"], two["rps"] / one["rps"],
         two["all_2xx"]],
    ])
    all_2xx = one["all_2xx"] and two["all_2xx"]
    print(f"every request answered 2xx: {verdict(all_2xx)}; orders paid exactly once: "
          f"{good} of {len(made)} {verdict(good == len(made))}")
    data = {"n": n, "reps": reps, "threads": threads, "concurrency": concurrency,
            "one": one, "two": two, "ratio_two_to_one": two["rps"] / one["rps"],
            "all_2xx": all_2xx, "orders": len(made), "paid_exactly_once": good}
    save("zeo", data)
    return data


if __name__ == "__main__":
    run()
