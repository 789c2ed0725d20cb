"""The values an order is made of, and its statuses.

These classes are stored inside each order in ZODB: their module path and
names are part of the stored schema.
"""

from dataclasses import dataclass
from datetime import datetime
import secrets


class Status:
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    NEEDS_REVIEW = "needs_review"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"

    ALL = (PENDING, PAID, FAILED, CANCELLED, EXPIRED, NEEDS_REVIEW,
           PARTIALLY_REFUNDED, REFUNDED, DISPUTED)
    # Money has arrived: nothing may take these back to an unpaid state.
    SETTLED = (PAID, PARTIALLY_REFUNDED, REFUNDED, DISPUTED, NEEDS_REVIEW)
    PAYABLE = (PENDING, FAILED, CANCELLED, EXPIRED)
    RETRYABLE = (PENDING, FAILED, CANCELLED, EXPIRED)
    CANCELLABLE = (PENDING, FAILED)


def new_order_id():
    """144 random bits: the order id is the customer's key to its pages."""
    return "ord_" + secrets.token_urlsafe(18)


@dataclass(frozen=True)
class OrderItem:
    product_id: str
    title: str
    unit_amount: int
    quantity: int

    @property
    def line_total(self):
        return self.unit_amount * self.quantity


@dataclass
class CheckoutSession:
    id: str
    attempt: int
    created_at: datetime
    url: str | None = None
    expires_at: int | None = None
    state: str = "open"  # open, complete, expired
    # Its payment failed after the session completed (an async method that
    # bounced): nothing can pay this session any more, so later "processing"
    # news of it is stale. A class default, so sessions stored before this
    # field existed load as not failed.
    payment_failed: bool = False


@dataclass
class Payment:
    amount_received: int
    currency: str
    payment_intent: str | None
    session_id: str | None
    paid_at: datetime
    amount_refunded: int = 0


@dataclass(frozen=True)
class Failure:
    code: str
    reason: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    source: str
    event_id: str | None
    event_type: str
    from_status: str
    to_status: str
    applied: bool
    note: str


@dataclass(frozen=True)
class Outcome:
    applied: bool
    from_status: str
    to_status: str
    note: str
