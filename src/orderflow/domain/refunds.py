"""Refunds counted once by id, whatever order the news comes in (SPEC §8).

A payment's refunded amount must equal what the gateway's charge shows: the
refunds that have not failed or been cancelled. News of a refund arrives by
several roads: the answer to our own create call, `refund.created`,
`refund.updated`, `refund.failed`, `charge.refund.updated` (each one refund,
by id), and `charge.refunded`, which carries the charge's running total
`amount_refunded` (and sometimes its `refunds` list). The ledger keeps every
refund known by id once, and the latest charge figure with its time; the
part of that figure that no known refund explains (a refund made in the
gateway's dashboard, say) counts too. A refund that fails or is cancelled
lowers the amount, also when it was first learnt from a charge's total.

Times are the gateway's, in unix seconds (an event's `created`): news older
than what a refund or the charge figure already shows is stale.
"""

from dataclasses import dataclass, replace

from .order_parts import Status


class RefundStatus:
    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"

    ALL = (PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED, CANCELED)
    # Money that is going back or has gone: counted by the gateway's charge.
    LIVE = (PENDING, REQUIRES_ACTION, SUCCEEDED)
    DEAD = (FAILED, CANCELED)
    # A refund moves forward only: pending -> succeeded -> failed is possible
    # (a bank may return a refund), never back.
    RANK = {PENDING: 0, REQUIRES_ACTION: 0, SUCCEEDED: 1, FAILED: 2, CANCELED: 2}


class RefundReason:
    """The reasons the gateway accepts for a refund we request."""

    REQUESTED_BY_CUSTOMER = "requested_by_customer"
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"

    ALL = (REQUESTED_BY_CUSTOMER, DUPLICATE, FRAUDULENT)


@dataclass(frozen=True)
class RefundNews:
    """What one piece of news says about one refund, in the domain's words."""

    id: str
    amount: int
    status: str
    # When the refund was made, and when this news was true (unix seconds);
    # None when unknown.
    created: int | None = None
    at: int | None = None
    reason: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class Refund:
    """A refund known by id, kept on its Payment (stored with the order)."""

    id: str
    amount: int
    status: str
    created: int | None = None
    # When the gateway last told us its status (unix seconds), if known.
    status_at: int | None = None
    reason: str | None = None
    failure_reason: str | None = None
    # The admin who asked for it, when it was made from orderflow.
    requested_by: str | None = None

    @property
    def live(self):
        return self.status in RefundStatus.LIVE


def learn_refund(payment, news, requested_by=None):
    """Record `news` of one refund on `payment`; a note if it changed, else None."""
    _adopt_legacy_figure(payment)
    known = {r.id: r for r in payment.refunds}
    old = known.get(news.id)
    if old is None:
        refund = Refund(news.id, news.amount, news.status, news.created,
                        news.at if news.at is not None else news.created,
                        news.reason, news.failure_reason, requested_by)
        payment.refunds = payment.refunds + (refund,)
        _recompute(payment)
        return f"refund {news.id} of {news.amount} {payment.currency}: {news.status}"
    if not _newer(news, old):
        return None
    refund = replace(
        old, status=news.status,
        status_at=news.at if news.at is not None else old.status_at,
        created=old.created if old.created is not None else news.created,
        failure_reason=news.failure_reason or old.failure_reason,
        reason=old.reason or news.reason,
    )
    payment.refunds = tuple(refund if r.id == news.id else r for r in payment.refunds)
    _recompute(payment)
    return f"refund {news.id} of {old.amount} {payment.currency}: {old.status} -> {news.status}"


def learn_charge(payment, amount_refunded, at, refunds=()):
    """Record a charge's `amount_refunded` as of `at` (and its refunds list).

    A note if anything changed, else None. A figure older than the one kept
    is stale and ignored; its refunds by id are still learnt.
    """
    _adopt_legacy_figure(payment)
    notes = [note for note in (learn_refund(payment, news) for news in refunds) if note]
    if not _figure_is_stale(payment, amount_refunded, at):
        before = payment.amount_refunded
        payment.charge_refunded, payment.charge_refunded_at = amount_refunded, at
        _recompute(payment)
        if payment.amount_refunded != before or not notes:
            notes.append(f"the charge shows {amount_refunded} {payment.currency} refunded")
    return "; ".join(notes) or None


def _figure_is_stale(payment, amount_refunded, at):
    """Whether a charge's figure tells nothing newer than the one kept.

    A later figure wins, also a smaller one (a refund failed meanwhile).
    When a time is unknown, or both are the same second, the larger figure
    wins: it is the later one unless a refund failed within that second.
    """
    kept, kept_at = payment.charge_refunded, payment.charge_refunded_at
    if kept is None:
        return False
    if at is None or kept_at is None or at == kept_at:
        return amount_refunded <= kept
    return at < kept_at


def refundable(payment):
    """What may still be refunded: pending refunds count against it."""
    live = sum(r.amount for r in payment.refunds if r.live)
    return max(0, payment.amount_received - live - unexplained(payment))


def pending_refunds(payment):
    return tuple(r for r in payment.refunds
                 if r.status in (RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION))


def unexplained(payment):
    """The part of the charge's figure that no refund known by id explains."""
    figure, at = payment.charge_refunded, payment.charge_refunded_at
    if figure is None:
        return 0
    explained = sum(r.amount for r in payment.refunds if _counted_in_figure(r, at))
    return max(0, figure - explained)


def _counted_in_figure(refund, at):
    """Whether the charge's figure as of `at` included `refund`."""
    if at is None:
        return refund.live
    if refund.created is not None and refund.created > at:
        return False  # made after the figure
    if not refund.live and refund.status_at is not None and refund.status_at <= at:
        return False  # had already failed
    # Live then; or failed later, but it was counted when the figure was made.
    return True


def _recompute(payment):
    """The refunded amount: refunds that succeeded, plus what the charge
    shows that no known refund explains. Pending ones do not count yet."""
    succeeded = sum(r.amount for r in payment.refunds if r.status == RefundStatus.SUCCEEDED)
    payment.amount_refunded = min(payment.amount_received, succeeded + unexplained(payment))


def _adopt_legacy_figure(payment):
    """A payment stored before refunds were known by id kept only the
    charge's figure, in `amount_refunded`: it becomes the charge figure."""
    if payment.charge_refunded is None and payment.amount_refunded and not payment.refunds:
        payment.charge_refunded = payment.amount_refunded


def _newer(news, old):
    """Whether `news` moves `old` on: a later time, or at the same (or an
    unknown) time a later stage of the refund's life."""
    if old.status in RefundStatus.DEAD:
        return False  # failed and cancelled refunds are final
    if news.status == old.status:
        return False
    rank_up = RefundStatus.RANK.get(news.status, 0) > RefundStatus.RANK.get(old.status, 0)
    if news.at is None or old.status_at is None or news.at == old.status_at:
        return rank_up
    return news.at > old.status_at


def status_for(payment):
    """The status that the refunded amount of the order's payment implies."""
    if payment.amount_refunded <= 0:
        return Status.PAID
    if payment.amount_refunded >= payment.amount_received:
        return Status.REFUNDED
    return Status.PARTIALLY_REFUNDED


# -- the order's rules: what refund news does to an order ----------------------


def payment_of(order, payment_intent):
    """The order's payment (or duplicate payment) that `payment_intent` names;
    the order's payment when the news names no intent; None if not ours."""
    payment = order.payment
    if payment is not None and (not payment_intent or not payment.payment_intent
                                or payment.payment_intent == payment_intent):
        return payment
    return next((p for p in order.duplicate_payments
                 if payment_intent and p.payment_intent == payment_intent), None)


def charge_refunded(order, event, now=None):
    """`charge.refunded`: the charge's total, and its refunds list if any."""
    return _apply(order, event, lambda payment: learn_charge(
        payment, event.amount_refunded or 0, event.created, _dated(event)))


def refund_changed(order, event, now=None):
    """`refund.created/updated/failed`, `charge.refund.updated`: one refund."""
    return _apply(order, event, lambda payment: "; ".join(
        n for n in (learn_refund(payment, news) for news in _dated(event)) if n) or None)


def _dated(event):
    """The event's refund news, true as of the event's time."""
    return tuple(news if news.at is not None else replace(news, at=event.created)
                 for news in event.refunds)


def refund_requested(order, payment, news, admin):
    """Our own refund call answered: the refund is known by id from now on,
    counted against what remains refundable; the status waits for the
    gateway to confirm it."""
    return _after_change(order, payment, learn_refund(payment, news, requested_by=admin))


def _apply(order, event, learn):
    payment = payment_of(order, event.payment_intent)
    if payment is None:
        return False, "ignored: not a payment of this order"
    return _after_change(order, payment, learn(payment))


def _after_change(order, payment, note):
    if note is None:
        return False, "ignored: refund already recorded"
    if payment is not order.payment:
        return True, f"duplicate payment: {note}"
    if order.status in Status.REFUND_DRIVEN:
        order.status = status_for(payment)
    elif order.status != Status.NEEDS_REVIEW or payment.amount_refunded:
        note += f"; the order stays {order.status}"
    return True, note
