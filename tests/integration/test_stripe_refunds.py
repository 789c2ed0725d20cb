"""StripeGateway.refund through the real SDK against the local Stripe stub:
Stripe's parameter names, the idempotency key, and Stripe's refusals."""

import pytest

from orderflow.domain.errors import GatewayError
from tests.integration.conftest import create, make_order


@pytest.fixture
def paid_intent(stripe_gateway, stub):
    order = make_order()
    created = create(stripe_gateway, order)
    session = stub.complete(created.id)
    return order, session["payment_intent"], session["amount_total"]


def test_a_refund_is_created_with_stripes_parameter_names_and_the_idempotency_key(
        stripe_gateway, stub, paid_intent):
    order, intent, _ = paid_intent
    news = stripe_gateway.refund(intent, 900, "requested_by_customer", "key-refund-1",
                                 order_id=order.id)

    [request] = stub.posts("/v1/refunds")
    assert request.fields == {"payment_intent": intent, "amount": "900",
                              "reason": "requested_by_customer",
                              "metadata[order_id]": order.id}
    assert request.headers["idempotency-key"] == "key-refund-1"
    assert (news.amount, news.status) == (900, "succeeded")
    assert news.id.startswith("re_")


def test_the_same_key_gets_the_same_refund_back(stripe_gateway, stub, paid_intent):
    order, intent, _ = paid_intent
    first = stripe_gateway.refund(intent, 900, "duplicate", "key-refund-2", order_id=order.id)
    again = stripe_gateway.refund(intent, 900, "duplicate", "key-refund-2", order_id=order.id)
    assert first == again
    assert len(stub.refunds) == 1


def test_a_refund_larger_than_what_remains_is_refused_in_stripes_words(
        stripe_gateway, paid_intent):
    order, intent, total = paid_intent
    with pytest.raises(GatewayError, match="greater than unrefunded amount"):
        stripe_gateway.refund(intent, total + 1, "duplicate", "key-refund-3", order_id=order.id)


def test_stripe_down_is_a_gateway_error(stripe_gateway, stub, paid_intent):
    order, intent, _ = paid_intent
    stub.fail_next(500)
    with pytest.raises(GatewayError, match="could not refund"):
        stripe_gateway.refund(intent, 100, "duplicate", "key-refund-4", order_id=order.id)
