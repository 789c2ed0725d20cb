"""Storage ports: orders, processed events, the catalog and carts."""

import abc
from dataclasses import dataclass
from datetime import datetime


def last_changed(order):
    """When an order last changed status or session: what `unsettled` sorts by."""
    return order.date_modified or order.date_created


class OrderRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, order):
        """Store a new order and index its sessions."""

    @abc.abstractmethod
    def get(self, order_id):
        """The order with this id, or None."""

    @abc.abstractmethod
    def save(self, order):
        """Store the changes made to an order got from this repository,
        indexing any new session or payment intent and its status, and queue
        the messages its changes announced (`Order.take_notices`) in the
        same transaction (ports/mail.py)."""

    @abc.abstractmethod
    def by_session(self, session_id):
        """The order that has (or had) this checkout session, or None."""

    @abc.abstractmethod
    def by_payment_intent(self, payment_intent):
        """The order paid (or paid twice) by this payment intent, or None."""

    @abc.abstractmethod
    def reference_taken(self, reference):
        """True if an order already has this short reference."""

    @abc.abstractmethod
    def unsettled(self, older_than: datetime | None = None, limit=None):
        """Orders still pending or failed (`Order.unsettled`): the ones
        reconciliation asks about. Oldest `last_changed` first (ties by order id), only
        those last changed strictly before `older_than` if given ("pending
        for longer than", SPEC §7, §10), at most `limit` of them; an
        implementation reads no more orders than it returns."""


# Stored by the ZODB adapter as one JSON string (zodb/events.py), never as
# this class: it is not part of the stored schema.
@dataclass(frozen=True)
class EventRecord:
    event_id: str
    type: str
    outcome: str  # applied, ignored, unmatched
    order_id: str | None
    received_at: datetime
    note: str = ""


class EventLog(abc.ABC):
    @abc.abstractmethod
    def seen(self, event_id):
        """True if this event id was processed before (never for an id that is not text)."""

    @abc.abstractmethod
    def record(self, record: EventRecord, payload: bytes | None = None):
        """Remember a processed event, in the same transaction as its effect,
        with the verified body it came in (`payload`, the bytes as received),
        kept for the retention period (`prune_payloads`).

        KeyError if its id was recorded before: the caller asks `seen` first.
        """

    @abc.abstractmethod
    def get(self, event_id):
        """The EventRecord of a processed event, or None."""

    @abc.abstractmethod
    def payload(self, event_id):
        """The bytes an event came in, or None (unknown, or pruned)."""

    @abc.abstractmethod
    def amend(self, record: EventRecord):
        """Replace the record of an event recorded before (its outcome after
        "apply again"); its time and payload stay. KeyError if unknown.
        Two amendments of one event at once conflict: one of them retries."""

    @abc.abstractmethod
    def prune_payloads(self, before: datetime, limit):
        """Drop at most `limit` payloads of events received before `before`
        (in no promised order); the records stay (an event id is never forgotten).
        Returns how many were dropped: fewer than `limit` means none is left."""


class Catalog(abc.ABC):
    @abc.abstractmethod
    def get(self, product_id):
        """The Product with this id (active or not), or None."""

    @abc.abstractmethod
    def all(self):
        """Every product, by id."""

    @abc.abstractmethod
    def put(self, product):
        """Add a product or replace the one with its id."""

    def active(self):
        return [p for p in self.all() if p.active]


class Carts(abc.ABC):
    @abc.abstractmethod
    def lines(self, cart_id):
        """The cart's lines as {product id: quantity} in the order added;
        empty for an unknown cart."""

    @abc.abstractmethod
    def put(self, cart_id, lines):
        """Store a cart's lines whole (an empty mapping empties the cart)."""

    @abc.abstractmethod
    def remove_lines(self, cart_id, items):
        """Take the ordered quantities of `items` out of a cart, if it still exists."""

    @abc.abstractmethod
    def keep(self, cart_id):
        """A checkout started from this cart: its age counts from now, so
        pruning does not take it while its order may still fail."""

    @abc.abstractmethod
    def remove_stale(self, before: datetime, limit, after=None):
        """Walk at most `limit` carts in cart id order, starting after the id
        `after` (from the first when None), and remove those last changed
        before `before`. Returns (how many were removed, the last cart id
        walked), the id being None when no cart is left after this batch, so
        a caller can prune in batches of one transaction each."""


class SharedCommit(abc.ABC):
    """Runs short units of storage work, each committed before `run` returns.

    Units that arrive at the same moment may share one commit (group
    commit): a webhook's writes land in the same few index buckets as its
    neighbours', and writing those once for several webhooks is most of the
    saving.
    """

    @abc.abstractmethod
    def run(self, work):
        """work(orders, events, carts) -> its result, once committed.

        If work raises, nothing of it is committed and `run` raises the
        same error; a transient storage error (a conflict, a lost database)
        is raised to be retried by the caller, with nothing committed.
        """
