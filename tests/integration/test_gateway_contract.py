"""One contract for both payment gateways, so the fake cannot drift from Stripe.

Each test runs against the FakeGateway and against the StripeGateway talking
through the real SDK to the local Stripe stub.
"""

from dataclasses import dataclass
from typing import Callable

import pytest

from orderflow.domain.errors import GatewayError, NotFound
from orderflow.domain.events import EventKind
from orderflow.ports.gateway import PaymentGateway
from tests.integration.conftest import create, make_order, make_stripe_gateway


@dataclass
class Harness:
    """A gateway plus what the outside world (the customer, an outage) does to it."""

    gateway: PaymentGateway
    pay: Callable  # session id -> None: the customer pays by card
    break_next: Callable  # () -> None: the next gateway call fails
    pay_async: Callable  # session id -> None: a bank debit starts processing
    fail_async: Callable  # session id -> None: that debit fails


def fake_harness(request):
    fake = request.getfixturevalue("fake_gateway")

    def break_next():
        fake.fail_next = 1

    return Harness(fake, fake.pay, break_next, fake.pay_async,
                   lambda sid: fake.settle_async(sid, succeeded=False))


def stripe_harness(request):
    stub = request.getfixturevalue("stub")
    return Harness(make_stripe_gateway(stub), stub.complete, lambda: stub.fail_next(500),
                   lambda sid: stub.complete(sid, payment_status="unpaid"), stub.fail_async)


@pytest.fixture(params=[fake_harness, stripe_harness], ids=["fake", "stripe"])
def harness(request):
    return request.param(request)


def test_create_session_returns_an_id_and_a_url(harness):
    created = create(harness.gateway, make_order())

    assert created.id.startswith("cs_")
    assert created.url.startswith("http")


def test_create_session_is_idempotent_per_key(harness):
    order = make_order()

    first = create(harness.gateway, order, key=f"orderflow-{order.id}-attempt-1")
    again = create(harness.gateway, order, key=f"orderflow-{order.id}-attempt-1")
    retry = create(harness.gateway, order, key=f"orderflow-{order.id}-attempt-2", attempt=2)

    assert again.id == first.id
    assert retry.id != first.id


def test_a_key_reused_with_other_parameters_is_a_gateway_error(harness):
    first = create(harness.gateway, make_order(), key="reused-key")

    with pytest.raises(GatewayError):
        create(harness.gateway, make_order(), key="reused-key")
    assert harness.gateway.retrieve_session(first.id).status == "open"


def test_a_new_session_is_open_and_unpaid_with_the_order_id(harness):
    order = make_order()
    created = create(harness.gateway, order)

    state = harness.gateway.retrieve_session(created.id)

    assert (state.session_id, state.status, state.payment) == (
        created.id, "open", "unpaid")
    assert state.order_id == order.id
    assert (state.amount_total, state.currency) == (order.total, order.currency)
    assert state.payment_intent is None
    assert state.url == created.url
    assert state.as_event() is None


def test_expiring_an_open_session_makes_it_expired(harness):
    created = create(harness.gateway, make_order())

    state = harness.gateway.expire_session(created.id)

    assert (state.status, state.payment, state.url) == ("expired", "unpaid", None)
    assert harness.gateway.retrieve_session(created.id).status == "expired"


def test_expiring_an_expired_session_again_changes_nothing_and_raises_nothing(harness):
    created = create(harness.gateway, make_order())
    harness.gateway.expire_session(created.id)

    state = harness.gateway.expire_session(created.id)

    assert (state.status, state.payment) == ("expired", "unpaid")


def test_a_paid_session_is_complete_and_paid_with_a_payment_intent(harness):
    order = make_order()
    created = create(harness.gateway, order)
    harness.pay(created.id)

    state = harness.gateway.retrieve_session(created.id)

    assert (state.status, state.payment, state.order_id) == (
        "complete", "paid", order.id)
    assert state.payment_intent.startswith("pi_")
    assert state.as_event().amount == order.total


def test_expiring_a_paid_session_answers_its_paid_state(harness):
    created = create(harness.gateway, make_order())
    harness.pay(created.id)

    state = harness.gateway.expire_session(created.id)

    assert (state.status, state.payment) == ("complete", "paid")


def test_an_async_payment_reads_as_processing_until_it_fails(harness):
    created = create(harness.gateway, make_order())
    harness.pay_async(created.id)

    processing = harness.gateway.retrieve_session(created.id)
    harness.fail_async(created.id)
    failed = harness.gateway.expire_session(created.id)

    assert (processing.status, processing.payment) == ("complete", "processing")
    assert processing.as_event().kind == EventKind.PAYMENT_PROCESSING
    assert (failed.status, failed.payment) == ("complete", "failed")
    assert failed.payment_intent == processing.payment_intent
    assert failed.payment_intent.startswith("pi_")
    assert failed.as_event().kind == EventKind.PAYMENT_FAILED


def test_an_unknown_session_is_not_found(harness):
    with pytest.raises(NotFound):
        harness.gateway.retrieve_session("cs_test_not_a_session")
    with pytest.raises(NotFound):
        harness.gateway.expire_session("cs_test_not_a_session")


def test_a_gateway_outage_is_a_gateway_error_and_creates_nothing(harness):
    order = make_order()
    harness.break_next()

    with pytest.raises(GatewayError):
        create(harness.gateway, order, key="after-outage")

    # The same key works once the gateway is back: the failure was not remembered.
    created = create(harness.gateway, order, key="after-outage")
    assert harness.gateway.retrieve_session(created.id).status == "open"


# -- refunds (SPEC §8) -----------------------------------------------------------

def paid_intent(harness):
    order = make_order()
    created = create(harness.gateway, order)
    harness.pay(created.id)
    return order, harness.gateway.retrieve_session(created.id)


def test_a_refund_of_part_of_a_payment_answers_its_id_amount_and_status(harness):
    order, state = paid_intent(harness)
    news = harness.gateway.refund(state.payment_intent, 500, "requested_by_customer",
                                  f"refund-{order.id}-1", order_id=order.id)
    assert news.id.startswith("re_") and (news.amount, news.status) == (500, "succeeded")


def test_a_refund_key_used_twice_refunds_once(harness):
    order, state = paid_intent(harness)
    first = harness.gateway.refund(state.payment_intent, 500, "duplicate", "same-key",
                                   order_id=order.id)
    again = harness.gateway.refund(state.payment_intent, 500, "duplicate", "same-key",
                                   order_id=order.id)
    assert first.id == again.id


def test_a_refund_of_more_than_remains_is_refused(harness):
    order, state = paid_intent(harness)
    harness.gateway.refund(state.payment_intent, state.amount_total, "duplicate", "k1",
                           order_id=order.id)
    with pytest.raises(GatewayError):
        harness.gateway.refund(state.payment_intent, 1, "duplicate", "k2", order_id=order.id)
