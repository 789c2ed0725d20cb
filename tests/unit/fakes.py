"""In-memory working implementations of the storage ports, for unit tests.

They behave like the ZODB adapters wherever the ports say: the contract
suites (tests/integration/contracts/) run the same expectations over both.
The order repository hands out copies, so a use case that changes an order
and forgets `save` loses the change here exactly as it would in a database.
"""

import copy
from dataclasses import replace
from datetime import datetime, timezone

from orderflow.ports.audit import AuditLog
from orderflow.ports.listings import Page
from orderflow.ports.repositories import (
    Carts, Catalog, EventLog, OrderRepository, last_changed,
)
from orderflow.ports.users import AdminUsers, PasswordHasher


class InMemoryOrderRepository(OrderRepository):
    def __init__(self, orders=()):
        self._orders = {}
        self._by_session = {}
        self._by_intent = {}
        self.saves = 0
        # The notices queued by `save`, one per key, as the ZODB outbox keeps them.
        self.outbox = {}
        for order in orders:
            self.add(order)

    def add(self, order):
        if order.id in self._orders:
            raise KeyError(f"order {order.id} exists already")
        self._store(order)

    def get(self, order_id):
        order = self._orders.get(order_id) if isinstance(order_id, str) else None
        return copy.deepcopy(order) if order is not None else None

    def save(self, order):
        if order.id not in self._orders:
            raise KeyError(f"order {order.id} was never added")
        self.saves += 1
        for notice in order.take_notices():
            self.outbox.setdefault(notice.key, notice)
        self._store(order)

    def by_session(self, session_id):
        return self.get(self._by_session.get(session_id))

    def by_payment_intent(self, payment_intent):
        return self.get(self._by_intent.get(payment_intent))

    def reference_taken(self, reference):
        return any(o.reference == reference for o in self._orders.values())

    def unsettled(self, older_than=None, limit=None):
        found = [
            o for o in self._orders.values()
            if o.unsettled
            and (older_than is None or last_changed(o) < older_than)
        ]
        found.sort(key=lambda o: (last_changed(o), o.id))
        return [copy.deepcopy(o) for o in found[:limit]]

    def all(self):
        """Every stored order, as stored (for the listing fake)."""
        return list(self._orders.values())

    def __len__(self):
        return len(self._orders)

    def _store(self, order):
        stored = copy.deepcopy(order)
        self._orders[order.id] = stored
        # Every session ever attached keeps finding the order.
        for session in stored.sessions:
            self._by_session[session.id] = stored.id
        for intent in stored.payment_intents():
            self._by_intent[intent] = stored.id


class InMemoryEventLog(EventLog):
    def __init__(self):
        self.records = {}
        self.payloads = {}

    def seen(self, event_id):
        return isinstance(event_id, str) and event_id in self.records

    def record(self, record, payload=None):
        if record.event_id in self.records:
            raise KeyError(f"event {record.event_id} recorded twice")
        self.records[record.event_id] = record
        if payload is not None:
            self.payloads[record.event_id] = bytes(payload)

    def get(self, event_id):
        return self.records.get(event_id) if isinstance(event_id, str) else None

    def payload(self, event_id):
        return self.payloads.get(event_id) if isinstance(event_id, str) else None

    def amend(self, record):
        old = self.records[record.event_id]
        self.records[record.event_id] = replace(record, received_at=old.received_at)

    def prune_payloads(self, before, limit):
        old = sorted((self.records[i].received_at, i) for i in self.payloads
                     if self.records[i].received_at < before)[:limit]
        for _, event_id in old:
            del self.payloads[event_id]
        return len(old)


class InMemoryCatalog(Catalog):
    def __init__(self, products=()):
        self._products = {}
        for product in products:
            self.put(product)

    def get(self, product_id):
        return self._products.get(product_id) if isinstance(product_id, str) else None

    def all(self):
        return [self._products[k] for k in sorted(self._products)]

    def put(self, product):
        self._products[product.id] = product


class InMemoryCarts(Carts):
    def __init__(self, clock=lambda: datetime.now(timezone.utc)):
        self.carts = {}  # cart id -> {product id: quantity}
        self.updated_at = {}  # cart id -> when its lines last changed
        self.clock = clock

    def put(self, cart_id, lines):
        # As in ZodbCarts: a browser that never added anything leaves nothing
        # stored, and storing the same lines again is not a change.
        if cart_id not in self.carts and not lines:
            return
        if self.carts.get(cart_id) != dict(lines):
            self.updated_at[cart_id] = self.clock()
        self.carts[cart_id] = dict(lines)

    def lines(self, cart_id):
        return dict(self.carts.get(cart_id, {})) if isinstance(cart_id, str) else {}

    def remove_lines(self, cart_id, items):
        cart = self.carts.get(cart_id) if isinstance(cart_id, str) else None
        if cart is None:
            return
        before = dict(cart)
        for item in items:
            left = cart.get(item.product_id, 0) - item.quantity
            if left > 0:
                cart[item.product_id] = left
            else:
                cart.pop(item.product_id, None)
        if cart != before:
            self.updated_at[cart_id] = self.clock()

    def keep(self, cart_id):
        if isinstance(cart_id, str) and cart_id in self.carts:
            self.updated_at[cart_id] = self.clock()

    def remove_stale(self, before, limit, after=None):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        walk = sorted(k for k in self.carts if after is None or k > after)
        batch = walk[:limit]
        stale = [k for k in batch if self.updated_at[k] < before]
        for cart_id in stale:
            del self.carts[cart_id], self.updated_at[cart_id]
        return len(stale), (batch[-1] if len(walk) > limit else None)


class InMemoryAdminUsers(AdminUsers):
    def __init__(self):
        self.users = {}

    def get(self, name):
        return self.users.get(name) if isinstance(name, str) else None

    def put(self, user):
        self.users[user.name] = user

    def remove(self, name):
        del self.users[name]

    def names(self):
        return sorted(self.users)


class CountingHasher(PasswordHasher):
    """A fast stand-in for Argon2 that counts its verifications: each one is
    the slow step a login pays, so equal counts mean equal time."""

    def __init__(self):
        self.verified = 0

    def hash(self, password):
        return "plain$" + password

    def verify(self, password_hash, password):
        self.verified += 1
        return password_hash == "plain$" + password


class InMemoryAuditLog(AuditLog):
    def __init__(self):
        self.entries = []

    def append(self, entry):
        self.entries.append(entry)

    def page(self, cursor=None, limit=50):
        # Newest first; the cursor is the position after the last row shown.
        ordered = sorted(self.entries, key=lambda e: e.at, reverse=True)
        start = int(cursor) if cursor and cursor.isdigit() else 0
        rows = ordered[start:start + limit]
        more = start + limit < len(ordered)
        return Page(rows, str(start + limit) if more else None)
