"""The webhook's tail from outside: wrk against one waitress thread.

    .venv/bin/python -m bench.tail          # needs wrk (apt-get install wrk)

Issue 15 saw the app's p99 at 160-440 ms against a p50 of 23 ms (wrk, one
waitress thread, 4 connections, thousands of unique events among 2,500 to
18,000 pending orders), while floor (b)'s p99 was 39-64 ms. This repeats
that run and asks the server where the stalls are: with BENCH_TRACE set,
bench/server.py times every garbage collection (`gc.callbacks`) and every
group commit's commit.

Rounds of BENCH_N (3,000) unique signed `checkout.session.completed`
events, each paying its own pending order, go to floor (b) and the app in
turn, each round on a fresh server process with one waitress thread,
BENCH_REPS rounds (3) each; wrk runs with one thread and BENCH_CONCURRENCY
(4) connections and is stopped after BENCH_N answers. The database holds
an order for every event of every round (27,000 by default), all pending
at the start. BENCH_GC_MODES lists the app's garbage collector settings to
compare (default: `default,tuned`; see bench/server.py and
src/orderflow/collector.py). BENCH_FSYNC=off runs every server without
FileStorage's fsync, to see the tail the disk does not cause.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile

from .common import (
    ROOT, Server, env_int, prefill_checkouts, save, table, webhook_request,
)
from .webhook import prefill_floor

SCRIPT = os.path.join(ROOT, "bench", "wrk", "webhooks.lua")


def write_requests(path, gateway, made):
    with open(path, "w") as out:
        for _, session in made:
            _, _, body, headers = webhook_request(gateway.pay(session)[0])
            out.write(f"{headers['Stripe-Signature']}\t{body.hex()}\n")


def wrk(port, requests, first, count, concurrency):
    proc = subprocess.Popen(
        ["wrk", "-t1", f"-c{concurrency}", "-d600s", "--timeout", "30s", "-s", SCRIPT,
         f"http://127.0.0.1:{port}/api/payments/webhook", "--", requests, str(first),
         str(count)], stdout=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("ALL ANSWERED"):
            proc.send_signal(signal.SIGINT)  # wrk prints its summary and ends
    if proc.wait() != 0:
        raise RuntimeError("wrk failed:\n" + "".join(lines))
    line = next(l for l in lines if l.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def summary_of_trace(path):
    with open(path) as trace:
        data = json.load(trace)
    out = {}
    for generation in (0, 1, 2):
        pauses = sorted(ms for g, ms in data["gc"] if g == generation)
        out[f"gc{generation}_count"] = len(pauses)
        out[f"gc{generation}_max_ms"] = pauses[-1] if pauses else 0.0
        out[f"gc{generation}_total_ms"] = sum(pauses)
    commits = sorted(data["commits"])
    out["commit_max_ms"] = commits[-1] if commits else 0.0
    out["commit_p99_ms"] = commits[int(len(commits) * 0.99)] if commits else 0.0
    out["commits_over_20ms"] = sum(1 for ms in commits if ms > 20)
    fsyncs = sorted(data["fsyncs"])
    out["fsync_max_ms"] = fsyncs[-1] if fsyncs else 0.0
    out["fsyncs_over_20ms"] = sum(1 for ms in fsyncs if ms > 20)
    out["tracked_objects"] = data["tracked_objects"]
    return out


def run():
    n, reps = env_int("BENCH_N", 3000), env_int("BENCH_REPS", 3)
    concurrency = env_int("BENCH_CONCURRENCY", 4)
    modes = [m for m in os.environ.get("BENCH_GC_MODES", "default,tuned").split(",") if m]
    if not shutil.which("wrk"):
        raise SystemExit("bench.tail needs wrk: apt-get install wrk")
    kinds = ["floor"] + [f"app:{mode}" for mode in modes]
    pending = reps * len(kinds) * n
    print(f"== tail: wrk -t1 -c{concurrency}, one waitress thread, {pending} pending orders, "
          f"{reps} rounds of {n} per server", flush=True)
    rows, results = [], []
    with tempfile.TemporaryDirectory(prefix="bench-tail-") as directory:
        app_fs = os.path.join(directory, "Data.fs")
        gateway, made = prefill_checkouts(app_fs, pending)
        floor_fs = os.path.join(directory, "floor.fs")
        prefill_floor(floor_fs, [order_id for order_id, _ in made])
        requests = os.path.join(directory, "requests.txt")
        first = 1
        for rep in range(reps):
            for kind in kinds:
                # Signed just before their round: Stripe's tolerance is 5 minutes.
                write_requests(requests, gateway, made[first - 1:first - 1 + n])
                # What the prefill and the last round wrote goes to disk now,
                # not in the middle of this round's fsyncs.
                os.sync()
                trace = os.path.join(directory, f"trace-{rep}-{kinds.index(kind)}.json")
                server_kind, _, mode = kind.partition(":")
                env = dict(os.environ, BENCH_TRACE=trace, BENCH_GC=mode or "default")
                with Server(server_kind, floor_fs if server_kind == "floor" else app_fs, 1,
                            env=env) as server:
                    result = wrk(server.port, requests, 1, n, concurrency)
                    result["rss_mb"] = server.rss_mb()
                result.update(summary_of_trace(trace), kind=kind, round=rep + 1)
                results.append(result)
                rows.append([kind, rep + 1, result["p50_ms"], result["p99_ms"],
                             result["p999_ms"], result["max_ms"], result["requests"] / result["seconds"],
                             result["gc2_count"], result["gc2_max_ms"], result["commit_max_ms"],
                             result["fsync_max_ms"], result["non_2xx"] + result["errors"]])
                first += n
    table(["server", "round", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "rps", "full GCs",
           "longest GC ms", "longest commit ms", "longest fsync ms", "failed"], rows)
    save("tail", {"pending": pending, "n": n, "reps": reps, "concurrency": concurrency,
                  "results": results})
    return results


if __name__ == "__main__":
    run()
