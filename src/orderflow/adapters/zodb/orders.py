"""ZodbOrderRepository: one persistent record per order, plus indexes."""

from BTrees.OOBTree import OOTreeSet
from persistent import Persistent

from ...domain.order import Status
from ...ports.repositories import OrderRepository


def time_key(moment):
    # Negative microseconds, so that ascending BTree order is newest first.
    return -int(moment.timestamp() * 1_000_000)


class OrderRecord(Persistent):
    """Holds the domain Order and the index keys it was last stored under."""

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
        self.root.by_created.add((time_key(order.date_created), order.id))
        self.root.order_count.change(1)
        if order.email:
            # An order's email never changes: indexed once, when it is added.
            self.root.by_email.setdefault(order.email.lower(), OOTreeSet()).add(order.id)
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

    def by_session(self, session_id):
        return self._via(self.root.by_session, session_id)

    def by_payment_intent(self, payment_intent):
        return self._via(self.root.by_intent, payment_intent)

    def unsettled(self, older_than=None, limit=None):
        found = []
        for status in (Status.PENDING, Status.FAILED):
            low = (status, time_key(older_than) if older_than else -2**63)
            for _, _, order_id in self.root.by_status.keys(low, (status, 0, "\uffff")):
                found.append(self.root.orders[order_id].order)
        found.sort(key=lambda o: o.date_created)
        return found[:limit] if limit else found

    def _via(self, index, key):
        order_id = index.get(key) if isinstance(key, str) else None
        return self.get(order_id) if order_id else None

    def _index(self, record):
        order = record.order
        for session in order.sessions:
            if self.root.by_session.get(session.id) != order.id:
                self.root.by_session[session.id] = order.id
        for intent in order.payment_intents():
            if self.root.by_intent.get(intent) != order.id:
                self.root.by_intent[intent] = order.id
        if record.indexed_status != order.status:
            key = time_key(order.date_created)
            if record.indexed_status is not None:
                self.root.by_status.remove((record.indexed_status, key, order.id))
                self.root.counts[record.indexed_status].change(-1)
            self.root.by_status.add((order.status, key, order.id))
            self.root.counts[order.status].change(1)
            record.indexed_status = order.status

    def status_counts(self):
        return {status: length() for status, length in self.root.counts.items()}

