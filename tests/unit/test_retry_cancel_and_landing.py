"""retry_checkout, cancel_order and land (the success page), with the fakes.

A refusal is the use case's answer, not an exception: news learnt from the
gateway on the way stays applied, for the caller to commit.
"""

from datetime import timedelta

import pytest

from orderflow.domain.errors import CancelRefused, GatewayError, NotFound, RetryRefused
from orderflow.domain.events import Source
from orderflow.domain.order import CustomerView, Status
from orderflow.services import cancel_order, get_order_by_session, land, retry_checkout

from .test_services import T0, World


@pytest.fixture
def world():
    return World()


def retry(world, minutes=0, **kw):
    return retry_checkout(world.orders, world.gateway, world.settings, "ord_1",
                          T0 + timedelta(minutes=minutes), **kw)


def cancel(world, source=Source.CUSTOMER, **kw):
    return cancel_order(world.orders, world.gateway, "ord_1", T0, source, **kw)


# -- retry_checkout ----------------------------------------------------------

def test_retry_expires_the_old_session_and_the_old_id_still_finds_the_order(world):
    old = world.checkout().session_id
    world.deliver(world.gateway.decline(old))
    result = retry(world, minutes=5)
    started = result.started
    assert result.refused is None
    assert started.session_id != old and world.gateway.created_calls == 2
    assert world.gateway.sessions[old]["status"] == "expired"
    assert world.gateway.sessions[started.session_id]["metadata"]["attempt"] == "2"
    order = world.orders.get("ord_1")
    assert order.status == Status.PENDING and order.session_id == started.session_id
    assert [s.id for s in order.sessions] == [old, started.session_id]
    assert get_order_by_session(world.orders, old).id == "ord_1"
    assert world.orders.by_session(started.session_id).id == "ord_1"


def test_retry_when_the_old_session_was_paid_meanwhile_records_the_payment_and_refuses(world):
    old = world.checkout().session_id
    world.gateway.pay(old)  # the webhook has not arrived yet
    result = retry(world)
    assert result.started is None
    assert isinstance(result.refused, RetryRefused)
    assert result.refused.reason == (
        "a payment for this order is already completed: the order is paid")
    order = world.orders.get("ord_1")
    assert order.status == Status.PAID and order.payment.session_id == old
    assert order.history[-1].source == Source.RETRY
    assert world.gateway.created_calls == 1
    assert world.orders.by_payment_intent(order.payment.payment_intent).id == "ord_1"


def test_retry_when_an_async_payment_started_meanwhile_awaits_it_and_refuses(world):
    old = world.checkout().session_id
    world.gateway.pay_async(old)
    result = retry(world)
    assert result.refused.reason == "a payment for this order is already processing"
    order = world.orders.get("ord_1")
    assert order.awaiting_payment and order.status == Status.PENDING
    again = retry(world)
    assert isinstance(again.refused, RetryRefused) and again.started is None
    assert world.gateway.created_calls == 1


def test_retry_that_finds_the_old_session_paid_clears_the_ordered_cart_lines(world):
    old = world.checkout().session_id
    late = world.gateway.pay(old)
    assert retry(world, carts=world.carts).refused is not None
    assert world.orders.get("ord_1").status == Status.PAID
    assert world.carts.lines("cart_1") == {"book": 1}
    world.deliver(late)  # the webhook, late, finds the payment known
    assert world.carts.lines("cart_1") == {"book": 1}


def test_retry_after_an_unannounced_async_failure_records_it_and_opens_a_new_session(world):
    old = world.checkout().session_id
    world.gateway.pay_async(old)
    world.gateway.settle_async(old, succeeded=False)  # neither webhook has come
    started = retry(world, carts=world.carts).started
    assert started is not None and started.session_id != old
    order = world.orders.get("ord_1")
    assert order.status == Status.PENDING and not order.awaiting_payment
    assert order.session(old).payment_failed
    assert [(h.source, h.to_status) for h in order.history[-2:]] == [
        (Source.RETRY, Status.FAILED), (Source.RETRY, Status.PENDING)]
    assert world.carts.lines("cart_1") == {"mug": 2, "tea": 1, "book": 1}


def test_the_webhooks_of_an_async_failure_found_by_a_retry_change_nothing_later(world):
    old = world.checkout().session_id
    late = world.gateway.pay_async(old) + world.gateway.settle_async(old, succeeded=False)
    new = retry(world).started.session_id
    outcomes = world.deliver(late)
    assert [o.outcome for o in outcomes] == ["ignored", "ignored"]
    order = world.orders.get("ord_1")
    assert order.status == Status.PENDING and not order.awaiting_payment
    assert order.session_id == new


def test_retry_of_a_paid_order_is_refused_without_asking_the_gateway(world):
    world.deliver(world.gateway.pay(world.checkout().session_id))
    before = world.orders.get("ord_1")
    world.gateway.fail_next = 1  # any call to the gateway would fail
    result = retry(world)
    assert isinstance(result.refused, RetryRefused) and result.started is None
    assert world.orders.get("ord_1") == before
    assert world.gateway.created_calls == 1


def test_retry_of_an_unknown_order_is_not_found(world):
    with pytest.raises(NotFound):
        retry_checkout(world.orders, world.gateway, world.settings, "ord_nope", T0)


# -- cancel_order ------------------------------------------------------------

def test_cancel_expires_the_session_at_the_gateway_and_keeps_the_cart(world):
    sid = world.checkout().session_id
    result = cancel(world)
    assert result.cancelled and result.refused is None
    assert result.order.status == Status.CANCELLED
    assert world.orders.get("ord_1").status == Status.CANCELLED
    assert world.gateway.sessions[sid]["status"] == "expired"
    assert world.carts.lines("cart_1") == {"mug": 2, "tea": 1, "book": 1}


def test_cancel_when_the_session_was_paid_meanwhile_leaves_the_order_paid_and_refuses(world):
    sid = world.checkout().session_id
    world.gateway.pay(sid)
    result = cancel(world)
    assert not result.cancelled and isinstance(result.refused, CancelRefused)
    assert "the order is paid" in result.refused.reason
    assert world.orders.get("ord_1").status == Status.PAID


def test_cancel_that_finds_the_session_paid_clears_the_ordered_cart_lines(world):
    world.gateway.pay(world.checkout().session_id)
    assert cancel(world, carts=world.carts).refused is not None
    assert world.carts.lines("cart_1") == {"book": 1}


def test_cancel_after_an_unannounced_async_failure_cancels_the_order(world):
    sid = world.checkout().session_id
    world.gateway.pay_async(sid)
    world.gateway.settle_async(sid, succeeded=False)
    result = cancel(world, carts=world.carts)
    assert result.cancelled
    assert world.orders.get("ord_1").status == Status.CANCELLED
    assert world.carts.lines("cart_1") == {"mug": 2, "tea": 1, "book": 1}


def test_cancel_while_an_async_payment_processes_is_refused_and_keeps_what_it_learnt(world):
    sid = world.checkout().session_id
    world.gateway.pay_async(sid)  # its webhook has not come
    result = cancel(world)
    assert result.refused.reason == "a payment for this order is already processing"
    assert world.orders.get("ord_1").awaiting_payment


def test_cancel_of_a_paid_order_changes_nothing_but_is_in_the_history(world):
    world.deliver(world.gateway.pay(world.checkout().session_id))
    result = cancel(world, Source.ADMIN)
    stored = world.orders.get("ord_1")
    assert result.order.status == stored.status == Status.PAID
    assert isinstance(result.refused, CancelRefused)
    assert stored.history[-1].note.startswith("ignored") and stored.history[-1].source == "admin"


def test_cancel_of_an_expired_order_is_done_already_and_changes_nothing(world):
    world.deliver(world.gateway.expire(world.checkout().session_id))
    before, saves = world.orders.get("ord_1"), world.orders.saves
    result = cancel(world)
    assert result.refused is None and not result.cancelled
    assert world.orders.get("ord_1") == before and before.status == Status.EXPIRED
    assert world.orders.saves == saves


def test_cancel_twice_is_refused_the_second_time(world):
    world.checkout()
    assert cancel(world).cancelled
    again = cancel(world)
    assert isinstance(again.refused, CancelRefused) and not again.cancelled


# -- land (the success page) -------------------------------------------------

def test_landing_learns_a_payment_before_its_webhook_and_shows_it_paid(world):
    sid = world.checkout().session_id
    world.gateway.pay(sid)
    landing = land(world.orders, world.gateway, sid, T0, carts=world.carts)
    assert (landing.view, landing.keep_polling) == (CustomerView.PAID, False)
    assert world.orders.get("ord_1").history[-1].source == Source.LANDING_PAGE
    assert world.carts.lines("cart_1") == {"book": 1}


def test_landing_after_a_decline_then_a_payment_shows_paid_not_the_old_failure(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.decline(sid))
    assert world.orders.get("ord_1").status == Status.FAILED
    world.gateway.pay(sid)  # the same session, another card; no webhook yet
    landing = land(world.orders, world.gateway, sid, T0)
    assert landing.view == CustomerView.PAID and not landing.keep_polling


def test_landing_after_a_decline_then_a_bank_debit_confirms_and_polls(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.decline(sid))
    world.gateway.pay_async(sid)
    landing = land(world.orders, world.gateway, sid, T0)
    assert (landing.view, landing.keep_polling) == (CustomerView.CONFIRMING, True)
    assert landing.order.awaiting_payment


def test_landing_on_a_declined_order_whose_session_is_still_open_shows_the_failure(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.decline(sid))
    landing = land(world.orders, world.gateway, sid, T0)
    assert (landing.view, landing.keep_polling) == (CustomerView.FAILED, False)


def test_landing_when_the_gateway_cannot_be_asked_never_shows_a_failure(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.decline(sid))
    world.gateway.pay(sid)
    world.gateway.fail_next = 1
    landing = land(world.orders, world.gateway, sid, T0)
    assert (landing.view, landing.keep_polling) == (CustomerView.CONFIRMING, True)
    assert landing.gateway_error and landing.order.status == Status.FAILED


def test_landing_after_an_async_payment_failed_shows_the_failure(world):
    sid = world.checkout().session_id
    world.gateway.pay_async(sid)
    world.gateway.settle_async(sid, succeeded=False)
    landing = land(world.orders, world.gateway, sid, T0)
    assert (landing.view, landing.keep_polling) == (CustomerView.FAILED, False)
    assert landing.order.failure.code == "async_payment_failed"


def test_landing_on_a_paid_order_does_not_ask_the_gateway(world):
    sid = world.checkout().session_id
    world.deliver(world.gateway.pay(sid))
    world.gateway.fail_next = 1
    landing = land(world.orders, world.gateway, sid, T0)
    assert landing.view == CustomerView.PAID and landing.gateway_error is None
    with pytest.raises(GatewayError):
        world.gateway.retrieve_session(sid)  # the failure was still waiting


def test_landing_with_a_session_no_order_has_is_not_found(world):
    with pytest.raises(NotFound):
        land(world.orders, world.gateway, "cs_nope", T0)
