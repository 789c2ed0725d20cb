"""What the gateway tells us, in the domain's own words.

Adapters translate gateway payloads (Stripe events, retrieved sessions) into
these before any rule sees them, so no gateway type crosses a port.
"""

from dataclasses import dataclass

from .customer import CustomerDetails
from .order_parts import SessionStatus


class EventKind:
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_PROCESSING = "payment_processing"
    PAYMENT_FAILED = "payment_failed"
    SESSION_EXPIRED = "session_expired"
    REFUNDED = "refunded"  # a charge's refunded total (and refunds list)
    REFUND_CHANGED = "refund_changed"  # one refund, by id
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_UPDATED = "dispute_updated"  # funds withdrawn or reinstated, updates
    DISPUTE_CLOSED = "dispute_closed"
    UNHANDLED = "unhandled"

    ALL = (
        PAYMENT_SUCCEEDED,
        PAYMENT_PROCESSING,
        PAYMENT_FAILED,
        SESSION_EXPIRED,
        REFUNDED,
        REFUND_CHANGED,
        DISPUTE_OPENED,
        DISPUTE_UPDATED,
        DISPUTE_CLOSED,
        UNHANDLED,
    )


class Source:
    """Where news about a payment came from; kept in every history entry."""

    WEBHOOK = "webhook"
    LANDING_PAGE = "landing page"
    RECONCILIATION = "reconciliation"
    ADMIN = "admin"
    RETRY = "retry"
    CUSTOMER = "customer"
    CHECKOUT = "checkout"


@dataclass(frozen=True)
class GatewayEvent:
    """One verified notification, translated.

    `id` is the gateway's event id, or None for news learnt by asking the
    gateway (landing page, reconciliation): those have no id to deduplicate
    on, so the order's own rules (one payment per session) keep them exactly
    once.
    """

    kind: str
    type: str
    id: str | None = None
    order_id: str | None = None
    session_id: str | None = None
    payment_intent: str | None = None
    amount: int | None = None
    currency: str | None = None
    amount_refunded: int | None = None
    failure_code: str | None = None
    failure_reason: str | None = None
    # When the gateway made the event, in unix seconds; None for news learnt
    # by asking the gateway.
    created: int | None = None
    livemode: bool = False
    # refunds.RefundNews of each refund the event names (refund.*,
    # charge.refund.updated: one; charge.refunded: its refunds list, if any).
    refunds: tuple = ()
    # disputes.DisputeNews for charge.dispute.* events.
    dispute: object = None
    # A completed session's customer_details, when the gateway sent them.
    customer: CustomerDetails | None = None


ASYNC_FAILURE_CODE = "async_payment_failed"
ASYNC_FAILURE_REASON = "The payment did not go through after processing."


class SessionPayment:
    """What became of a checkout session's payment, in the domain's words.

    The gateway adapter works it out from its own words (Stripe: the
    session's `payment_status` and its payment intent's `status`).
    """

    UNPAID = "unpaid"  # nothing paid yet: an open session, or one that expired
    PAID = "paid"
    # Completed with a payment in flight (an async method), or in a state we
    # do not know: the money may still come.
    PROCESSING = "processing"
    # Completed, but its async payment failed: nothing can pay it any more.
    FAILED = "failed"

    ALL = (UNPAID, PAID, PROCESSING, FAILED)


@dataclass(frozen=True)
class SessionState:
    """A checkout session as the gateway sees it now."""

    session_id: str
    status: str  # SessionStatus
    payment: str  # SessionPayment
    order_id: str | None = None
    amount_total: int | None = None
    currency: str | None = None
    payment_intent: str | None = None
    url: str | None = None
    customer: CustomerDetails | None = None

    @property
    def completed_with_payment(self):
        """Complete, and paid or paying: the customer did all they had to."""
        return (self.status == SessionStatus.COMPLETE
                and self.payment in (SessionPayment.PAID, SessionPayment.PROCESSING))

    def as_event(self):
        """The event this state implies, or None while nothing has happened."""
        kind, failure = None, {}
        if self.status == SessionStatus.COMPLETE:
            kind = {
                SessionPayment.PAID: EventKind.PAYMENT_SUCCEEDED,
                SessionPayment.FAILED: EventKind.PAYMENT_FAILED,
            }.get(self.payment, EventKind.PAYMENT_PROCESSING)
            if kind == EventKind.PAYMENT_FAILED:
                failure = dict(failure_code=ASYNC_FAILURE_CODE,
                               failure_reason=ASYNC_FAILURE_REASON)
        elif self.status == SessionStatus.EXPIRED:
            kind = EventKind.SESSION_EXPIRED
        if kind is None:
            return None
        return GatewayEvent(
            kind=kind,
            type=f"checkout.session.{self.status}",
            order_id=self.order_id,
            session_id=self.session_id,
            payment_intent=self.payment_intent,
            amount=self.amount_total,
            currency=self.currency,
            customer=self.customer,
            **failure,
        )
