"""The order and its lifecycle (SPEC §2): every status, every transition.

`Order.apply` is the one place a gateway event changes an order. It is
deterministic and idempotent per payment: the same news applied twice (a
webhook and the landing page, say) changes the order once. The rules it
dispatches to live by subject: domain/payments.py (money arrives),
domain/failures.py (a payment fails, a session expires), domain/refunds.py
and domain/disputes.py (after the payment).

The Order also answers every question that a page, a view or a script asks
about its lifecycle (domain/questions.py): they ask, never compare statuses.
"""

from dataclasses import dataclass, field
from datetime import datetime

from . import disputes, refunds
from .customer import CustomerDetails
from .events import EventKind, GatewayEvent, Source
from .failures import payment_failed, session_expired
from .money import Money
from .notices import announce, before as state_before
from .order_parts import (  # noqa: F401  (re-exported: the order's vocabulary)
    AdminAction, CheckoutSession, CustomerView, Failure, HistoryEntry, OrderItem, Outcome,
    Payment, SessionStatus, Status, new_order_id, shown_reference, unique_reference,
)
from .payments import payment_processing, payment_succeeded
from .questions import OrderQuestions


@dataclass
class Order(OrderQuestions):
    id: str
    items: tuple
    currency: str
    email: str | None
    date_created: datetime
    cart_id: str | None = None
    status: str = Status.PENDING
    date_modified: datetime | None = None
    sessions: list = field(default_factory=list)
    payment: Payment | None = None
    failure: Failure | None = None
    awaiting_payment: bool = False
    # The payment intent of the async payment we wait for, when known, and
    # when it started processing (unix seconds, the gateway's clock).
    awaiting_intent: str | None = None
    awaiting_since: int | None = None
    duplicate_payments: list = field(default_factory=list)
    review_reason: str | None = None
    dispute_reason: str | None = None
    history: list = field(default_factory=list)
    # disputes.Dispute, one per dispute id (an immutable class default, so
    # orders stored before this field load).
    disputes: tuple = ()
    # The customer's short reference (SPEC §11). Orders stored before it
    # existed have none: the class default, and the pages show their id.
    reference: str | None = None
    # What the customer gave at the gateway (SPEC §8). A class default, so
    # orders stored before this field existed load with none.
    customer: CustomerDetails | None = None

    # -- reading -----------------------------------------------------------

    @property
    def total(self):
        return sum(item.line_total for item in self.items)

    @property
    def money(self):
        return Money(self.total, self.currency)

    @property
    def shown_reference(self):
        """What the customer reads: K7Q4-M2PX, or the id of an older order."""
        return shown_reference(self.reference) or self.id

    @property
    def current_session(self):
        return self.sessions[-1] if self.sessions else None

    @property
    def session_id(self):
        session = self.current_session
        return session.id if session else None

    @property
    def next_attempt(self):
        return len(self.sessions) + 1

    @property
    def needs_refund(self):
        """A duplicate payment still holds money to give back."""
        return bool(self.duplicates_to_refund)

    def session(self, session_id):
        for s in self.sessions:
            if s.id == session_id:
                return s
        return None

    def payment_intents(self):
        payments = ([self.payment] if self.payment else []) + self.duplicate_payments
        return [p.payment_intent for p in payments if p.payment_intent]

    # -- commands ----------------------------------------------------------

    def record_admin_action(self, now, action, before, applied, note, actor=None):
        """A history line for something the admin `actor` did."""
        return self._record(now, Source.ADMIN, None, action, before, applied, note, actor)

    def attach_session(self, session, now, source=Source.CHECKOUT):
        """Make `session` the current one (the first checkout or a retry)."""
        before = self.status
        if self.sessions:
            self.check_can_retry()
            self.mark_session(self.session_id, SessionStatus.EXPIRED)
        self.sessions.append(session)
        self.status = Status.PENDING
        self.failure = None  # a new attempt; the old failure stays in the history
        first = len(self.sessions) == 1
        note = "checkout started" if first else f"retry: attempt {session.attempt}"
        self._record(now, source, None, "checkout.session.created", before, True, note)

    def cancel(self, now, source=Source.CUSTOMER, actor=None):
        """Cancel the order; the caller has already expired its open session.

        A cancel that reaches a paid (or later) order changes nothing and is
        kept in the history as ignored (SPEC §2: no regression, ever). One
        that reaches an expired order changes nothing either (see
        cancel_refusal). Raises CancelRefused otherwise when refused.
        """
        before = self.status
        if before in Status.SETTLED:
            return self._record(now, source, None, "order.cancel", before, False,
                                f"ignored: no regression, the order is {before}", actor)
        refusal = self.cancel_refusal()
        if refusal is not None:
            raise refusal
        if before == Status.EXPIRED:
            return Outcome(False, before, before, "the order expired already: nothing can pay it")
        self.status = Status.CANCELLED
        self.mark_session(self.session_id, SessionStatus.EXPIRED)
        return self._record(now, source, None, "order.cancel", before, True, "cancelled", actor)

    def take_notices(self):
        """The notices announced since the last call (domain/notices.py); the
        repository's `save` queues them in the order's own transaction. Kept
        outside the dataclass fields: they are never part of the stored order."""
        return self.__dict__.pop("_notices", [])

    def apply(self, event: GatewayEvent, source, now):
        """Apply one gateway event; always leaves a line in the history."""
        before = self.status
        was = state_before(self)
        rule = {
            EventKind.PAYMENT_SUCCEEDED: payment_succeeded,
            EventKind.PAYMENT_PROCESSING: payment_processing,
            EventKind.PAYMENT_FAILED: payment_failed,
            EventKind.SESSION_EXPIRED: session_expired,
            EventKind.REFUNDED: refunds.charge_refunded,
            EventKind.REFUND_CHANGED: refunds.refund_changed,
            EventKind.DISPUTE_OPENED: disputes.opened,
            EventKind.DISPUTE_UPDATED: disputes.updated,
            EventKind.DISPUTE_CLOSED: disputes.closed,
        }.get(event.kind)
        if rule is None:
            applied, note = False, "ignored: event type not handled"
        else:
            applied, note = rule(self, event, now)
        if not applied and event.id is None:
            # News learnt by asking the gateway (a landing page reloaded, a
            # reconciliation pass) that changes nothing leaves no trace.
            return Outcome(False, before, self.status, note)
        if applied:
            self.__dict__.setdefault("_notices", []).extend(announce(was, self, event, now))
        return self._record(now, source, event.id, event.type, before, applied, note)

    # -- for the rules -----------------------------------------------------

    def known_payment(self, event):
        """The recorded payment that `event` is about, or None."""
        for p in ([self.payment] if self.payment else []) + self.duplicate_payments:
            if event.session_id and event.session_id == p.session_id:
                return p
            if event.payment_intent and event.payment_intent == p.payment_intent:
                return p
        return None

    def is_own_payment(self, event):
        """False only when both intents are known and differ."""
        return not (event.payment_intent and self.payment.payment_intent
                    and event.payment_intent != self.payment.payment_intent)

    def keep_customer(self, event):
        """SPEC §8: the details given at the gateway are kept; the email typed
        at checkout stays the order's, otherwise the gateway's becomes it.
        Only for this order's own payment, not for a duplicate's."""
        if not event.customer or self.status in Status.SETTLED:
            return
        self.customer = event.customer
        if not self.email and event.customer.email:
            self.email = event.customer.email

    def stop_awaiting(self):
        self.awaiting_payment = False
        self.awaiting_intent = None
        self.awaiting_since = None

    def mark_session(self, session_id, state):
        """Note a session's new SessionStatus; a complete session stays complete."""
        session = self.session(session_id) if session_id else None
        if session is not None and session.state != SessionStatus.COMPLETE:
            session.state = state

    def _record(self, now, source, event_id, event_type, before, applied, note, actor=None):
        self.history.append(HistoryEntry(
            at=now, source=source, event_id=event_id, event_type=event_type,
            from_status=before, to_status=self.status, applied=applied, note=note,
            actor=actor,
        ))
        if applied:
            self.date_modified = now
        return Outcome(applied, before, self.status, note)


def build_order(order_id, products_and_quantities, email, now, cart_id=None, reference=None):
    """A new pending order: a snapshot of titles and prices at this moment."""
    items = tuple(
        OrderItem(product.id, product.title, product.unit_amount, quantity)
        for product, quantity in products_and_quantities
    )
    currency = products_and_quantities[0][0].currency
    return Order(id=order_id, items=items, currency=currency, email=email,
                 date_created=now, date_modified=now, cart_id=cart_id, reference=reference)
