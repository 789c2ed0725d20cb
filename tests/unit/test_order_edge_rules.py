"""Rules where SPEC §2 is silent (decided in docs/architecture.md)."""

from orderflow.domain.events import EventKind, GatewayEvent

from tests.unit.orders import (
    TOTAL, apply, async_failed, dispute, event, failed, new_order, paid, processing, refunded,
    retry, stamp,
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


# -- an async payment that failed stays failed --------------------------------

def test_a_completed_webhook_arriving_after_the_async_failure_does_not_revive_the_wait():
    order = new_order()
    assert apply(order, async_failed(), minutes=1).applied
    outcome = apply(order, processing(), minutes=2)
    assert not outcome.applied and "failed already" in outcome.note
    assert order.status == "failed" and not order.awaiting_payment
    assert order.current_session.payment_failed and order.current_session.state == "complete"
    assert order.can_retry and order.can_cancel


def test_the_gateway_saying_complete_unpaid_after_the_async_failure_changes_nothing():
    order = new_order()
    apply(order, processing(), minutes=1)
    apply(order, async_failed(), minutes=2)
    length = len(order.history)
    for kind in (EventKind.PAYMENT_PROCESSING, EventKind.PAYMENT_FAILED):
        asked = event(kind, "cs_1", event_id=None, payment_intent="pi_1")
        assert not apply(order, asked, minutes=3).applied
    assert order.status == "failed" and not order.awaiting_payment
    assert len(order.history) == length


def test_an_async_failure_learnt_from_the_gateway_ends_the_wait():
    order = new_order()
    apply(order, processing(), minutes=1)
    asked = event(EventKind.PAYMENT_FAILED, "cs_1", event_id=None, payment_intent="pi_1",
                  failure_code="async_payment_failed", failure_reason="It bounced.")
    assert apply(order, asked, minutes=2).applied
    assert order.status == "failed" and not order.awaiting_payment
    assert not apply(order, processing(event_id=None), minutes=3).applied


# -- a late decline of the same intent while an async payment processes -------

def test_a_card_decline_from_before_the_async_payment_started_does_not_end_the_wait():
    order = new_order()
    apply(order, processing(created=stamp(3)), minutes=3)
    for created in (stamp(2), stamp(3)):  # earlier, or in the same second
        outcome = apply(order, failed(created=created), minutes=4)
        assert not outcome.applied and "before the payment started" in outcome.note
    assert order.status == "pending" and order.awaiting_payment
    assert order.failure is None


def test_a_failure_of_the_processing_payment_still_ends_the_wait():
    later_decline = failed(created=stamp(9))
    asked_now = failed(event_id=None)
    for ending in (async_failed(created=stamp(2)), later_decline, asked_now):
        order = new_order()
        apply(order, processing(created=stamp(3)), minutes=3)
        assert apply(order, ending, minutes=10).applied
        assert order.status == "failed" and not order.awaiting_payment


def test_processing_learnt_from_the_gateway_dates_the_wait_from_when_we_asked():
    order = new_order()
    apply(order, processing(event_id=None), minutes=3)
    assert not apply(order, failed(created=stamp(2)), minutes=4).applied
    assert order.awaiting_payment


# -- a failure of an earlier session ----------------------------------------

def test_an_async_failure_of_an_earlier_session_leaves_the_current_one_pending():
    order = new_order()
    retry(order, "cs_2", minutes=5)
    outcome = apply(order, async_failed("cs_1"), minutes=6)
    assert not outcome.applied and "earlier session" in outcome.note
    assert order.status == "pending" and order.failure is None
    assert order.current_session.state == "open"


def test_a_decline_from_before_the_current_session_leaves_it_pending():
    order = new_order()
    retry(order, "cs_2", minutes=5)
    late = GatewayEvent(**{**failed(created=stamp(1)).__dict__, "payment_intent": "pi_old"})
    outcome = apply(order, late, minutes=6)
    assert not outcome.applied and "before the current session" in outcome.note
    assert order.status == "pending"
    assert apply(order, failed(created=stamp(5)), minutes=7).applied
    assert order.status == "failed"
