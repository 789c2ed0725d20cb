"""SPEC §2 once money arrives: review, duplicates, refunds, disputes, no regression,
and the history every event leaves."""

import pytest

from orderflow.domain.events import EventKind, Source
from orderflow.domain.order import Status

from .orders import (
    TOTAL, apply, at, dispute, event, expired, failed, new_order, paid, processing, refunded,
)


# -- mismatch -> needs_review ----------------------------------------------------

@pytest.mark.parametrize("amount,currency", [(TOTAL - 1, "eur"), (TOTAL, "usd"), (None, None)])
def test_a_payment_that_does_not_match_the_order_needs_review_and_is_never_paid(
        amount, currency):
    order = new_order()
    outcome = apply(order, paid(amount=amount, currency=currency))
    assert outcome.applied and order.status == Status.NEEDS_REVIEW
    assert "expected 3000 eur" in order.review_reason
    assert order.payment is not None


@pytest.mark.parametrize("before", ["failed", "cancelled", "expired"])
def test_a_mismatching_payment_of_any_unpaid_order_needs_review(before):
    order = new_order()
    if before == "failed":
        apply(order, failed())
    elif before == "cancelled":
        order.cancel(at(1))
    else:
        apply(order, expired())
    apply(order, paid(currency="usd"), minutes=2)
    assert order.status == Status.NEEDS_REVIEW


def test_a_second_payment_while_in_review_is_recorded_as_a_duplicate():
    order = new_order()
    apply(order, paid(amount=1))
    second = paid("cs_2", intent="pi_2")
    assert apply(order, second, minutes=2).applied
    assert order.status == Status.NEEDS_REVIEW
    assert [p.payment_intent for p in order.duplicate_payments] == ["pi_2"]


# -- second payment -> duplicate flag ----------------------------------------------

def test_a_second_payment_from_another_session_is_a_duplicate_that_needs_a_refund():
    order = new_order()
    apply(order, paid("cs_1", intent="pi_1"))
    outcome = apply(order, paid("cs_2", intent="pi_2"), minutes=2)
    assert outcome.applied and "duplicate" in outcome.note
    assert order.status == Status.PAID
    assert order.payment.payment_intent == "pi_1"
    assert [p.payment_intent for p in order.duplicate_payments] == ["pi_2"]
    assert order.needs_refund
    assert set(order.payment_intents()) == {"pi_1", "pi_2"}


@pytest.mark.parametrize("again", [
    dict(session_id="cs_1", intent="pi_1"),
    dict(session_id="cs_1", intent=None),  # the landing page may not know the intent
    dict(session_id=None, intent="pi_1"),
])
def test_the_same_payment_learnt_twice_is_ignored(again):
    order = new_order()
    apply(order, paid())
    outcome = apply(order, paid(again["session_id"], intent=again["intent"]), minutes=2)
    assert not outcome.applied and "already recorded" in outcome.note
    assert order.status == Status.PAID and order.duplicate_payments == []


# -- refunds -----------------------------------------------------------------

def test_refunds_are_partial_then_full_by_the_cumulative_amount_refunded():
    order = new_order()
    apply(order, paid())
    apply(order, refunded(1000), minutes=2)
    assert order.status == Status.PARTIALLY_REFUNDED
    assert order.payment.amount_refunded == 1000
    apply(order, refunded(TOTAL), minutes=3)
    assert order.status == Status.REFUNDED
    assert order.payment.amount_refunded == TOTAL


def test_a_full_refund_at_once_makes_the_order_refunded():
    order = new_order()
    apply(order, paid())
    apply(order, refunded(TOTAL), minutes=2)
    assert order.status == Status.REFUNDED


def test_a_stale_refund_arriving_after_a_larger_one_is_ignored():
    order = new_order()
    apply(order, paid())
    apply(order, refunded(2000), minutes=2)
    outcome = apply(order, refunded(1000), minutes=3)
    assert not outcome.applied and order.payment.amount_refunded == 2000
    assert order.status == Status.PARTIALLY_REFUNDED
    assert not apply(order, refunded(2000), minutes=4).applied


def test_a_refund_of_an_unpaid_order_is_ignored():
    order = new_order()
    assert not apply(order, refunded(100)).applied
    assert order.status == Status.PENDING


def test_refunding_the_duplicate_payment_does_not_change_the_status():
    order = new_order()
    apply(order, paid("cs_1", intent="pi_1"))
    apply(order, paid("cs_2", intent="pi_2"), minutes=2)
    outcome = apply(order, refunded(TOTAL, intent="pi_2"), minutes=3)
    assert outcome.applied and order.status == Status.PAID
    assert order.duplicate_payments[0].amount_refunded == TOTAL
    assert order.payment.amount_refunded == 0
    assert not order.needs_refund
    assert not apply(order, refunded(TOTAL, intent="pi_2"), minutes=4).applied


# -- dispute -----------------------------------------------------------------

@pytest.mark.parametrize("partial", [False, True])
def test_a_dispute_on_a_paid_or_partially_refunded_order_makes_it_disputed(partial):
    order = new_order()
    apply(order, paid())
    if partial:
        apply(order, refunded(100), minutes=2)
    assert apply(order, dispute(), minutes=3).applied
    assert order.status == Status.DISPUTED and order.dispute_reason == "fraudulent"


def test_a_dispute_on_an_unpaid_order_is_ignored():
    order = new_order()
    assert not apply(order, dispute()).applied
    assert order.status == Status.PENDING


# -- no regression, ever ---------------------------------------------------

@pytest.mark.parametrize("late", ["failed", "expired", "processing"])
@pytest.mark.parametrize("state", [Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED,
                                   Status.DISPUTED, Status.NEEDS_REVIEW])
def test_a_paid_order_stays_paid_on_late_bad_news_and_the_history_says_ignored(late, state):
    order = new_order()
    apply(order, paid(amount=1 if state == Status.NEEDS_REVIEW else TOTAL))
    if state == Status.PARTIALLY_REFUNDED:
        apply(order, refunded(100), minutes=2)
    if state == Status.REFUNDED:
        apply(order, refunded(TOTAL), minutes=2)
    if state == Status.DISPUTED:
        apply(order, dispute(), minutes=2)
    e = {"failed": failed, "expired": expired, "processing": processing}[late]()
    outcome = apply(order, e, minutes=5)
    assert not outcome.applied and order.status == state
    entry = order.history[-1]
    assert entry.event_id == e.id and not entry.applied
    assert entry.note.startswith("ignored")
    assert entry.from_status == entry.to_status == state


def test_a_cancel_reaching_a_paid_order_is_ignored_and_kept_in_the_history():
    order = new_order()
    apply(order, paid())
    outcome = order.cancel(at(5), Source.CUSTOMER)
    assert not outcome.applied and order.status == Status.PAID
    entry = order.history[-1]
    assert entry.event_type == "order.cancel" and entry.note.startswith("ignored")
    assert (entry.from_status, entry.to_status, entry.source) == ("paid", "paid", "customer")


# -- history -------------------------------------------------------------------

def test_every_event_with_an_id_is_in_the_history_with_source_id_type_and_transition():
    order = new_order()
    e1, e2, e3 = failed(), paid(), failed()
    apply(order, e1, minutes=1, source=Source.WEBHOOK)
    apply(order, e2, minutes=2, source=Source.RECONCILIATION)
    apply(order, e3, minutes=3, source=Source.WEBHOOK)
    got = [(h.source, h.event_id, h.event_type, h.from_status, h.to_status, h.applied, h.at)
           for h in order.history[1:]]
    assert got == [
        ("webhook", e1.id, "payment_intent.payment_failed", "pending", "failed", True, at(1)),
        ("reconciliation", e2.id, "checkout.session.completed", "failed", "paid", True, at(2)),
        ("webhook", e3.id, "payment_intent.payment_failed", "paid", "paid", False, at(3)),
    ]


def test_an_unhandled_event_type_is_kept_in_the_history_as_ignored():
    order = new_order()
    outcome = apply(order, event(EventKind.UNHANDLED))
    assert not outcome.applied and order.history[-1].note == "ignored: event type not handled"


def test_news_without_an_id_that_changes_nothing_leaves_no_history_entry():
    order = new_order()
    apply(order, paid(event_id=None), source=Source.LANDING_PAGE)
    length = len(order.history)
    assert order.history[-1].source == "landing page" and order.history[-1].event_id is None
    outcome = apply(order, paid(event_id=None), minutes=2, source=Source.LANDING_PAGE)
    assert not outcome.applied and len(order.history) == length
    assert order.date_modified == at(1)
