"""orderflow-prune-carts INI [--older-than-days N] [--batch N]

Removes the carts nobody has changed for N days (30 by default). Carts are
walked in cart id order, one transaction per batch, so memory stays flat
however many carts there are, and a request that changes a cart at the same
moment conflicts with (and retries) one batch only.

An order keeps its own copy of its items: pruning the cart it came from
changes no order, and a payment arriving later finds no lines to clear.
"""

import argparse
from datetime import datetime, timedelta, timezone
from itertools import islice
import sys

from ..zodb.carts import ZodbCarts
from .common import open_env, parser


def at_least_one(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv=None, env=None, clock=lambda: datetime.now(timezone.utc)):
    args = parser("Remove the carts nobody has changed for a number of days.")
    args.add_argument("--older-than-days", type=at_least_one, default=30, metavar="N",
                      help="remove carts not changed for this many days (default 30)")
    args.add_argument("--batch", type=at_least_one, default=1000, metavar="N",
                      help="carts walked per transaction (default 1000)")
    options = args.parse_args(argv)
    env, owned = open_env(options.ini, env)
    cutoff = clock() - timedelta(days=options.older_than_days)
    removed = walked = 0
    after = None
    try:
        while True:
            batch_removed, batch_walked, after = env.run(
                lambda root: _batch(root, cutoff, options.batch, after))
            removed += batch_removed
            walked += batch_walked
            # Drop the carts this batch loaded from the connection's cache.
            env.connection.cacheMinimize()
            if after is None:
                break
    finally:
        if owned:
            env.close()
    days = options.older_than_days
    print(f"removed {removed} of {walked} carts not changed for {days} "
          f"{'day' if days == 1 else 'days'}")
    return 0


def _batch(root, cutoff, limit, after):
    """One batch: (removed, walked, last cart id walked or None at the end)."""
    # The port does not say how many carts it walked; the keys of the same
    # range, counted before anything is removed, do (without loading a cart).
    keys = root.carts.keys() if after is None else root.carts.keys(min=after, excludemin=True)
    walked = len(list(islice(keys, limit)))
    removed, last = ZodbCarts(root).remove_stale(cutoff, limit, after)
    return removed, walked, last


def run():
    sys.exit(main())
