"""What the gateway tells us, in the domain's own words.

Adapters translate gateway payloads (Stripe events, retrieved sessions) into
these before any rule sees them, so no gateway type crosses a port.
"""

from dataclasses import dataclass


class EventKind:
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_PROCESSING = "payment_processing"
    PAYMENT_FAILED = "payment_failed"
    SESSION_EXPIRED = "session_expired"
    REFUNDED = "refunded"
    DISPUTE_OPENED = "dispute_opened"
    UNHANDLED = "unhandled"

    ALL = (
        PAYMENT_SUCCEEDED,
        PAYMENT_PROCESSING,
        PAYMENT_FAILED,
        SESSION_EXPIRED,
        REFUNDED,
        DISPUTE_OPENED,
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


# A completed session whose payment is no longer processing because it
# failed: Stripe keeps the session `complete` and `unpaid` for good, and only
# its payment intent's status tells a failure from a payment in flight.
FAILED_INTENT_STATUSES = ("requires_payment_method", "canceled")

ASYNC_FAILURE_CODE = "async_payment_failed"
ASYNC_FAILURE_REASON = "The payment did not go through after processing."


@dataclass(frozen=True)
class SessionState:
    """A checkout session as the gateway sees it now."""

    session_id: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    order_id: str | None = None
    amount_total: int | None = None
    currency: str | None = None
    payment_intent: str | None = None
    url: str | None = None
    # The payment intent's own status (processing, requires_payment_method,
    # succeeded, ...), when the gateway told it.
    payment_intent_status: str | None = None

    def as_event(self):
        """The event this state implies, or None while nothing has happened."""
        kind, failure = None, {}
        if self.status == "complete" and self.payment_status in ("paid", "no_payment_required"):
            kind = EventKind.PAYMENT_SUCCEEDED
        elif self.status == "complete" and self.payment_intent_status in FAILED_INTENT_STATUSES:
            kind = EventKind.PAYMENT_FAILED
            failure = dict(failure_code=ASYNC_FAILURE_CODE, failure_reason=ASYNC_FAILURE_REASON)
        elif self.status == "complete":
            # Processing, or a status we do not know: the money may still come.
            kind = EventKind.PAYMENT_PROCESSING
        elif self.status == "expired":
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
            **failure,
        )
