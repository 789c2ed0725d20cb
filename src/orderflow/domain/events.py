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
    created: int | None = None
    livemode: bool = False


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

    def as_event(self):
        """The event this state implies, or None while nothing has happened."""
        kind = None
        if self.status == "complete" and self.payment_status in ("paid", "no_payment_required"):
            kind = EventKind.PAYMENT_SUCCEEDED
        elif self.status == "complete":
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
        )
