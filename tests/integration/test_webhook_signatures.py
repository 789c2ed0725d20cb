"""Webhook deliveries signed and checked the Stripe way, through both gateways."""

import json
import time

import pytest
import stripe

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.adapters.stripe import events
from orderflow.adapters.stripe.gateway import StripeGateway
from orderflow.domain.errors import InvalidWebhook
from orderflow.domain.events import EventKind
from tests.conftest import WEBHOOK_SECRET
from tests.integration.conftest import ORDER, session, stripe_event


def body_of(event):
    return json.dumps(event).encode("utf-8")


def sign(body, secret=WEBHOOK_SECRET, timestamp=None):
    payload = body.decode("utf-8") if isinstance(body, bytes) else body
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def signed(event, secret=WEBHOOK_SECRET):
    body = body_of(event)
    return body, sign(body, secret)


def make_fake(secrets):
    return FakeGateway(secrets, "http://shop.test")


def make_stripe(secrets):
    # Never called over the network here: parse_webhook needs no API.
    return StripeGateway("sk_test_unused", secrets, api_base="http://127.0.0.1:9")


def verify_events(secrets):
    class Verifier:
        def parse_webhook(self, body, header):
            return events.translate(events.verify(body, header, events.parse_secrets(secrets)))
    return Verifier()


@pytest.fixture(params=[verify_events, make_fake, make_stripe],
                ids=["events.verify", "FakeGateway", "StripeGateway"])
def parser(request):
    """A way to verify and translate a delivery: the module or either gateway."""
    return request.param


# -- signatures ---------------------------------------------------------------


def test_a_valid_signature_is_accepted(parser):
    body, header = signed(stripe_event("checkout.session.completed", session()))

    event = parser(WEBHOOK_SECRET).parse_webhook(body, header)

    assert (event.id, event.kind) == ("evt_test_1", EventKind.PAYMENT_SUCCEEDED)


@pytest.mark.parametrize("secret", ["whsec_a", "whsec_b"])
def test_a_signature_by_any_configured_secret_is_accepted(parser, secret):
    body, header = signed(stripe_event("checkout.session.expired", session()), secret)

    event = parser("whsec_a, whsec_b").parse_webhook(body, header)

    assert event.kind == EventKind.SESSION_EXPIRED


def test_a_header_with_two_v1_signatures_is_accepted_when_one_matches(parser):
    body = body_of(stripe_event("checkout.session.completed", session()))
    now = int(time.time())
    old = sign(body, "whsec_rolled_away", now)
    new = sign(body, WEBHOOK_SECRET, now)
    header = old + ",v1=" + new.split("v1=")[1]

    assert parser(WEBHOOK_SECRET).parse_webhook(body, header).id == "evt_test_1"


def test_a_delivery_signed_by_another_secret_only_is_refused(parser):
    body, header = signed(stripe_event("checkout.session.completed", session()), "whsec_c")

    with pytest.raises(InvalidWebhook, match="no signature matches"):
        parser("whsec_a,whsec_b").parse_webhook(body, header)


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_signature_header_is_refused(parser, header):
    body = body_of(stripe_event("checkout.session.completed", session()))

    with pytest.raises(InvalidWebhook, match="missing"):
        parser(WEBHOOK_SECRET).parse_webhook(body, header)


@pytest.mark.parametrize("header", [
    "garbage", "t=notanumber,v1=abc", "v1=abcdef", "t=1760000000",
    "t=1760000000,v0=abcdef",
])
def test_a_malformed_signature_header_is_refused(parser, header):
    body = body_of(stripe_event("checkout.session.completed", session()))

    with pytest.raises(InvalidWebhook, match="malformed header"):
        parser(WEBHOOK_SECRET).parse_webhook(body, header)


def test_a_stale_timestamp_is_refused(parser):
    body = body_of(stripe_event("checkout.session.completed", session()))
    header = sign(body, WEBHOOK_SECRET, int(time.time()) - 301 - 60)

    with pytest.raises(InvalidWebhook, match="tolerance"):
        parser(WEBHOOK_SECRET).parse_webhook(body, header)


def test_a_recent_timestamp_within_the_tolerance_is_accepted(parser):
    body = body_of(stripe_event("checkout.session.completed", session()))
    header = sign(body, WEBHOOK_SECRET, int(time.time()) - 200)

    assert parser(WEBHOOK_SECRET).parse_webhook(body, header).id == "evt_test_1"


def test_a_tampered_body_is_refused(parser):
    body, header = signed(stripe_event("checkout.session.completed", session()))
    tampered = body.replace(b'"amount_total": 2500', b'"amount_total": 1')
    assert tampered != body

    with pytest.raises(InvalidWebhook, match="no signature matches"):
        parser(WEBHOOK_SECRET).parse_webhook(tampered, header)


def test_a_signed_body_that_is_not_json_is_refused(parser):
    body = b"this is not json"

    with pytest.raises(InvalidWebhook, match="not JSON"):
        parser(WEBHOOK_SECRET).parse_webhook(body, sign(body))


@pytest.mark.parametrize("document", [
    [1, 2, 3],
    {"id": "evt_1", "type": "checkout.session.completed"},
    {"id": "cs_test_1", "object": "checkout.session", "type": "x", "data": {"object": {}}},
    {"id": "evt_1", "object": "event", "type": "charge.refunded", "data": {"object": "ch_1"}},
    {"id": 7, "object": "event", "type": "charge.refunded", "data": {"object": {}}},
])
def test_a_signed_json_body_that_is_not_a_stripe_event_is_refused(parser, document):
    body = json.dumps(document).encode("utf-8")

    with pytest.raises(InvalidWebhook, match="not a Stripe event"):
        parser(WEBHOOK_SECRET).parse_webhook(body, sign(body))


def test_a_body_that_is_not_utf8_is_refused(parser):
    body = b'{"id": "evt_\xff\xfe"}'
    header = "t=%d,v1=%s" % (int(time.time()), "0" * 64)

    with pytest.raises(InvalidWebhook, match="UTF-8"):
        parser(WEBHOOK_SECRET).parse_webhook(body, header)


def test_no_configured_secret_refuses_every_delivery():
    body, header = signed(stripe_event("checkout.session.completed", session()))

    with pytest.raises(InvalidWebhook):
        events.verify(body, header, events.parse_secrets(" , "))


def test_a_tolerance_of_zero_is_refused_because_it_would_disable_the_replay_check():
    body, header = signed(stripe_event("checkout.session.completed", session()))

    with pytest.raises(ValueError):
        events.verify(body, header, (WEBHOOK_SECRET,), tolerance=0)


def test_the_fake_gateway_signs_its_deliveries_so_the_stripe_gateway_accepts_them():
    fake = make_fake(WEBHOOK_SECRET)
    delivery = fake.event("product.created", {"id": "prod_1", "object": "product"})

    event = make_stripe(WEBHOOK_SECRET).parse_webhook(delivery.body, delivery.header)

    assert (event.id, event.kind) == (delivery.event["id"], EventKind.UNHANDLED)


def test_a_verified_delivery_is_translated_with_every_field(parser):
    body, header = signed(stripe_event("charge.refunded", {
        "id": "ch_test_1", "object": "charge", "amount": 2500, "currency": "eur",
        "amount_refunded": 2500, "payment_intent": {"id": "pi_test_9"},
        "metadata": {"order_id": ORDER}}))

    event = parser(WEBHOOK_SECRET).parse_webhook(body, header)

    assert (event.kind, event.order_id, event.payment_intent, event.amount_refunded) == (
        EventKind.REFUNDED, ORDER, "pi_test_9", 2500)


def test_a_stale_delivery_is_called_stale_even_with_several_secrets(parser):
    body = body_of(stripe_event("checkout.session.completed", session()))
    header = sign(body, "whsec_a", int(time.time()) - 3600)

    with pytest.raises(InvalidWebhook, match="tolerance"):
        parser("whsec_a,whsec_b").parse_webhook(body, header)


def test_a_timestamp_beyond_the_tolerance_in_the_future_is_refused(parser):
    body = body_of(stripe_event("checkout.session.completed", session()))
    header = sign(body, WEBHOOK_SECRET, int(time.time()) + 3600)

    with pytest.raises(InvalidWebhook, match="tolerance"):
        parser(WEBHOOK_SECRET).parse_webhook(body, header)


def test_a_timestamp_a_little_in_the_future_is_accepted_for_clock_skew(parser):
    body = body_of(stripe_event("checkout.session.completed", session()))
    header = sign(body, WEBHOOK_SECRET, int(time.time()) + 60)

    assert parser(WEBHOOK_SECRET).parse_webhook(body, header).id == "evt_test_1"
