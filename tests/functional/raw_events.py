"""Signed webhook deliveries built from Stripe's own example objects
(tests/data/stripe_objects.json), for the raw-event and health tests."""

import copy
import json
from pathlib import Path
import secrets

from orderflow.adapters.fake.gateway import Delivery

OBJECTS = json.loads((Path(__file__).parent.parent / "data" / "stripe_objects.json")
                     .read_text())["resources"]


def stripe_delivery(shop, event_type, obj, indent=None):
    """A delivery of `obj` in Stripe's example event, signed with the shop's secret.

    `indent` lays the body out as Stripe does not, to show it is stored as sent.
    """
    event = copy.deepcopy(OBJECTS["event"])
    event.update(id=f"evt_test_{secrets.token_hex(8)}", type=event_type,
                 data={"object": obj}, livemode=False)
    body = json.dumps(event, indent=indent).encode("utf-8")
    return Delivery(event, body, shop.gateway.sign(body))


def refund_object(payment_intent, currency, amount=100, **changes):
    """Stripe's example refund, made in the dashboard for a payment intent."""
    refund = copy.deepcopy(OBJECTS["refund"])
    refund.update(id=f"re_test_{secrets.token_hex(8)}", amount=amount, currency=currency,
                  payment_intent=payment_intent, status="succeeded")
    refund.update(changes)
    return refund


def unpaid_payment(shop):
    """An order paid at the gateway whose news has not come yet:
    (order id, its payment intent, the undelivered checkout.session.completed)."""
    started = shop.checkout().json
    [delivery] = shop.gateway.pay(started["sessionId"])
    return started["orderId"], delivery.event["data"]["object"]["payment_intent"], delivery
