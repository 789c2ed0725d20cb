"""The application root: every container and index, created idempotently.

Stored class paths are part of the schema: never move a stored class
without leaving an alias and an evolve step (evolve.py; the list of stored
classes is tests/integration/stored_classes.txt).
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
import transaction

from ...domain.order import Status
from .indexes import IndexSet, IndexTree

ROOT_KEY = "orderflow"


class AppRoot(Persistent):
    # The key of events_by_time from which every older entry's payload is
    # pruned (events.py); None until a prune reaches the oldest.
    payloads_pruned_from = None

    def __init__(self, schema_version):
        # The version of the layout below (evolve.py): a new root is made
        # with the current one and needs no step.
        self.schema_version = schema_version
        self.ensure()

    def ensure(self):
        """Add any container this version needs; True if something was added."""
        added = False
        for name, factory in (
            ("orders", IndexTree),  # order id -> OrderRecord
            ("by_session", IndexTree),  # every session id, current and earlier -> order id
            ("by_intent", IndexTree),  # payment intent id -> order id
            # Keys are strings (keys.py); "time" sorts newest first.
            ("by_status", IndexSet),  # "status time order-id"
            ("by_created", IndexSet),  # "time order-id"
            # "time order-id" of each pending or failed order, oldest last
            # change first: what reconciliation walks (orders.py).
            ("unsettled", IndexSet),
            ("events", IndexTree),  # event id -> JSON [type, outcome, order id, µs, note]
            # "time event-id" -> PersistentMapping {"body": the verified
            # bytes}, or None (no payload, or pruned): events.py.
            ("events_by_time", IndexTree),
            ("products", OOBTree),  # product id -> Product
            ("carts", IndexTree),  # cart id -> CartRecord
            ("counts", OOBTree),  # status -> Length
            ("order_count", Length),
            # "2026-12-02T13 outcome" -> Length: events received in that
            # hour (UTC) with that outcome now (events.count_event).
            ("event_hours", OOBTree),
            ("admins", OOBTree),  # admin name -> AdminUser
            ("by_email", OOBTree),  # customer email, lower case -> IndexSet of "time order-id"
            ("leases", OOBTree),  # job name -> (holder, expires, round): lease.py
            ("by_reference", IndexTree),  # customer's short reference -> order id
            ("audit", IndexTree),  # "time nonce" -> (admin, action, what, note): audit.py
            # The outbox (outbox.py).
            ("mail", IndexTree),  # message key -> MailRecord
            ("mail_queue", IndexSet),  # "due-time key", oldest first
            ("mail_failed", IndexSet),  # "time key": failed for good
            ("mail_by_time", IndexSet),  # "time key": every message
            ("mail_alerts", OOBTree),  # alert kind -> when the last was queued
        ):
            if getattr(self, name, None) is None:
                setattr(self, name, factory())
                added = True
        for status in Status.ALL:
            if status not in self.counts:
                self.counts[status] = Length()
                added = True
        return added


def app_root(connection):
    """The application root of an open connection; it must exist."""
    return connection.root()[ROOT_KEY]


def run_in_transaction(db, work, attempts=5):
    """Run work(connection) in a transaction of its own, retrying conflicts.

    Several processes starting at once against one ZEO server all try to
    create the root (and run each evolve step); the losers' retries find
    the work done.
    """
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    try:
        return retrying(tm, lambda: work(connection), attempts)
    finally:
        connection.close()


def retrying(tm, work, attempts):
    """work() in a transaction of `tm`, re-run on a conflict; its result."""
    for attempt in tm.attempts(attempts):
        with attempt:
            result = work()
    return result
