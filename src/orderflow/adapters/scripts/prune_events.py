"""orderflow-prune-events INI [--older-than-days N] [--batch N]

Drops the raw payloads of webhook events received more than N days ago
(default: the setting orderflow.event_retention_days, 90 unless set). Each
event's record (its id, type, outcome, order) stays: an event id is never
forgotten, so a very late redelivery is still answered as a duplicate.
One transaction per batch, so memory stays flat and a webhook arriving at the
same moment conflicts with (and retries) one batch only.
"""

from datetime import datetime, timedelta, timezone
import sys

from ..zodb.events import ZodbEventLog
from .common import open_env, parser
from .prune_carts import at_least_one

SETTING = "orderflow.event_retention_days"


def main(argv=None, env=None, clock=lambda: datetime.now(timezone.utc)):
    args = parser("Drop the payloads of webhook events older than the retention period.")
    args.add_argument("--older-than-days", type=at_least_one, default=None, metavar="N",
                      help=f"drop payloads of events received this many days ago or more "
                           f"(default: {SETTING})")
    args.add_argument("--batch", type=at_least_one, default=1000, metavar="N",
                      help="payloads dropped per transaction (default 1000)")
    options = args.parse_args(argv)
    env, owned = open_env(options.ini, env)
    try:
        days = options.older_than_days or int(env.registry.settings[SETTING])
        cutoff = clock() - timedelta(days=days)
        removed = 0
        while True:
            batch = env.run(lambda root: ZodbEventLog(root).prune_payloads(cutoff, options.batch))
            removed += batch
            # Drop the payloads this batch loaded from the connection's cache.
            env.connection.cacheMinimize()
            if batch < options.batch:
                break
    finally:
        if owned:
            env.close()
    print(f"dropped {removed} event payloads received more than {days} "
          f"{'day' if days == 1 else 'days'} ago")
    return 0


def run():
    sys.exit(main())
