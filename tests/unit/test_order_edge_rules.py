"""Rules where SPEC §2 is silent (decided in docs/architecture.md)."""

from orderflow.domain.events import EventKind

from tests.unit.orders import (
    TOTAL, apply, dispute, event, failed, new_order, paid, processing, refunded, retry,
)


def test_a_late_failure_of_another_intent_does_not_end_a_processing_payment():
    order = new_order()
    apply(order, event(EventKind.PAYMENT_PROCESSING, payment_intent="pi_bank",
                       amount=TOTAL, currency="eur"))
    result = apply(order, event(EventKind.PAYMENT_FAILED, None, payment_intent="pi_card",
                                failure_code="card_declined", failure_reason="declined"))
    assert not result.applied
    assert order.status == "pending" and order.awaiting_payment


def test_the_failure_of_the_processing_intent_fails_the_order():
    order = new_order()
    apply(order, processing())
    apply(order, failed())
    assert order.status == "failed" and not order.awaiting_payment


def test_a_retry_and_an_async_start_clear_the_shown_failure_but_keep_it_in_history():
    order = new_order()
    apply(order, failed())
    retry(order, "cs_2")
    assert order.failure is None
    assert any("declined" in h.note for h in order.history)

    order = new_order()
    apply(order, failed())
    apply(order, processing())
    assert order.failure is None and order.status == "pending"


def test_a_dispute_on_the_duplicate_payment_leaves_the_order_paid():
    order = new_order()
    apply(order, paid())
    retry_order = order  # the second payment comes from an earlier session's twin
    retry_order.sessions.append(type(order.sessions[0])("cs_2", 2, order.date_created))
    apply(order, paid(session_id="cs_2", intent="pi_2"))
    assert order.duplicate_payments
    apply(order, dispute(intent="pi_2"))
    assert order.status == "paid"


def test_a_refund_of_an_unknown_intent_is_ignored():
    order = new_order()
    apply(order, paid())
    result = apply(order, refunded(TOTAL, intent="pi_somebody_else"))
    assert not result.applied and order.status == "paid"
    assert order.payment.amount_refunded == 0


def test_a_refund_in_review_is_recorded_and_the_order_stays_in_review():
    order = new_order()
    apply(order, paid(amount=TOTAL - 1))
    assert order.status == "needs_review"
    result = apply(order, refunded(TOTAL - 1))
    assert result.applied and order.status == "needs_review"
    assert order.payment.amount_refunded == TOTAL - 1
