"""Signed webhooks shaped wrong, through the app: 400 or 200, never 500 (SPEC §8, §12).

Each case is Stripe's own example object (tests/data) made to name a real
pending (or paid) order, with one field given another JSON type, signed
with the app's secret. The answer is 400 with nothing stored, or 200; and
afterwards the order's JSON, its customer page and its admin page still
render.
"""

import copy
import json
from pathlib import Path

import pytest

from tests.functional.conftest import stored_counts

OBJECTS = json.loads((Path(__file__).parent.parent / "data" / "stripe_objects.json")
                     .read_text())["resources"]
URL = "/api/payments/webhook"

WRONG = {"string": "declined", "list": ["x"], "number": 402, "float": 2.5, "true": True,
         "null": None, "object": {"id": 7}, "negative": -3, "long": "x" * 2000}

FIELDS = {
    "checkout.session.completed": ["id", "amount_total", "currency", "payment_status",
                                   "payment_intent", "metadata", "metadata.order_id",
                                   "client_reference_id"],
    "checkout.session.expired": ["id", "metadata"],
    "payment_intent.payment_failed": ["last_payment_error", "last_payment_error.message",
                                      "last_payment_error.code", "amount", "currency",
                                      "metadata"],
    "charge.refunded": ["amount_refunded", "payment_intent", "currency"],
    "charge.dispute.created": ["reason", "payment_intent", "amount"],
}
ENVELOPE = ["created", "livemode", "data.object"]
CASES = [(t, "data.object." + f, w) for t, fields in FIELDS.items() for f in fields
         for w in WRONG]
CASES += [("checkout.session.completed", f, w) for f in ENVELOPE for w in WRONG]


def event_for(shop, started, event_type):
    """Stripe's example object for this type, naming the order's session and intent."""
    order = shop.order(started["orderId"])
    session = shop.gateway.sessions[started["sessionId"]]
    kind = {"checkout": "checkout.session", "payment_intent": "payment_intent",
            "charge": "charge"}[event_type.split(".")[0]]
    if event_type.startswith("charge.dispute"):
        kind = "dispute"
    obj = copy.deepcopy(OBJECTS[kind])
    obj.update(metadata={"order_id": order.id}, currency=order.currency)
    intent = session.get("payment_intent") or "pi_malformed_1"
    if kind == "checkout.session":
        obj.update(id=session["id"], amount_total=order.total, payment_status="paid",
                   client_reference_id=order.id, payment_intent=intent)
    elif kind == "payment_intent":
        obj.update(id=intent, amount=order.total,
                   last_payment_error={"code": "card_declined", "message": "Declined."})
    else:
        obj.update(payment_intent=intent, amount=order.total)
        if kind == "charge":
            obj["amount_refunded"] = order.total
    event = copy.deepcopy(OBJECTS["event"])
    event.update(id=f"evt_malformed_{event_type}", type=event_type,
                 created=int(shop.gateway.clock()), data={"object": obj})
    return event


def put(document, dotted, value):
    *parents, last = dotted.split(".")
    for name in parents:
        document = document[name]
    document[last] = value


def deliver_malformed(shop, event_type, field, wrong):
    """One case on a new order of its own: what went wrong, or None."""
    started = shop.checkout().json
    if event_type.startswith("charge."):
        shop.deliver_all(shop.gateway.pay(started["sessionId"]))
    event = event_for(shop, started, event_type)
    put(event, field, WRONG[wrong])
    body = json.dumps(event).encode()
    before = stored_counts(shop)
    answer = shop.http.post(URL, body, expect_errors=True, headers={
        "Stripe-Signature": shop.gateway.sign(body), "Content-Type": "application/json"})
    if answer.status_int not in (200, 400):
        return f"answered {answer.status}"
    if answer.status_int == 400 and (answer.json["error"]["code"] != "invalid_webhook"
                                     or stored_counts(shop) != before):
        return "refused, but not as a webhook, or something was stored"
    order_id = started["orderId"]
    pages = [f"/api/orders/{order_id}", f"/checkout/success?session_id={started['sessionId']}",
             f"/admin/orders/{order_id}", "/admin/orders", "/admin/events"]
    broken = [page for page in pages if shop.http.get(page, expect_errors=True).status_int != 200]
    return f"answered {answer.status}, then failed to show {broken}" if broken else None


# One app (and one admin login) per event type; every case has its own order.
@pytest.mark.parametrize("event_type", sorted({t for t, _, _ in CASES}))
def test_signed_events_with_a_wrong_type_are_answered_400_or_200_never_500(admin, event_type):
    failures = {}
    for _, field, wrong in (case for case in CASES if case[0] == event_type):
        failure = deliver_malformed(admin, event_type, field, wrong)
        if failure:
            failures[f"{field}={wrong}"] = failure
    assert failures == {}


def test_a_signed_event_nested_a_hundred_thousand_deep_is_refused(shop):
    body = (b'{"id": "evt_deep", "object": "event", "type": "x", "data": {"object": '
            + b"[" * 100_000 + b"]" * 100_000 + b"}}")
    answer = shop.http.post(URL, body, status=400, headers={
        "Stripe-Signature": shop.gateway.sign(body), "Content-Type": "application/json"})
    assert answer.json["error"]["code"] == "invalid_webhook"
    assert stored_counts(shop)["events"] == 0
