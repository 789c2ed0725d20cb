"""The payment rules (SPEC §2): money arrives, or starts to.

Each rule takes the order and a gateway event, changes the order or not,
and answers (applied, note); `Order.apply` records the answer.
"""

from .order_parts import Payment, SessionStatus, Status


def payment_succeeded(order, event, now):
    if order.known_payment(event):
        return False, "ignored: this payment is already recorded"
    order.keep_customer(event)
    order.mark_session(event.session_id, SessionStatus.COMPLETE)
    payment = Payment(
        amount_received=event.amount if event.amount is not None else 0,
        currency=event.currency or "",
        payment_intent=event.payment_intent,
        session_id=event.session_id,
        paid_at=now,
    )
    if order.status in Status.SETTLED:
        order.duplicate_payments.append(payment)
        return True, "duplicate payment recorded: it needs a refund"
    order.stop_awaiting()
    order.payment = payment
    if event.amount != order.total or event.currency != order.currency:
        order.status = Status.NEEDS_REVIEW
        order.review_reason = (
            f"received {event.amount} {event.currency}, "
            f"expected {order.total} {order.currency}"
        )
        return True, f"needs review: {order.review_reason}"
    order.status = Status.PAID
    order.failure = None
    return True, "paid"


def payment_processing(order, event, now):
    if order.status not in Status.UNSETTLED:
        return False, f"ignored: the order is {order.status}"
    if order.known_payment(event):
        return False, "ignored: this payment is already recorded"
    if order.awaiting_payment:
        return False, "ignored: already awaiting payment"
    session = order.session(event.session_id) if event.session_id else None
    if session is not None and session.payment_failed:
        # Stripe keeps saying "complete, unpaid" after the async payment
        # failed; a late `completed` webhook says the same.
        return False, "ignored: the payment of this session failed already"
    order.mark_session(event.session_id, SessionStatus.COMPLETE)
    order.keep_customer(event)
    order.status = Status.PENDING
    order.awaiting_payment = True
    order.awaiting_intent = event.payment_intent
    # News learnt by asking the gateway has no time of its own: it was
    # true when we asked.
    order.awaiting_since = event.created if event.created is not None else int(now.timestamp())
    order.failure = None
    return True, "awaiting payment"
