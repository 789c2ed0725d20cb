"""The admin's refund use case (SPEC §10) with the in-memory fakes and the
working FakeGateway, whose signed refund events go through the webhook path."""

import pytest

from orderflow.domain.errors import Refused, ValidationFailed
from orderflow.domain.order import Status
from orderflow.services.refunds import refund_key, request_refund

from .test_services import T0, World


@pytest.fixture
def world():
    return World()


def paid_world(world):
    started = world.checkout()
    world.deliver(world.gateway.pay(started.session_id))
    return started


def test_an_admin_refund_is_pending_until_the_gateway_confirms_it(world):
    paid_world(world)
    world.gateway.refund_status = "pending"
    outcome = request_refund(world.orders, world.gateway, "ord_1", 1000,
                             "requested_by_customer", "alice", T0)
    order = world.orders.get("ord_1")
    assert outcome.applied and order.status == Status.PAID
    [refund] = order.payment.refunds
    assert (refund.amount, refund.status, refund.requested_by) == (1000, "pending", "alice")
    assert "alice" in order.history[-1].note
    # The gateway's own news of the same refund is counted once.
    world.deliver(world.gateway.undelivered)
    world.deliver(world.gateway.succeed_refund(refund.id))
    order = world.orders.get("ord_1")
    assert order.status == Status.PARTIALLY_REFUNDED
    assert order.payment.amount_refunded == 1000


def test_an_admin_refund_larger_than_what_remains_is_refused_and_nothing_is_sent(world):
    paid_world(world)
    request_refund(world.orders, world.gateway, "ord_1", 2500, "duplicate", "alice", T0)
    with pytest.raises(Refused, match=r"more than what remains refundable .*\(500 eur\)"):
        request_refund(world.orders, world.gateway, "ord_1", 501, "duplicate", "alice", T0)
    assert len(world.orders.get("ord_1").payment.refunds) == 1
    assert len(world.gateway.undelivered) == 2  # the first refund's two events only


def test_a_repeated_refund_request_sends_the_same_idempotency_key(world):
    paid_world(world)
    order = world.orders.get("ord_1")
    assert refund_key(order, order.payment, 700) == refund_key(order, order.payment, 700)
    assert refund_key(order, order.payment, 700) != refund_key(order, order.payment, 701)


def test_the_duplicate_payment_can_be_refunded_whole(world):
    started = paid_world(world)
    retried = world.gateway.create_session(world.orders.get("ord_1"), 2, "s", "c", 0, "k2")
    world.deliver(world.gateway.pay(retried.id))
    order = world.orders.get("ord_1")
    [duplicate] = order.duplicate_payments
    request_refund(world.orders, world.gateway, "ord_1", 3000, "duplicate", "alice", T0,
                   payment_intent=duplicate.payment_intent)
    world.deliver(world.gateway.undelivered)
    order = world.orders.get("ord_1")
    assert order.status == Status.PAID and not order.needs_refund
    assert started.session_id == order.payment.session_id


@pytest.mark.parametrize("amount", [0, -5, "100", 10.5])
def test_an_admin_refund_of_no_amount_is_invalid(world, amount):
    paid_world(world)
    with pytest.raises(ValidationFailed):
        request_refund(world.orders, world.gateway, "ord_1", amount, "duplicate", "alice", T0)


def test_an_unpaid_order_cannot_be_refunded(world):
    world.checkout()
    with pytest.raises(Refused):
        request_refund(world.orders, world.gateway, "ord_1", 100, "duplicate", "alice", T0)
