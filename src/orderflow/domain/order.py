"""The order and its lifecycle (SPEC §2): every status, every transition.

`Order.apply` is the one place a gateway event changes an order. It is
deterministic and idempotent per payment: the same news applied twice (a
webhook and the landing page, say) changes the order once.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .errors import Refused
from .events import EventKind, GatewayEvent, Source
from .money import Money
from .order_parts import (  # noqa: F401  (re-exported: the order's vocabulary)
    CheckoutSession, Failure, HistoryEntry, OrderItem, Outcome, Payment, Status,
    new_order_id,
)


@dataclass
class Order:
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

    # -- reading -----------------------------------------------------------

    @property
    def total(self):
        return sum(item.line_total for item in self.items)

    @property
    def money(self):
        return Money(self.total, self.currency)

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
        return any(p.amount_refunded < p.amount_received for p in self.duplicate_payments)

    def session(self, session_id):
        for s in self.sessions:
            if s.id == session_id:
                return s
        return None

    def payment_intents(self):
        payments = ([self.payment] if self.payment else []) + self.duplicate_payments
        return [p.payment_intent for p in payments if p.payment_intent]

    # -- commands ----------------------------------------------------------

    def attach_session(self, session, now, source=Source.CHECKOUT):
        """Make `session` the current one (the first checkout or a retry)."""
        before = self.status
        if self.sessions:
            self.check_can_retry()
            previous = self.current_session
            if previous.state == "open":
                previous.state = "expired"
        self.sessions.append(session)
        self.status = Status.PENDING
        self.failure = None  # a new attempt; the old failure stays in the history
        note = "checkout started" if len(self.sessions) == 1 else f"retry: attempt {session.attempt}"
        self._record(now, source, None, "checkout.session.created", before, True, note)

    def check_can_retry(self):
        if self.awaiting_payment:
            raise Refused("a payment for this order is still processing")
        if self.status not in Status.RETRYABLE:
            raise Refused(f"the order is {self.status} and cannot be paid again")

    def check_can_cancel(self):
        if self.awaiting_payment:
            raise Refused("a payment for this order is still processing")
        if self.status not in Status.CANCELLABLE:
            raise Refused(f"the order is {self.status} and cannot be cancelled")

    def cancel(self, now, source=Source.CUSTOMER):
        """Cancel the order; the caller has already expired its open session.

        A cancel that reaches a paid (or later) order changes nothing and is
        kept in the history as ignored (SPEC §2: no regression, ever).
        """
        before = self.status
        if before in Status.SETTLED:
            return self._record(now, source, None, "order.cancel", before, False,
                                f"ignored: no regression, the order is {before}")
        self.check_can_cancel()
        self.status = Status.CANCELLED
        session = self.current_session
        if session and session.state == "open":
            session.state = "expired"
        return self._record(now, source, None, "order.cancel", before, True, "cancelled")

    def apply(self, event: GatewayEvent, source, now):
        """Apply one gateway event; always leaves a line in the history."""
        before = self.status
        handler = {
            EventKind.PAYMENT_SUCCEEDED: self._payment_succeeded,
            EventKind.PAYMENT_PROCESSING: self._payment_processing,
            EventKind.PAYMENT_FAILED: self._payment_failed,
            EventKind.SESSION_EXPIRED: self._session_expired,
            EventKind.REFUNDED: self._refunded,
            EventKind.DISPUTE_OPENED: self._dispute_opened,
        }.get(event.kind)
        if handler is None:
            applied, note = False, "ignored: event type not handled"
        else:
            applied, note = handler(event, now)
        if not applied and event.id is None:
            # News learnt by asking the gateway (a landing page reloaded, a
            # reconciliation pass) that changes nothing leaves no trace.
            return Outcome(False, before, self.status, note)
        return self._record(now, source, event.id, event.type, before, applied, note)

    # -- rules -------------------------------------------------------------

    def _known_payment(self, event):
        for p in ([self.payment] if self.payment else []) + self.duplicate_payments:
            if event.session_id and event.session_id == p.session_id:
                return p
            if event.payment_intent and event.payment_intent == p.payment_intent:
                return p
        return None

    def _payment_succeeded(self, event, now):
        if self._known_payment(event):
            return False, "ignored: this payment is already recorded"
        self._mark_session(event.session_id, "complete")
        payment = Payment(
            amount_received=event.amount if event.amount is not None else 0,
            currency=event.currency or "",
            payment_intent=event.payment_intent,
            session_id=event.session_id,
            paid_at=now,
        )
        if self.status in Status.SETTLED:
            self.duplicate_payments.append(payment)
            return True, "duplicate payment recorded: it needs a refund"
        self._stop_awaiting()
        self.payment = payment
        if event.amount != self.total or event.currency != self.currency:
            self.status = Status.NEEDS_REVIEW
            self.review_reason = (
                f"received {event.amount} {event.currency}, "
                f"expected {self.total} {self.currency}"
            )
            return True, f"needs review: {self.review_reason}"
        self.status = Status.PAID
        self.failure = None
        return True, "paid"

    def _payment_processing(self, event, now):
        if self.status not in (Status.PENDING, Status.FAILED):
            return False, f"ignored: the order is {self.status}"
        if self._known_payment(event):
            return False, "ignored: this payment is already recorded"
        if self.awaiting_payment:
            return False, "ignored: already awaiting payment"
        session = self.session(event.session_id) if event.session_id else None
        if session is not None and session.payment_failed:
            # Stripe keeps saying "complete, unpaid" after the async payment
            # failed; a late `completed` webhook says the same.
            return False, "ignored: the payment of this session failed already"
        self._mark_session(event.session_id, "complete")
        self.status = Status.PENDING
        self.awaiting_payment = True
        self.awaiting_intent = event.payment_intent
        # News learnt by asking the gateway has no time of its own: it was
        # true when we asked.
        self.awaiting_since = event.created if event.created is not None else int(now.timestamp())
        self.failure = None
        return True, "awaiting payment"

    def _payment_failed(self, event, now):
        session = self.session(event.session_id) if event.session_id else None
        if session is not None:
            # A failure naming a session (async_payment_failed, or the gateway
            # asked now) is that completed session's final word.
            if session.payment_failed:
                return False, "ignored: this session's failure is already recorded"
            session.payment_failed = True
            session.state = "complete"
        if self.status not in (Status.PENDING, Status.FAILED):
            return False, f"ignored: no regression, the order is {self.status}"
        stale = self._stale_failure(event, session)
        if stale:
            return False, f"ignored: {stale}"
        self._stop_awaiting()
        self.status = Status.FAILED
        self.failure = Failure(
            code=event.failure_code or "payment_failed",
            reason=event.failure_reason or "The payment was not completed.",
        )
        return True, f"failed: {self.failure.reason}"

    def _session_expired(self, event, now):
        current = self.session_id
        self._mark_session(event.session_id, "expired")
        if event.session_id != current:
            return False, "ignored: an earlier session expired"
        if self.status not in (Status.PENDING, Status.FAILED) or self.awaiting_payment:
            return False, f"ignored: no regression, the order is {self.status}"
        self.status = Status.EXPIRED
        return True, "expired"

    def _refunded(self, event, now):
        duplicate = next(
            (p for p in self.duplicate_payments
             if event.payment_intent and p.payment_intent == event.payment_intent),
            None,
        )
        if duplicate is not None:
            if (event.amount_refunded or 0) <= duplicate.amount_refunded:
                return False, "ignored: refund already recorded"
            duplicate.amount_refunded = event.amount_refunded
            return True, "refund of the duplicate payment recorded"
        if self.payment is None or not self._is_own_payment(event):
            return False, "ignored: not a payment of this order"
        refunded = event.amount_refunded or 0
        if refunded <= self.payment.amount_refunded:
            return False, "ignored: refund already recorded"
        if self.status not in (Status.PAID, Status.PARTIALLY_REFUNDED):
            # In review or disputed the status stays for a person to settle,
            # but the money that went back is recorded.
            self.payment.amount_refunded = refunded
            return True, f"{refunded} refunded; the order stays {self.status}"
        self.payment.amount_refunded = refunded
        if refunded >= self.payment.amount_received:
            self.status = Status.REFUNDED
        else:
            self.status = Status.PARTIALLY_REFUNDED
        return True, f"{refunded} refunded"

    def _dispute_opened(self, event, now):
        if any(event.payment_intent and p.payment_intent == event.payment_intent
               for p in self.duplicate_payments):
            return True, "dispute opened on the duplicate payment"
        if self.status not in (Status.PAID, Status.PARTIALLY_REFUNDED):
            return False, f"ignored: the order is {self.status}"
        self.status = Status.DISPUTED
        self.dispute_reason = event.failure_reason
        return True, "dispute opened"

    # -- helpers -----------------------------------------------------------

    def _stale_failure(self, event, session):
        """Why a failure does not concern the attempt in progress, or None."""
        current = self.current_session
        if session is not None and session is not current:
            return "an earlier session's payment failed"
        # payment_intent.payment_failed names no session: its time places it.
        # Stripe's times are whole seconds, ours are not, hence the rounding.
        if event.session_id is None and event.created is not None:
            if current is not None and event.created < int(current.created_at.timestamp()):
                return "a failure from before the current session"
            if (self.awaiting_payment and self.awaiting_since is not None
                    and event.created <= self.awaiting_since):
                # A card declined before the customer switched to an async
                # method in the same session (same intent). In the same second
                # too: switching takes longer, and a real failure of the
                # processing payment also comes as async_payment_failed.
                return "a decline from before the payment started processing"
        if (self.awaiting_payment and self.awaiting_intent and event.payment_intent
                and event.payment_intent != self.awaiting_intent):
            return "an earlier attempt failed; a payment is still processing"
        return None

    def _is_own_payment(self, event):
        """False only when both intents are known and differ."""
        return not (event.payment_intent and self.payment.payment_intent
                    and event.payment_intent != self.payment.payment_intent)

    def _stop_awaiting(self):
        self.awaiting_payment = False
        self.awaiting_intent = None
        self.awaiting_since = None

    def _mark_session(self, session_id, state):
        session = self.session(session_id) if session_id else None
        if session is not None and session.state != "complete":
            session.state = state

    def _record(self, now, source, event_id, event_type, before, applied, note):
        self.history.append(HistoryEntry(
            at=now, source=source, event_id=event_id, event_type=event_type,
            from_status=before, to_status=self.status, applied=applied, note=note,
        ))
        if applied:
            self.date_modified = now
        return Outcome(applied, before, self.status, note)


def build_order(order_id, products_and_quantities, email, now, cart_id=None):
    """A new pending order: a snapshot of titles and prices at this moment."""
    items = tuple(
        OrderItem(product.id, product.title, product.unit_amount, quantity)
        for product, quantity in products_and_quantities
    )
    currency = products_and_quantities[0][0].currency
    return Order(id=order_id, items=items, currency=currency, email=email,
                 date_created=now, date_modified=now, cart_id=cart_id)
