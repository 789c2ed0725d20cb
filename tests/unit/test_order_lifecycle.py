"""SPEC §2 up to the payment: new, paid, async, failed, expired, cancel, retry."""

import pytest

from orderflow.domain.errors import CancelRefused, Refused
from orderflow.domain.events import Source
from orderflow.domain.order import Status

from .orders import (
    T0, TOTAL, apply, at, dispute, expired, failed, new_order, paid, processing, refunded,
    retry,
)


# -- (new) -> pending ------------------------------------------------------

def test_a_started_checkout_is_a_pending_order_with_a_snapshot_of_its_items():
    order = new_order()
    assert order.status == Status.PENDING
    assert order.total == TOTAL and order.currency == "eur"
    assert [(i.product_id, i.title, i.unit_amount, i.quantity) for i in order.items] == [
        ("mug", "Mug", 1250, 2), ("tea", "Tea", 500, 1)]
    assert order.session_id == "cs_1" and order.date_created == T0
    assert order.history[0].note == "checkout started"
    assert order.history[0].to_status == Status.PENDING


def test_order_ids_are_long_and_random():
    from orderflow.domain.order import new_order_id
    ids = {new_order_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) >= 24 for i in ids)


# -- payment succeeded -> paid -----------------------------------------------

def test_a_matching_payment_makes_a_pending_order_paid_and_records_it():
    order = new_order()
    outcome = apply(order, paid())
    assert outcome.applied and order.status == Status.PAID
    assert order.payment.amount_received == TOTAL and order.payment.currency == "eur"
    assert order.payment.payment_intent == "pi_1" and order.payment.session_id == "cs_1"
    assert order.payment.paid_at == at(1) and order.date_modified == at(1)
    assert order.current_session.state == "complete"


def test_a_failed_card_then_a_payment_in_the_same_session_makes_the_order_paid():
    order = new_order()
    apply(order, failed())
    assert order.status == Status.FAILED
    apply(order, paid(), minutes=2)
    assert order.status == Status.PAID and order.failure is None


@pytest.mark.parametrize("first", ["cancel", "expire"])
def test_a_late_payment_of_a_cancelled_or_expired_order_still_makes_it_paid(first):
    order = new_order()
    if first == "cancel":
        order.cancel(at(1))
    else:
        apply(order, expired())
    assert order.status in (Status.CANCELLED, Status.EXPIRED)
    apply(order, paid(), minutes=2)
    assert order.status == Status.PAID


# -- async payments ------------------------------------------------------------

def test_an_async_payment_keeps_the_order_pending_awaiting_payment_then_paid():
    order = new_order()
    outcome = apply(order, processing())
    assert outcome.applied and outcome.note == "awaiting payment"
    assert order.status == Status.PENDING and order.awaiting_payment
    apply(order, paid(), minutes=2)
    assert order.status == Status.PAID and not order.awaiting_payment


def test_an_async_payment_that_fails_makes_the_order_failed_with_the_reason():
    order = new_order()
    apply(order, processing())
    apply(order, failed(code="async_payment_failed", reason="It bounced."), minutes=2)
    assert order.status == Status.FAILED and not order.awaiting_payment
    assert (order.failure.code, order.failure.reason) == ("async_payment_failed", "It bounced.")


def test_a_bank_transfer_started_after_a_failed_card_is_awaited():
    order = new_order()
    apply(order, failed())
    apply(order, processing(), minutes=2)
    assert order.status == Status.PENDING and order.awaiting_payment


def test_the_same_processing_news_twice_is_ignored_the_second_time():
    order = new_order()
    apply(order, processing())
    assert not apply(order, processing(), minutes=2).applied
    assert order.status == Status.PENDING


# -- payment failed --------------------------------------------------------

def test_a_failed_payment_makes_a_pending_order_failed_keeping_code_and_reason():
    order = new_order()
    outcome = apply(order, failed(code="insufficient_funds", reason="No money."))
    assert outcome.applied and order.status == Status.FAILED
    assert order.failure.code == "insufficient_funds" and order.failure.reason == "No money."


# -- expiry ------------------------------------------------------------------

@pytest.mark.parametrize("fail_first", [False, True])
def test_the_current_session_expiring_makes_a_pending_or_failed_order_expired(fail_first):
    order = new_order()
    if fail_first:
        apply(order, failed())
    assert apply(order, expired(), minutes=2).applied
    assert order.status == Status.EXPIRED


def test_an_earlier_session_expiring_changes_nothing():
    order = new_order()
    retry(order, "cs_2")
    outcome = apply(order, expired("cs_1"), minutes=6)
    assert not outcome.applied and order.status == Status.PENDING
    assert "earlier session" in outcome.note
    assert order.history[-1].applied is False


def test_expiry_is_ignored_while_an_async_payment_is_processing():
    order = new_order()
    apply(order, processing())
    assert not apply(order, expired(), minutes=2).applied
    assert order.status == Status.PENDING


# -- cancel ------------------------------------------------------------------

@pytest.mark.parametrize("fail_first", [False, True])
def test_a_pending_or_failed_order_can_be_cancelled(fail_first):
    order = new_order()
    if fail_first:
        apply(order, failed())
    outcome = order.cancel(at(2), Source.ADMIN)
    assert outcome.applied and order.status == Status.CANCELLED
    assert order.current_session.state == "expired"
    assert order.history[-1].source == Source.ADMIN


def test_cancel_is_refused_while_an_async_payment_is_processing():
    order = new_order()
    apply(order, processing())
    with pytest.raises(Refused):
        order.cancel(at(2))
    assert order.status == Status.PENDING


def test_cancel_of_a_cancelled_order_is_refused():
    order = new_order()
    order.cancel(at(1))
    with pytest.raises(CancelRefused):
        order.cancel(at(2))
    assert len(order.history) == 2


def test_cancel_of_an_expired_order_is_done_already_and_changes_nothing():
    order = new_order()
    apply(order, expired())
    history = list(order.history)
    outcome = order.cancel(at(2))
    assert not outcome.applied and order.status == Status.EXPIRED
    assert order.history == history


# -- retry -------------------------------------------------------------------

@pytest.mark.parametrize("how", ["pending", "failed", "cancelled", "expired"])
def test_retry_gives_a_new_current_session_and_keeps_the_old_one(how):
    order = new_order()
    if how == "failed":
        apply(order, failed())
    elif how == "cancelled":
        order.cancel(at(1))
    elif how == "expired":
        apply(order, expired())
    retry(order, "cs_2")
    assert order.status == Status.PENDING
    assert order.session_id == "cs_2" and order.current_session.attempt == 2
    assert [s.id for s in order.sessions] == ["cs_1", "cs_2"]
    assert order.session("cs_1").state == "expired"
    assert order.history[-1].note == "retry: attempt 2"
    assert order.history[-1].from_status == how


def test_retry_is_refused_while_an_async_payment_is_processing():
    order = new_order()
    apply(order, processing())
    with pytest.raises(Refused):
        retry(order, "cs_2")
    assert order.session_id == "cs_1"


@pytest.mark.parametrize("status", [Status.PAID, Status.NEEDS_REVIEW, Status.REFUNDED,
                                    Status.DISPUTED])
def test_retry_is_refused_once_money_has_arrived(status):
    order = new_order()
    apply(order, paid(amount=1 if status == Status.NEEDS_REVIEW else TOTAL))
    if status == Status.REFUNDED:
        apply(order, refunded(TOTAL), minutes=2)
    if status == Status.DISPUTED:
        apply(order, dispute(), minutes=2)
    assert order.status == status
    with pytest.raises(Refused):
        order.check_can_retry()
    with pytest.raises(Refused):
        retry(order, "cs_2")
    assert len(order.sessions) == 1
