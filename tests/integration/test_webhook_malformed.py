"""Signed events shaped wrong are refused or ignored, never a crash (SPEC §8, §12).

Every case starts from Stripe's own example objects (tests/data), wrapped
in an event, with one field the translator reads replaced by a value of
another JSON type, then signed the Stripe way. Each must be refused as
not a Stripe event (InvalidWebhook: a 400 in the app) or translated into an
event whose fields hold what the domain expects, which the domain can then
apply to an order without failing.
"""

import copy
from datetime import datetime, timezone
import json
from pathlib import Path

import pytest
import stripe

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.adapters.stripe import events, refund_events
from orderflow.domain.errors import InvalidWebhook
from orderflow.domain.events import EventKind, GatewayEvent
from orderflow.domain.money import is_currency
from tests.conftest import WEBHOOK_SECRET
from tests.integration.conftest import MUG, make_order

OBJECTS = json.loads((Path(__file__).parent.parent / "data" / "stripe_objects.json")
                     .read_text())["resources"]
ORDER = "ord_malformed_test"

# One example per JSON type, and the shapes a careless or hostile sender tries.
WRONG = {
    "string": "text", "empty": "", "long": "x" * 5000, "float": 12.5, "true": True,
    "false": False, "negative": -1, "huge": 10 ** 30, "list": ["x"], "empty-list": [],
    "object": {"id": 5}, "empty-object": {}, "null": None, "nested": [[[[[[["deep"]]]]]]],
}

# The fields each handled event's object is read for (dotted: nested).
READ = {
    "checkout.session": ["id", "object", "payment_intent", "amount_total", "currency",
                         "client_reference_id", "metadata", "metadata.order_id",
                         "payment_status"],
    "payment_intent": ["id", "object", "amount", "currency", "metadata", "metadata.order_id",
                       "last_payment_error", "last_payment_error.code",
                       "last_payment_error.decline_code", "last_payment_error.message"],
    "charge": ["object", "payment_intent", "amount", "amount_refunded", "currency",
               "metadata", "metadata.order_id"],
    "dispute": ["object", "payment_intent", "amount", "currency", "reason", "metadata"],
    "customer": ["metadata", "metadata.order_id", "client_reference_id"],
}
TYPES = {
    "checkout.session.completed": "checkout.session",
    "checkout.session.async_payment_succeeded": "checkout.session",
    "checkout.session.async_payment_failed": "checkout.session",
    "checkout.session.expired": "checkout.session",
    "payment_intent.payment_failed": "payment_intent",
    "charge.refunded": "charge",
    "charge.dispute.created": "dispute",
    "customer.created": "customer",  # not handled: acknowledged whatever it holds
}
ENVELOPE = ["id", "type", "created", "livemode", "data", "data.object", "object"]


def stripe_object(kind):
    """Stripe's example, tied to our order the way our sessions are."""
    obj = copy.deepcopy(OBJECTS[kind])
    obj["metadata"] = {"order_id": ORDER}
    if kind == "checkout.session":
        obj.update(amount_total=2500, currency="eur", payment_status="paid",
                   client_reference_id=ORDER)
    if kind == "payment_intent":
        obj["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                     "decline_code": "generic_decline",
                                     "message": "Your card was declined."}
    return obj


def event_of(event_type):
    event = copy.deepcopy(OBJECTS["event"])
    event.update(id="evt_malformed_1", type=event_type, created=1_760_000_000,
                 data={"object": stripe_object(TYPES[event_type])})
    return event


def put(document, dotted, value):
    *parents, last = dotted.split(".")
    for name in parents:
        document = document[name]
    document[last] = value


def signed(event):
    body = json.dumps(event).encode("utf-8")
    return body, stripe.WebhookSignature.generate_signature_header(
        body.decode("utf-8"), WEBHOOK_SECRET)


CASES = [(t, "data.object." + f, w) for t, kind in TYPES.items() for f in READ[kind]
         for w in WRONG]
CASES += [("checkout.session.completed", f, w) for f in ENVELOPE for w in WRONG]


@pytest.fixture(scope="module")
def gateway():
    return FakeGateway(WEBHOOK_SECRET, "http://shop.test")


def assert_well_typed(event):
    for name in ("id", "order_id", "session_id", "payment_intent", "failure_code",
                 "failure_reason"):
        value = getattr(event, name)
        assert value is None or isinstance(value, str), (name, value)
    for name in ("amount", "amount_refunded", "created"):
        value = getattr(event, name)
        assert value is None or (type(value) is int and value >= 0), (name, value)
    assert event.currency is None or is_currency(event.currency)
    assert isinstance(event.livemode, bool)
    assert event.kind in EventKind.ALL


def apply_to_orders(event):
    """The domain takes the event whatever the order's state."""
    now = datetime.now(timezone.utc)
    pending = make_order(lines=((MUG, 2),))
    paid = make_order(lines=((MUG, 2),))
    paid.apply(GatewayEvent(kind=EventKind.PAYMENT_SUCCEEDED, type="seed",
                               amount=paid.total, currency=paid.currency), "test", now)
    assert paid.status == "paid"
    for order in (pending, paid):
        order.apply(event, "webhook", now)


@pytest.mark.parametrize("event_type, field, wrong", CASES,
                         ids=[f"{t}-{f}-{w}" for t, f, w in CASES])
def test_a_signed_event_with_a_field_of_the_wrong_type_is_refused_or_translated_safely(
        gateway, event_type, field, wrong):
    event = event_of(event_type)
    put(event, field, WRONG[wrong])
    body, header = signed(event)
    try:
        translated = gateway.parse_webhook(body, header)
    except InvalidWebhook as refusal:
        assert "not" in refusal.message
        return
    if event_type not in refund_events.TRANSLATORS:
        # refund_events reads its types leniently (a wrong shape is less
        # news): for those, only that the domain takes what comes out.
        assert_well_typed(translated)
    apply_to_orders(translated)


@pytest.mark.parametrize("kind", ["payment_intent.payment_failed"])
@pytest.mark.parametrize("error", ["declined", ["declined"], 402, True, None, 1.5])
def test_a_payment_failure_whose_error_is_not_an_object_never_crashes(gateway, kind, error):
    event = event_of(kind)
    event["data"]["object"]["last_payment_error"] = error
    body, header = signed(event)
    try:
        translated = gateway.parse_webhook(body, header)
    except InvalidWebhook as refusal:
        assert "last_payment_error" in refusal.message
        return
    assert error is None
    assert (translated.failure_code, translated.failure_reason) == (
        "payment_failed", "The payment was declined.")


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_a_signed_event_nested_deeper_than_the_parser_follows_is_refused(gateway, depth):
    body = ('{"id": "evt_deep", "object": "event", "type": "x", "data": {"object": '
            + "[" * depth + "]" * depth + "}}").encode()
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), WEBHOOK_SECRET)
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, header)


def test_the_unchanged_examples_are_translated():
    # The cases above fail for their one wrong field, not for the examples.
    for event_type, kind in TYPES.items():
        translated = events.translate(event_of(event_type))
        assert_well_typed(translated)
        assert translated.order_id == ORDER, kind


def test_a_long_failure_message_is_cut_to_a_readable_length(gateway):
    event = event_of("payment_intent.payment_failed")
    event["data"]["object"]["last_payment_error"]["message"] = "declined " * 10_000
    translated = gateway.parse_webhook(*signed(event))
    assert translated.failure_reason.startswith("declined")
    assert len(translated.failure_reason) <= 500


def test_an_event_id_longer_than_any_stripe_id_is_refused(gateway):
    event = event_of("checkout.session.completed")
    event["id"] = "evt_" + "x" * 100_000
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(*signed(event))
