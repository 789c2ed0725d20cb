"""ZodbOrderRepository: one persistent record per order, plus indexes."""

from itertools import islice

from persistent import Persistent

from ...ports.repositories import OrderRepository, last_changed
from .outbox import ZodbOutbox
from .indexes import IndexSet
from .keys import join, newest_first, oldest_first, split
from .references import index_reference, reference_taken


def status_key(status, order):
    """The order's entry in `by_status`: status, creation time, id."""
    return join(status, newest_first(order.date_created), order.id)


def unsettled_key(order):
    """The order's entry in `unsettled` (None once it is settled): the time
    of its last change, oldest first, and its id."""
    if not order.unsettled:
        return None
    return join(oldest_first(last_changed(order)), order.id)


class OrderRecord(Persistent):
    """Holds the domain Order and the index keys it was last stored under."""

    # The session ids and payment intents already in by_session / by_intent:
    # a save looks up only new ones, so a webhook does not load a bucket of
    # by_session to find what it already holds. (A class default: records
    # stored before this attribute existed check every reference once.)
    indexed_refs = ()
    # Its key in `unsettled`, None when it has none. Records stored before
    # the index existed get theirs from evolve step 2 (evolve.py).
    indexed_change = None
    # The email already in by_email. Orders stored before this attribute
    # existed had theirs indexed when added; indexing it again is a no-op.
    indexed_email = None

    def __init__(self, order):
        self.order = order
        self.indexed_status = None


class ZodbOrderRepository(OrderRepository):
    def __init__(self, root):
        self.root = root

    def add(self, order):
        if order.id in self.root.orders:
            raise KeyError(f"order {order.id} exists")
        record = OrderRecord(order)
        self.root.orders[order.id] = record
        self.root.by_created.add(join(newest_first(order.date_created), order.id))
        self.root.order_count.change(1)
        index_reference(self.root, order)
        self._index(record)

    def get(self, order_id):
        record = self.root.orders.get(order_id) if isinstance(order_id, str) else None
        return record.order if record is not None else None

    def save(self, order):
        record = self.root.orders[order.id]
        if record.order is not order:
            record.order = order
        # The order is a plain object inside the record: tell ZODB it changed.
        record._p_changed = True
        self._index(record)
        # The messages its change announced, in this same transaction.
        ZodbOutbox(self.root).queue_all(order.take_notices())

    def by_session(self, session_id):
        return self._via(self.root.by_session, session_id)

    def by_payment_intent(self, payment_intent):
        return self._via(self.root.by_intent, payment_intent)

    def reference_taken(self, reference):
        return reference_taken(self.root, reference)

    def unsettled(self, older_than=None, limit=None):
        # A key "time id" is below the bare "time" of `older_than` exactly
        # when its time is earlier: changed before, never at, that moment.
        keys = self.root.unsettled.keys(
            max=oldest_first(older_than) if older_than else None)
        # The limit is applied while walking: only the orders returned load.
        return [self.root.orders[split(key, 2)[1]].order
                for key in islice(keys, limit)]

    def _via(self, index, key):
        order_id = index.get(key) if isinstance(key, str) else None
        return self.get(order_id) if order_id else None

    def _index(self, record):
        order = record.order
        if order.email and record.indexed_email != order.email.lower():
            # Typed at checkout (indexed when added), or given at the gateway
            # when the shop had none (SPEC §8); an order's email never changes
            # after that.
            record.indexed_email = order.email.lower()
            self.root.by_email.setdefault(record.indexed_email, IndexSet()).add(
                join(newest_first(order.date_created), order.id))
        sessions = tuple(session.id for session in order.sessions)
        intents = tuple(order.payment_intents())
        if sessions + intents != record.indexed_refs:
            known = set(record.indexed_refs)
            for index, refs in ((self.root.by_session, sessions), (self.root.by_intent, intents)):
                for ref in refs:
                    if ref not in known and index.get(ref) != order.id:
                        index[ref] = order.id
            record.indexed_refs = sessions + intents
        if record.indexed_status != order.status:
            if record.indexed_status is not None:
                self.root.by_status.remove(status_key(record.indexed_status, order))
                self.root.counts[record.indexed_status].change(-1)
            self.root.by_status.add(status_key(order.status, order))
            self.root.counts[order.status].change(1)
            record.indexed_status = order.status
        change = unsettled_key(order)
        if change != record.indexed_change:
            if record.indexed_change is not None:
                self.root.unsettled.remove(record.indexed_change)
            if change is not None:
                self.root.unsettled.add(change)
            record.indexed_change = change

