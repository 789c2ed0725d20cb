"""orderflow-reconcile INI [--older-than MINUTES]

Asks the gateway about every pending or failed order and applies what it
learns. One transaction per order, so a webhook arriving for one order at
the same moment conflicts with (and retries) that order only; the order
rules record each payment once whichever path brings it first.

With the fake gateway (development), sessions live in the memory of the
process that created them: run from another process, every session is
"unknown to the gateway". It is meant for the Stripe gateway.
"""

from datetime import datetime, timedelta, timezone
import sys

from ..zodb.reconciler import reconcile_unsettled
from .common import open_env, parser


def main(argv=None, env=None, clock=lambda: datetime.now(timezone.utc)):
    args = parser("Ask the payment gateway about pending and failed orders.")
    args.add_argument("--older-than", type=int, default=0, metavar="MINUTES",
                      help="only orders unchanged for at least this many minutes")
    args.add_argument("--quiet", action="store_true", help="print the summary only")
    options = args.parse_args(argv)
    env, owned = open_env(options.ini, env)
    try:
        cutoff = clock() - timedelta(minutes=options.older_than) if options.older_than else None
        summary = reconcile_unsettled(env.run, env.gateway, cutoff, clock)
    finally:
        if owned:
            env.close()
    if not options.quiet:
        for result in summary.results:
            if result.applied or result.error:
                print(f"{result.order_id}: {result.from_status} -> {result.to_status}"
                      f"{' error: ' + result.error if result.error else ''}")
    print(summary.text())
    return 1 if summary.errors else 0


def run():
    sys.exit(main())
