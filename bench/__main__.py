"""`make bench`: every benchmark in turn, then a summary of targets.

    .venv/bin/python -m bench            # the default set, under ten minutes
    BENCH_SIZES=1000,100000,1000000 .venv/bin/python -m bench.history

Exits 1 if a correctness check failed (a request not answered 2xx, an order
not paid exactly once); a missed speed target is printed, not an error.
"""

import sys
import time
import traceback

from . import breakdown, checkout, history, webhook, zeo
from .common import save, table, verdict


def main():
    started = time.perf_counter()
    done, failed = {}, []
    for name, module in (("webhook", webhook), ("breakdown", breakdown), ("checkout", checkout),
                         ("zeo", zeo), ("history", history)):
        try:
            done[name] = module.run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"-- {name} done at {time.perf_counter() - started:.0f} s\n", flush=True)
    rows, correct = [], not failed
    w = done.get("webhook")
    if w:
        rows.append(["webhook rps >= 0.8 x floor (b), concurrency 4",
                     f"{w['ratio_to_floor_b_at_4']:.2f} x", verdict(w["ratio_to_floor_b_at_4"] >= 0.8)])
        rows.append(["webhook rps / floor (c), the framework's share",
                     f"{w['ratio_to_floor_c_at_4']:.2f} x", ""])
        rows.append(["webhook p99 <= 25 ms, concurrency 16", f"{w['p99_at_16_ms']:.1f} ms",
                     verdict(w["p99_at_16_ms"] <= 25)])
        rows.append(["best waitress threads", w["best_threads"], ""])
        correct &= w["all_2xx"] and w["paid_exactly_once"] == w["orders"]
    b = done.get("breakdown")
    if b:
        r = b["ratio_to_floor_b"]
        rows.append(["in-process use case / floor (b)", f"{r['use case']:.2f} x", ""])
        rows.append(["the same with no index or counter (the most deferring them could win)",
                     f"{r['use case, order + event only']:.2f} x", ""])
    c = done.get("checkout")
    if c:
        rows.append(["checkout rps / floor (a), concurrency 4",
                     f"{c['app']['rps']:.0f} rps, {c['ratio_to_floor_a']:.3f} x", ""])
        correct &= c["all_201"] and c["exactly_one_each"]
    z = done.get("zeo")
    if z:
        rows.append(["two app processes on ZEO / one", f"{z['ratio_two_to_one']:.2f} x", ""])
        correct &= z["all_2xx"] and z["paid_exactly_once"] == z["orders"]
    h = done.get("history")
    if h:
        for key, ratio in h["ratios"].items():
            rows.append([f"{key} ratio {h['ratio_of']} <= 1.5", f"{ratio:.2f}",
                         verdict(ratio <= 1.5)])
        big = h["results"][-1]
        rows.append([f"app RSS at {big['size']} orders <= 400 MB", f"{big['rss_mb']:.0f} MB",
                     verdict(big["rss_mb"] <= 400)])
        rows.append(["Data.fs bytes per order, before / after pack",
                     f"{big['bytes_per_order']:.0f} / {big['bytes_per_order_packed']:.0f}", ""])
        correct &= h["all_2xx"] and h["paid_exactly_once"]
    print("== summary (machine shared and noisy: compare the ratios, not the times)")
    table(["target", "measured", ""], rows)
    print(f"correctness (every request 2xx, every order paid exactly once): {verdict(correct)}"
          + (f"; failed to run: {', '.join(failed)}" if failed else ""))
    print(f"total {time.perf_counter() - started:.0f} s")
    save("summary", {"rows": rows, "correct": correct, "failed": failed,
                     "seconds": time.perf_counter() - started})
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
