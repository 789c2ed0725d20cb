"""The questions pages, views and scripts ask an order (domain/questions.py)."""

import pytest

from orderflow.domain.errors import CancelRefused, RetryRefused
from orderflow.domain.events import SessionPayment, SessionState
from orderflow.domain.order import AdminAction, CustomerView, SessionStatus, Status

from .orders import (
    TOTAL, apply, async_failed, at, dispute, expired, failed, new_order, paid, processing,
    refunded, retry,
)


def in_status(status):
    """A new order brought to `status` the way the gateway would."""
    order = new_order()
    if status == Status.FAILED:
        apply(order, failed())
    elif status == Status.CANCELLED:
        order.cancel(at(1))
    elif status == Status.EXPIRED:
        apply(order, expired())
    elif status == Status.NEEDS_REVIEW:
        apply(order, paid(amount=1))
    elif status != Status.PENDING:
        apply(order, paid())
        if status == Status.PARTIALLY_REFUNDED:
            apply(order, refunded(1000), minutes=2)
        elif status == Status.REFUNDED:
            apply(order, refunded(TOTAL), minutes=2)
        elif status == Status.DISPUTED:
            apply(order, dispute(), minutes=2)
    assert order.status == status
    return order


def gateway(status, payment=SessionPayment.UNPAID, session_id="cs_1"):
    return SessionState(session_id=session_id, status=status, payment=payment)


UNPAID = [Status.PENDING, Status.FAILED, Status.CANCELLED, Status.EXPIRED]
MONEY_ARRIVED = [Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.DISPUTED,
                 Status.NEEDS_REVIEW]


# -- retry -------------------------------------------------------------------

@pytest.mark.parametrize("status", UNPAID)
def test_an_unpaid_order_can_be_retried(status):
    order = in_status(status)
    assert order.can_retry and order.retry_refusal() is None
    order.check_can_retry()


@pytest.mark.parametrize("status", MONEY_ARRIVED)
def test_an_order_that_money_reached_refuses_a_retry_saying_why(status):
    order = in_status(status)
    refusal = order.retry_refusal()
    assert not order.can_retry and isinstance(refusal, RetryRefused)
    assert "a payment for this order" in refusal.reason and "_" not in refusal.reason
    with pytest.raises(RetryRefused):
        order.check_can_retry()


def test_a_processing_payment_refuses_retry_and_cancel():
    order = new_order()
    apply(order, processing())
    assert order.retry_refusal().reason == "a payment for this order is already processing"
    assert order.cancel_refusal().reason == "a payment for this order is already processing"
    assert not order.can_retry and not order.can_cancel


# -- cancel ------------------------------------------------------------------

@pytest.mark.parametrize("status", [Status.PENDING, Status.FAILED])
def test_a_pending_or_failed_order_offers_cancel(status):
    order = in_status(status)
    assert order.can_cancel and order.cancel_refusal() is None


def test_an_expired_order_offers_no_cancel_but_a_cancel_is_not_refused():
    order = in_status(Status.EXPIRED)
    assert not order.can_cancel and order.cancel_refusal() is None


@pytest.mark.parametrize("status", MONEY_ARRIVED + [Status.CANCELLED])
def test_a_cancel_is_refused_once_paid_or_cancelled(status):
    order = in_status(status)
    assert not order.can_cancel and isinstance(order.cancel_refusal(), CancelRefused)


def test_a_cancelled_order_still_offers_a_retry_so_its_page_must_not_say_otherwise():
    order = in_status(Status.CANCELLED)
    assert order.can_retry and order.customer_view == CustomerView.CANCELLED


# -- refunds and admin actions -------------------------------------------------

@pytest.mark.parametrize("status,amount", [
    (Status.PAID, TOTAL), (Status.PARTIALLY_REFUNDED, TOTAL - 1000), (Status.REFUNDED, 0),
    (Status.DISPUTED, 0), (Status.NEEDS_REVIEW, 0), (Status.PENDING, 0), (Status.FAILED, 0),
])
def test_the_refundable_amount_is_what_was_paid_less_what_went_back(status, amount):
    assert in_status(status).refundable_amount == amount


@pytest.mark.parametrize("status,actions", [
    (Status.PENDING, {AdminAction.RECONCILE, AdminAction.CANCEL}),
    (Status.FAILED, {AdminAction.RECONCILE, AdminAction.CANCEL}),
    (Status.EXPIRED, {AdminAction.RECONCILE}),
    (Status.CANCELLED, {AdminAction.RECONCILE}),
    (Status.PAID, {AdminAction.RECONCILE, AdminAction.REFUND}),
    (Status.PARTIALLY_REFUNDED, {AdminAction.RECONCILE, AdminAction.REFUND}),
    (Status.REFUNDED, {AdminAction.RECONCILE}),
    (Status.DISPUTED, {AdminAction.RECONCILE}),
])
def test_an_admin_gets_the_actions_the_order_allows(status, actions):
    assert set(in_status(status).admin_actions) == actions


def test_an_admin_cannot_cancel_while_a_payment_processes():
    order = new_order()
    apply(order, processing())
    assert AdminAction.CANCEL not in order.admin_actions


def test_an_order_under_review_is_flagged_and_a_paid_one_is_not():
    order = in_status(Status.NEEDS_REVIEW)
    assert order.needs_review and not in_status(Status.PAID).needs_review


# -- what a customer sees ----------------------------------------------------

@pytest.mark.parametrize("status,view", [
    (Status.PENDING, CustomerView.CONFIRMING), (Status.FAILED, CustomerView.FAILED),
    (Status.CANCELLED, CustomerView.CANCELLED), (Status.EXPIRED, CustomerView.EXPIRED),
    (Status.PAID, CustomerView.PAID), (Status.PARTIALLY_REFUNDED, CustomerView.PAID),
    (Status.REFUNDED, CustomerView.PAID), (Status.DISPUTED, CustomerView.PAID),
    (Status.NEEDS_REVIEW, CustomerView.IN_REVIEW),
])
def test_a_customer_is_told_the_payment_story_by_status(status, view):
    assert in_status(status).customer_view == view


@pytest.mark.parametrize("state", [None, gateway(SessionStatus.OPEN),
                                   gateway(SessionStatus.COMPLETE, SessionPayment.PAID)])
def test_the_success_page_of_a_pending_order_keeps_polling(state):
    order = new_order()
    assert order.keep_polling("cs_1", state)
    assert order.landing_view("cs_1", state) == CustomerView.CONFIRMING


@pytest.mark.parametrize("payment", [SessionPayment.PAID, SessionPayment.PROCESSING])
def test_a_failed_order_whose_session_completed_with_a_payment_is_confirming(payment):
    order = in_status(Status.FAILED)  # an earlier card was declined
    state = gateway(SessionStatus.COMPLETE, payment)
    assert order.keep_polling("cs_1", state)
    assert order.landing_view("cs_1", state) == CustomerView.CONFIRMING


@pytest.mark.parametrize("state", [
    gateway(SessionStatus.OPEN),
    gateway(SessionStatus.EXPIRED),
    gateway(SessionStatus.COMPLETE, SessionPayment.FAILED),
])
def test_a_failure_is_shown_while_the_session_is_open_or_can_no_longer_be_paid(state):
    order = in_status(Status.FAILED)
    assert not order.keep_polling("cs_1", state)
    assert order.landing_view("cs_1", state) == CustomerView.FAILED


def test_a_failed_order_keeps_polling_when_the_gateway_could_not_be_asked():
    assert in_status(Status.FAILED).keep_polling("cs_1", None)


def test_a_failure_known_to_be_final_needs_no_gateway_to_be_shown():
    order = new_order()
    apply(order, async_failed())
    assert not order.keep_polling("cs_1", None)
    assert order.landing_view("cs_1", None) == CustomerView.FAILED


def test_the_page_of_an_earlier_session_shows_the_orders_failure():
    order = new_order()
    retry(order, "cs_2")
    apply(order, failed(), minutes=6)
    paid_earlier = gateway(SessionStatus.COMPLETE, SessionPayment.PROCESSING, "cs_1")
    assert not order.keep_polling("cs_1", paid_earlier)


@pytest.mark.parametrize("status", MONEY_ARRIVED + [Status.CANCELLED, Status.EXPIRED])
def test_a_settled_or_closed_order_never_polls(status):
    order = in_status(status)
    assert not order.keep_polling("cs_1", gateway(SessionStatus.COMPLETE, SessionPayment.PAID))
