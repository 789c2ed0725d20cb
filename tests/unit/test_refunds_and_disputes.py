"""SPEC §8: refunds counted once by id in any order, failed refunds taken
back, disputes to their end, fund movements in the history only."""

import pytest

from orderflow.domain.order import Status
from orderflow.domain.refunds import RefundNews, refundable, refund_requested

from .orders import (
    TOTAL, apply, dispute, dispute_closed, dispute_funds, new_order, paid, refund, refunded,
    stamp,
)


def paid_order():
    order = new_order()
    apply(order, paid("cs_1", intent="pi_1"))
    return order


# -- refunds by id ---------------------------------------------------------------

def test_a_refund_known_by_id_and_the_charge_total_are_counted_once():
    order = paid_order()
    apply(order, refund("re_1", 1000, "succeeded", created=stamp(2), at=stamp(2)), minutes=2)
    apply(order, refunded(1000, created=stamp(3)), minutes=3)
    assert order.payment.amount_refunded == 1000
    assert order.status == Status.PARTIALLY_REFUNDED


def test_the_charge_total_first_then_the_refund_by_id_is_still_counted_once():
    order = paid_order()
    apply(order, refunded(1000, created=stamp(3)), minutes=3)
    apply(order, refund("re_1", 1000, "succeeded", created=stamp(2), at=stamp(2)), minutes=4)
    assert order.payment.amount_refunded == 1000


def test_a_pending_refund_leaves_the_status_until_the_gateway_confirms_it():
    order = paid_order()
    apply(order, refund("re_1", 1000, "pending", created=stamp(2), at=stamp(2)), minutes=2)
    assert order.status == Status.PAID
    assert order.payment.amount_refunded == 0
    assert refundable(order.payment) == TOTAL - 1000
    apply(order, refund("re_1", 1000, "succeeded", created=stamp(2), at=stamp(3)), minutes=3)
    assert order.status == Status.PARTIALLY_REFUNDED
    assert order.payment.amount_refunded == 1000


def test_a_refund_that_fails_after_it_succeeded_takes_the_order_back_to_paid():
    order = paid_order()
    apply(order, refund("re_1", TOTAL, "succeeded", created=stamp(2), at=stamp(2)), minutes=2)
    assert order.status == Status.REFUNDED
    outcome = apply(order, refund("re_1", TOTAL, "failed", created=stamp(2), at=stamp(5)),
                    minutes=5)
    assert outcome.applied
    assert (order.status, order.payment.amount_refunded) == (Status.PAID, 0)
    assert refundable(order.payment) == TOTAL


def test_a_failed_refund_lowers_the_amount_first_learnt_from_the_charge_total():
    order = paid_order()
    apply(order, refunded(TOTAL, created=stamp(3)), minutes=3)
    assert order.status == Status.REFUNDED
    apply(order, refund("re_1", TOTAL, "failed", created=stamp(2), at=stamp(6)), minutes=6)
    assert (order.status, order.payment.amount_refunded) == (Status.PAID, 0)


def test_news_of_a_failure_before_the_creation_leaves_the_refund_failed():
    order = paid_order()
    apply(order, refund("re_1", 1000, "failed", created=stamp(2), at=stamp(4)), minutes=2)
    late = apply(order, refund("re_1", 1000, "pending", created=stamp(2), at=stamp(2)),
                 minutes=3)
    assert not late.applied
    assert [r.status for r in order.payment.refunds] == ["failed"]
    assert order.status == Status.PAID


def test_a_dashboard_refund_known_only_from_the_charge_counts_beside_refunds_by_id():
    order = paid_order()
    apply(order, refund("re_1", 500, "succeeded", created=stamp(2), at=stamp(2)), minutes=2)
    # The charge shows 1500: 500 of re_1 and 1000 made in Stripe's dashboard.
    apply(order, refunded(1500, created=stamp(4)), minutes=4)
    assert order.payment.amount_refunded == 1500
    assert refundable(order.payment) == TOTAL - 1500


def test_an_older_charge_total_arriving_late_is_ignored():
    order = paid_order()
    apply(order, refunded(2000, created=stamp(5)), minutes=5)
    outcome = apply(order, refunded(1000, created=stamp(3)), minutes=6)
    assert not outcome.applied
    assert order.payment.amount_refunded == 2000


def test_a_refund_of_the_duplicate_payment_is_kept_on_it_and_leaves_the_status():
    order = paid_order()
    apply(order, paid("cs_2", intent="pi_2"), minutes=2)
    outcome = apply(order, refund("re_9", TOTAL, "succeeded", intent="pi_2", created=stamp(3),
                                  at=stamp(3)), minutes=3)
    assert outcome.applied and "duplicate" in outcome.note
    assert order.status == Status.PAID
    assert order.duplicate_payments[0].amount_refunded == TOTAL
    assert not order.needs_refund


def test_a_refund_we_requested_is_pending_and_counts_against_what_remains():
    order = paid_order()
    applied, note = refund_requested(order, order.payment,
                                     RefundNews("re_1", 1000, "pending", created=stamp(2)),
                                     admin="alice")
    assert applied and order.status == Status.PAID
    [kept] = order.payment.refunds
    assert (kept.requested_by, kept.status) == ("alice", "pending")
    assert refundable(order.payment) == TOTAL - 1000


# -- disputes -------------------------------------------------------------------

@pytest.mark.parametrize("closed_as", ["won", "warning_closed"])
def test_a_dispute_closed_in_our_favour_gives_back_the_status_before_it(closed_as):
    order = paid_order()
    apply(order, refund("re_1", 500, "succeeded", created=stamp(2), at=stamp(2)), minutes=2)
    apply(order, dispute(status="warning_needs_response"), minutes=3)
    assert order.status == Status.DISPUTED
    outcome = apply(order, dispute_closed(closed_as), minutes=4)
    assert outcome.applied
    assert order.status == Status.PARTIALLY_REFUNDED
    assert order.disputes[0].closed and order.disputes[0].status == closed_as


def test_a_lost_dispute_ends_in_dispute_lost_with_amount_and_reason_kept():
    order = paid_order()
    apply(order, dispute(reason="fraudulent"), minutes=2)
    apply(order, dispute_closed("lost", amount=TOTAL, reason="fraudulent"), minutes=3)
    assert order.status == Status.DISPUTE_LOST
    [lost] = order.disputes
    assert (lost.amount, lost.reason, lost.status) == (TOTAL, "fraudulent", "lost")


def test_a_lost_dispute_whose_opening_never_came_still_ends_in_dispute_lost():
    order = paid_order()
    apply(order, dispute_closed("lost"), minutes=3)
    assert order.status == Status.DISPUTE_LOST


def test_dispute_fund_movements_go_into_the_history_only():
    order = paid_order()
    apply(order, dispute(), minutes=2)
    for kind in ("charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated",
                 "charge.dispute.updated"):
        outcome = apply(order, dispute_funds(kind), minutes=3)
        assert outcome.applied and outcome.from_status == outcome.to_status == Status.DISPUTED
    assert "funds withdrawn" in order.history[-3].note


def test_a_second_close_and_a_repeated_opening_change_nothing():
    order = paid_order()
    apply(order, dispute(), minutes=2)
    assert not apply(order, dispute(), minutes=3).applied
    apply(order, dispute_closed("won"), minutes=4)
    assert not apply(order, dispute_closed("lost"), minutes=5).applied
    assert order.status == Status.PAID


def test_a_refund_during_a_dispute_keeps_it_disputed_and_counts_when_won():
    order = paid_order()
    apply(order, dispute(), minutes=2)
    apply(order, refund("re_1", 1000, "succeeded", created=stamp(3), at=stamp(3)), minutes=3)
    assert order.status == Status.DISPUTED
    apply(order, dispute_closed("won"), minutes=4)
    assert order.status == Status.PARTIALLY_REFUNDED


def test_a_dispute_of_the_duplicate_payment_leaves_the_order_status():
    order = paid_order()
    apply(order, paid("cs_2", intent="pi_2"), minutes=2)
    apply(order, dispute(intent="pi_2", dispute_id="dp_2"), minutes=3)
    apply(order, dispute_closed("lost", intent="pi_2", dispute_id="dp_2"), minutes=4)
    assert order.status == Status.PAID
