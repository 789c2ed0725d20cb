"""Stripe events translated into the domain's GatewayEvents."""

import pytest

from orderflow.adapters.stripe import events
from orderflow.domain.errors import InvalidWebhook
from orderflow.domain.events import EventKind, SessionPayment
from tests.integration.conftest import ORDER, session, stripe_event


def translate(event_type, obj):
    return events.translate(stripe_event(event_type, obj))


def test_a_completed_paid_session_is_a_payment_that_succeeded():
    event = translate("checkout.session.completed", session("paid"))

    assert event.kind == EventKind.PAYMENT_SUCCEEDED
    assert event.type == "checkout.session.completed"
    assert (event.order_id, event.session_id, event.payment_intent) == (
        ORDER, "cs_test_1", "pi_test_1")
    assert (event.amount, event.currency) == (2500, "eur")
    assert (event.created, event.livemode) == (1_760_000_000, False)


def test_a_completed_unpaid_session_is_a_payment_still_processing():
    event = translate("checkout.session.completed", session("unpaid"))

    assert event.kind == EventKind.PAYMENT_PROCESSING
    assert event.session_id == "cs_test_1"


def test_an_async_payment_that_succeeded_is_a_payment_that_succeeded():
    event = translate("checkout.session.async_payment_succeeded", session("paid"))

    assert (event.kind, event.amount, event.order_id) == (
        EventKind.PAYMENT_SUCCEEDED, 2500, ORDER)


def test_an_async_payment_that_failed_is_a_failed_payment_with_a_reason():
    event = translate("checkout.session.async_payment_failed", session("unpaid"))

    assert event.kind == EventKind.PAYMENT_FAILED
    assert event.failure_code == "async_payment_failed"
    assert event.failure_reason
    assert event.session_id == "cs_test_1"


def test_an_expired_session_is_a_session_expired():
    event = translate("checkout.session.expired",
                      session("unpaid", status="expired", payment_intent=None))

    assert (event.kind, event.session_id, event.order_id) == (
        EventKind.SESSION_EXPIRED, "cs_test_1", ORDER)
    assert event.payment_intent is None


def intent(**changes):
    obj = {
        "id": "pi_test_1", "object": "payment_intent", "amount": 2500, "currency": "eur",
        "metadata": {"order_id": ORDER}, "status": "requires_payment_method",
        "last_payment_error": {"type": "card_error", "code": "card_declined",
                               "decline_code": "insufficient_funds",
                               "message": "Your card has insufficient funds."},
    }
    obj.update(changes)
    return obj


def test_a_failed_payment_intent_carries_the_decline_code_and_message():
    event = translate("payment_intent.payment_failed", intent())

    assert event.kind == EventKind.PAYMENT_FAILED
    assert (event.failure_code, event.failure_reason) == (
        "insufficient_funds", "Your card has insufficient funds.")
    assert (event.order_id, event.payment_intent, event.session_id) == (
        ORDER, "pi_test_1", None)


def test_a_failed_payment_intent_without_decline_code_uses_the_error_code():
    error = {"type": "card_error", "code": "expired_card", "message": "Your card has expired."}
    event = translate("payment_intent.payment_failed", intent(last_payment_error=error))

    assert (event.failure_code, event.failure_reason) == (
        "expired_card", "Your card has expired.")


def test_a_failed_payment_intent_without_an_error_still_has_a_reason():
    event = translate("payment_intent.payment_failed", intent(last_payment_error=None))

    assert event.kind == EventKind.PAYMENT_FAILED
    assert event.failure_code and event.failure_reason


def test_a_refunded_charge_carries_the_amount_refunded():
    charge = {"id": "ch_test_1", "object": "charge", "amount": 2500, "currency": "eur",
              "amount_refunded": 1000, "refunded": False, "payment_intent": "pi_test_1",
              "metadata": {"order_id": ORDER}}
    event = translate("charge.refunded", charge)

    assert event.kind == EventKind.REFUNDED
    assert (event.amount, event.amount_refunded, event.currency) == (2500, 1000, "eur")
    assert (event.order_id, event.payment_intent) == (ORDER, "pi_test_1")


def test_a_created_dispute_is_a_dispute_opened():
    dispute = {"id": "dp_test_1", "object": "dispute", "amount": 2500, "currency": "eur",
               "charge": "ch_test_1", "payment_intent": "pi_test_1", "reason": "fraudulent",
               "status": "needs_response"}
    event = translate("charge.dispute.created", dispute)

    assert event.kind == EventKind.DISPUTE_OPENED
    assert (event.payment_intent, event.amount, event.failure_reason) == (
        "pi_test_1", 2500, "fraudulent")
    assert event.order_id is None


def test_an_unhandled_type_is_unhandled_but_keeps_its_id_and_type():
    event = translate("customer.created", {"id": "cus_1", "object": "customer",
                                           "metadata": {"order_id": ORDER}})

    assert (event.kind, event.type, event.id) == (
        EventKind.UNHANDLED, "customer.created", "evt_test_1")
    assert event.order_id == ORDER


def test_the_order_id_comes_from_metadata_before_client_reference_id():
    event = translate("checkout.session.completed",
                      session(client_reference_id="ord_other", metadata={"order_id": ORDER}))

    assert event.order_id == ORDER


def test_the_order_id_falls_back_to_client_reference_id():
    event = translate("checkout.session.completed",
                      session(client_reference_id="ord_from_reference", metadata={}))

    assert event.order_id == "ord_from_reference"


def test_no_order_reference_at_all_leaves_the_order_id_empty():
    event = translate("checkout.session.completed",
                      session(client_reference_id=None, metadata=None))

    assert event.order_id is None
    assert event.session_id == "cs_test_1"


def test_an_expanded_payment_intent_object_gives_its_id():
    expanded = {"id": "pi_test_expanded", "object": "payment_intent", "status": "succeeded"}
    event = translate("checkout.session.completed", session(payment_intent=expanded))

    assert event.payment_intent == "pi_test_expanded"


@pytest.mark.parametrize("intent_status,payment,kind", [
    ("processing", SessionPayment.PROCESSING, EventKind.PAYMENT_PROCESSING),
    # a bank transfer awaiting funds
    ("requires_action", SessionPayment.PROCESSING, EventKind.PAYMENT_PROCESSING),
    (None, SessionPayment.PROCESSING, EventKind.PAYMENT_PROCESSING),
    ("requires_payment_method", SessionPayment.FAILED, EventKind.PAYMENT_FAILED),
    ("canceled", SessionPayment.FAILED, EventKind.PAYMENT_FAILED),
])
def test_a_complete_unpaid_session_is_processing_unless_its_intent_failed(
        intent_status, payment, kind):
    intent = {"id": "pi_test_1", "object": "payment_intent", "status": intent_status}
    state = events.session_state(session("unpaid", payment_intent=intent))

    assert (state.payment_intent, state.payment) == ("pi_test_1", payment)
    event = state.as_event()
    assert (event.kind, event.session_id, event.id, event.created) == (
        kind, "cs_test_1", None, None)
    if kind == EventKind.PAYMENT_FAILED:
        assert event.failure_code == "async_payment_failed" and event.failure_reason


def test_an_amount_that_is_not_an_integer_is_not_trusted():
    with pytest.raises(InvalidWebhook, match="data.object.amount_total"):
        translate("checkout.session.completed", session(amount_total=25.0))
