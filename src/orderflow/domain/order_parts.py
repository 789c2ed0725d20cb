"""The values an order is made of, and its vocabulary.

The dataclasses here are stored inside each order in ZODB: their module
path and names are part of the stored schema. The constant classes
(Status, SessionStatus, CustomerView, AdminAction) are not: only their
string values are stored.
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
    DISPUTE_LOST = "dispute_lost"

    ALL = (PENDING, PAID, FAILED, CANCELLED, EXPIRED, NEEDS_REVIEW,
           PARTIALLY_REFUNDED, REFUNDED, DISPUTED, DISPUTE_LOST)
    # Money has arrived: nothing may take these back to an unpaid state.
    SETTLED = (PAID, PARTIALLY_REFUNDED, REFUNDED, DISPUTED, NEEDS_REVIEW, DISPUTE_LOST)
    # The status follows the refunded amount (refunds.py).
    REFUND_DRIVEN = (PAID, PARTIALLY_REFUNDED, REFUNDED)
    PAYABLE = (PENDING, FAILED, CANCELLED, EXPIRED)
    RETRYABLE = (PENDING, FAILED, CANCELLED, EXPIRED)
    CANCELLABLE = (PENDING, FAILED)
    # The gateway may know more than we do: a landing page or a
    # reconciliation asks it about these.
    UNSETTLED = (PENDING, FAILED)
    REFUNDABLE = (PAID, PARTIALLY_REFUNDED)
    # What a customer is told, by status (CustomerView).
    RECEIVED = (PAID, PARTIALLY_REFUNDED, REFUNDED, DISPUTED, DISPUTE_LOST)

    @classmethod
    def known(cls, word):
        """Whether `word` (a filter typed in a page, say) names a status."""
        return word in cls.ALL


class SessionStatus:
    """A checkout session's state, ours and the gateway's (Stripe's words
    happen to be the same). Plain strings, like Status: they are stored in
    every CheckoutSession, and a string needs no class to unpickle."""

    OPEN = "open"
    COMPLETE = "complete"
    EXPIRED = "expired"

    ALL = (OPEN, COMPLETE, EXPIRED)


class CustomerView:
    """What a customer page says about an order's payment (Order.customer_view)."""

    CONFIRMING = "confirming"
    PAID = "paid"
    IN_REVIEW = "in_review"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class AdminAction:
    """What an admin may do with an order (Order.admin_actions)."""

    RECONCILE = "reconcile"
    CANCEL = "cancel"
    REFUND = "refund"


def new_order_id():
    """144 random bits: the order id is the customer's key to its pages."""
    return "ord_" + secrets.token_urlsafe(18)


# The customer's short order reference (SPEC §11): 8 characters from 31
# that cannot be read as one another (no 0/O, 1/I/L), about 8.5e11 of them.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def unique_reference(taken, attempts=20):
    """A new reference that `taken(reference)` says no order has.

    With 8.5e11 references a clash is rare and a second draw all but never
    clashes; running out of attempts means the check itself is broken.
    """
    for _ in range(attempts):
        reference = new_reference()
        if not taken(reference):
            return reference
    raise RuntimeError("no free order reference found")


def shown_reference(reference):
    """K7Q4M2PX as people read it: K7Q4-M2PX."""
    half = REFERENCE_LENGTH // 2
    return f"{reference[:half]}-{reference[half:]}" if reference else None


def reference_prefix(text):
    """The stored form of (the start of) a typed reference, or None if it is none.

    Case, dashes and spaces do not matter.
    """
    if not isinstance(text, str):
        return None
    typed = text.upper().replace("-", "").replace(" ", "")
    if not typed or len(typed) > REFERENCE_LENGTH:
        return None
    return typed if all(c in REFERENCE_ALPHABET for c in typed) else None


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
    state: str = SessionStatus.OPEN
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
    # What has gone back (refunds.py keeps it): refunds that succeeded, plus
    # what the charge shows that no refund known by id explains.
    amount_refunded: int = 0
    # Immutable class defaults, so payments stored before these fields load.
    refunds: tuple = ()  # refunds.Refund, each known by id once
    # The charge's latest `amount_refunded` and its time (unix seconds).
    charge_refunded: int | None = None
    charge_refunded_at: int | None = None


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
    # The admin who acted, for an admin's line; a class default, so that
    # entries stored before this field load with None.
    actor: str | None = None


@dataclass(frozen=True)
class Outcome:
    applied: bool
    from_status: str
    to_status: str
    note: str
