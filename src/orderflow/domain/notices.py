"""Which change of an order is announced to whom (SPEC §9).

`Order.apply` compares the order before and after an event and keeps the
notices that the change announces (`announce`). Only a change makes a
notice: an event that is ignored (a duplicate delivery, a payment already
recorded, news that changes nothing) announces nothing, so a notice is
made exactly once per transition, and it is stored in the same
transaction as the order (the repository's `save`).

A notice carries a snapshot of what its message says (items, amounts, the
reason), taken when the change happened: a message sent later says what was
true then, not what the order became meanwhile.

Notices are stored in the outbox (ZODB): this module path and `Notice` are
part of the stored schema.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .events import ASYNC_FAILURE_CODE, EventKind
from .order_parts import Status

CUSTOMER = "customer"
STAFF = "staff"


class Kind:
    # To the customer (the order's email).
    PAYMENT_RECEIVED = "payment_received"
    PAYMENT_PROCESSING = "payment_processing"
    PAYMENT_FAILED = "payment_failed"  # an async payment that bounced
    REFUND_ISSUED = "refund_issued"
    # To the staff (orderflow.staff_emails).
    NEEDS_REVIEW = "needs_review"
    DUPLICATE_PAYMENT = "duplicate_payment"
    DISPUTE_OPENED = "dispute_opened"
    WEBHOOK_REFUSED = "webhook_refused"
    DISPUTE_CLOSED = "dispute_closed"
    REFUND_FAILED = "refund_failed"

    AUDIENCE = {
        PAYMENT_RECEIVED: CUSTOMER, PAYMENT_PROCESSING: CUSTOMER,
        PAYMENT_FAILED: CUSTOMER, REFUND_ISSUED: CUSTOMER,
        NEEDS_REVIEW: STAFF, DUPLICATE_PAYMENT: STAFF, DISPUTE_OPENED: STAFF,
        WEBHOOK_REFUSED: STAFF, DISPUTE_CLOSED: STAFF, REFUND_FAILED: STAFF,
    }


@dataclass(frozen=True)
class Notice:
    """One message to send. `key` is unique per announced fact: the outbox
    keeps one message per key, a second guard behind the order's rules."""

    key: str
    kind: str
    at: datetime
    order_id: str | None = None
    # The customer's address for customer notices; staff addresses are read
    # from the settings when the message is sent.
    recipient: str | None = None
    facts: dict = field(default_factory=dict)

    @property
    def audience(self):
        return Kind.AUDIENCE[self.kind]


@dataclass(frozen=True)
class Before:
    """What `announce` compares: the parts of an order a notice depends on."""

    status: str
    awaiting_payment: bool
    duplicates: int
    refunded: int
    dead_refunds: frozenset = frozenset()  # ids of refunds that failed or were cancelled


def before(order):
    return Before(order.status, order.awaiting_payment, len(order.duplicate_payments),
                  order.payment.amount_refunded if order.payment else 0,
                  _dead_refunds(order))


def _dead_refunds(order):
    refunds = getattr(order.payment, "refunds", ()) if order.payment else ()
    return frozenset(r.id for r in refunds if r.status in ("failed", "canceled"))


def order_facts(order):
    """The snapshot every message about an order may show."""
    return {
        "order_id": order.id,
        # The readable reference, when the order has one (another issue adds it).
        "reference": getattr(order, "reference", None) or order.id,
        "items": [(i.title, i.quantity, i.unit_amount, i.line_total) for i in order.items],
        "total": order.total,
        "currency": order.currency,
        "session_id": order.session_id,
        "email": order.email,
        "status": order.status,
    }


def announce(was, order, event, now):
    """The notices that an applied event's change, from `was` (a Before) to
    `order`, announces."""
    found = []

    def add(kind, discriminator="", **facts):
        recipient = order.email if Kind.AUDIENCE[kind] == CUSTOMER else None
        if Kind.AUDIENCE[kind] == CUSTOMER and not recipient:
            return  # nobody to tell: the order has no email
        key = ":".join(p for p in (order.id, kind, discriminator) if p)
        found.append(Notice(key, kind, now, order.id, recipient,
                            {**order_facts(order), **facts}))

    became = order.status != was.status
    if became and order.status == Status.PAID and was.status not in Status.SETTLED:
        # Money arrived (not a refund failing or a dispute won, which also
        # lead back to paid).
        add(Kind.PAYMENT_RECEIVED)
    if became and order.status == Status.NEEDS_REVIEW:
        add(Kind.NEEDS_REVIEW, reason=order.review_reason,
            received=order.payment.amount_received if order.payment else None,
            received_currency=order.payment.currency if order.payment else None)
    if order.awaiting_payment and not was.awaiting_payment:
        add(Kind.PAYMENT_PROCESSING, event.session_id or "")
    if (became and order.status == Status.FAILED and order.failure is not None
            and (was.awaiting_payment or order.failure.code == ASYNC_FAILURE_CODE)):
        # A declined card is shown on the checkout page while the customer is
        # there; only an async payment fails after they have left.
        add(Kind.PAYMENT_FAILED, event.session_id or event.payment_intent or "",
            reason=order.failure.reason)
    if len(order.duplicate_payments) > was.duplicates:
        payment = order.duplicate_payments[-1]
        add(Kind.DUPLICATE_PAYMENT, payment.payment_intent or payment.session_id or "",
            amount=payment.amount_received, payment_currency=payment.currency,
            payment_intent=payment.payment_intent, session=payment.session_id)
    refunded = order.payment.amount_refunded if order.payment else 0
    if refunded > was.refunded:
        add(Kind.REFUND_ISSUED, str(refunded), refunded_now=refunded - was.refunded,
            refunded_total=refunded, remaining=order.payment.amount_received - refunded,
            paid_currency=order.payment.currency)
    for refund in getattr(order.payment, "refunds", ()) if order.payment else ():
        if refund.status in ("failed", "canceled") and refund.id not in was.dead_refunds:
            add(Kind.REFUND_FAILED, refund.id, reason=refund.failure_reason or refund.status,
                amount=refund.amount, refund_id=refund.id)
    dispute = getattr(event, "dispute", None)
    if event.kind in (EventKind.DISPUTE_OPENED, EventKind.DISPUTE_CLOSED):
        # On the payment or on a duplicate; one message per dispute and step.
        kind = (Kind.DISPUTE_OPENED if event.kind == EventKind.DISPUTE_OPENED
                else Kind.DISPUTE_CLOSED)
        add(kind, (dispute.id if dispute else None) or event.payment_intent or "",
            reason=(dispute.status if kind == Kind.DISPUTE_CLOSED and dispute
                    else (dispute.reason if dispute else event.failure_reason)),
            amount=(dispute.amount if dispute and dispute.amount is not None
                    else event.amount),
            payment_intent=event.payment_intent)
    return found


def webhook_refused(reason, now, count=1):
    """The staff alert for refused webhook deliveries (rate-limited by the caller)."""
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    return Notice(f"alert:{Kind.WEBHOOK_REFUSED}:{stamp}", Kind.WEBHOOK_REFUSED, now,
                  facts={"reason": reason, "count": count})
