"""Stripe's refund and dispute events, built from Stripe's own example
objects (tests/data/stripe_objects.json), translated into domain news."""

import copy
import json
from pathlib import Path

import pytest

from orderflow.adapters.stripe import events
from orderflow.domain.events import EventKind
from tests.integration.conftest import ORDER, stripe_event

OBJECTS = json.loads((Path(__file__).parent.parent / "data" / "stripe_objects.json")
                     .read_text())["resources"]


def stripe_object(name, **changes):
    obj = copy.deepcopy(OBJECTS[name])
    obj.update(changes)
    return obj


def translate(event_type, obj):
    return events.translate(stripe_event(event_type, obj))


@pytest.mark.parametrize("event_type", ["refund.created", "refund.updated", "refund.failed",
                                        "charge.refund.updated"])
def test_a_refund_event_is_news_of_one_refund_by_id(event_type):
    refund = stripe_object("refund", id="re_1", amount=900, status="failed",
                           payment_intent="pi_test_1", failure_reason="expired_or_canceled_card",
                           metadata={"order_id": ORDER})
    event = translate(event_type, refund)
    assert (event.kind, event.order_id, event.payment_intent) == (
        EventKind.REFUND_CHANGED, ORDER, "pi_test_1")
    [news] = event.refunds
    assert (news.id, news.amount, news.status, news.created) == ("re_1", 900, "failed",
                                                                 refund["created"])
    assert news.failure_reason == "expired_or_canceled_card"


def test_a_refund_made_in_the_dashboard_names_only_its_payment_intent():
    event = translate("refund.created", stripe_object("refund", payment_intent="pi_test_1"))
    assert (event.order_id, event.payment_intent) == (None, "pi_test_1")
    assert event.refunds[0].status == "succeeded"


def test_a_refunded_charge_carries_its_total_and_its_refunds_list():
    refund = stripe_object("refund", id="re_1", amount=40, status="succeeded")
    charge = stripe_object("charge", payment_intent="pi_test_1", amount_refunded=40,
                           refunded=False, metadata={"order_id": ORDER})
    charge["refunds"] = {"object": "list", "data": [refund], "has_more": False,
                         "url": "/v1/charges/ch/refunds"}
    event = translate("charge.refunded", charge)
    assert (event.kind, event.amount_refunded, event.order_id) == (
        EventKind.REFUNDED, 40, ORDER)
    assert [(r.id, r.amount) for r in event.refunds] == [("re_1", 40)]


@pytest.mark.parametrize("event_type,kind", [
    ("charge.dispute.created", EventKind.DISPUTE_OPENED),
    ("charge.dispute.updated", EventKind.DISPUTE_UPDATED),
    ("charge.dispute.funds_withdrawn", EventKind.DISPUTE_UPDATED),
    ("charge.dispute.funds_reinstated", EventKind.DISPUTE_UPDATED),
    ("charge.dispute.closed", EventKind.DISPUTE_CLOSED),
])
def test_dispute_events_carry_the_dispute(event_type, kind):
    dispute = stripe_object("dispute", payment_intent="pi_test_1", status="lost")
    event = translate(event_type, dispute)
    assert (event.kind, event.payment_intent) == (kind, "pi_test_1")
    assert (event.dispute.id, event.dispute.amount, event.dispute.reason,
            event.dispute.status) == (dispute["id"], 1000, "general", "lost")


@pytest.mark.parametrize("event_type", ["refund.updated", "charge.dispute.closed"])
@pytest.mark.parametrize("change", [{"id": 7}, {"amount": "900"}, {"status": ["failed"]},
                                    {"id": None}])
def test_a_refund_or_dispute_of_the_wrong_shape_is_left_unhandled(event_type, change):
    name = "refund" if event_type.startswith("refund") else "dispute"
    obj = stripe_object(name, **change)
    event = translate(event_type, obj)
    if name == "dispute" and "id" not in change:
        assert event.kind == EventKind.DISPUTE_CLOSED  # amount or status unknown: kept as None
    else:
        assert event.kind == EventKind.UNHANDLED


@pytest.mark.parametrize("amount", [-1, -900, True])
def test_a_refund_with_a_negative_or_boolean_amount_is_no_news(amount):
    event = translate("refund.updated", stripe_object("refund", amount=amount))
    assert event.kind == EventKind.UNHANDLED


def test_a_currency_that_is_not_a_code_is_dropped():
    charge = stripe_object("charge", currency="EUR\n", amount_refunded=10)
    assert translate("charge.refunded", charge).currency is None
