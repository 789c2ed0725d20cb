"""The admin's refund (SPEC §10): full or partial, never more than remains."""

from ..domain.errors import NotFound, Refused, ValidationFailed
from ..domain.events import Source
from ..domain.refunds import RefundReason, refund_requested, refundable


def refund_key(order, payment, amount):
    """The gateway's idempotency key: the order, the refund's sequence
    number on that payment, and the amount. A conflict re-run of the same
    request reads the same order and sends the same key (Stripe replays its
    answer); the next refund of the order has the next number."""
    return (f"orderflow-refund-{order.id}-{payment.payment_intent}-"
            f"{len(payment.refunds) + 1}-{amount}")


def request_refund(orders, gateway, order_id, amount, reason, admin, now,
                   payment_intent=None):
    """Refund `amount` of the order's payment (or of its duplicate payment
    `payment_intent`); the refund is kept as the gateway answered (pending
    until it confirms). Returns the order's Outcome."""
    order = orders.get(order_id)
    if order is None:
        raise NotFound("no such order")
    payment = order.refundable_payment(payment_intent)
    if payment is None or not payment.payment_intent:
        raise Refused("this order has no payment that can be refunded")
    if reason not in RefundReason.ALL:
        raise ValidationFailed("choose a reason for the refund", {"reason": "not a reason"})
    remaining = refundable(payment)
    if type(amount) is not int or amount <= 0:
        raise ValidationFailed("the amount must be more than nothing", {"amount": "too small"})
    if amount > remaining:
        raise Refused("that is more than what remains refundable of this payment "
                      f"({remaining} {payment.currency})")
    news = gateway.refund(payment.payment_intent, amount, reason,
                          refund_key(order, payment, amount), order_id=order.id)
    before = order.status
    applied, note = refund_requested(order, payment, news, admin)
    outcome = order.record_admin_action(now, "refund.requested", before, applied,
                                        f"refund requested by {admin}: {note}", actor=admin)
    orders.save(order)
    return outcome
