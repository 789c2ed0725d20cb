"""Fixtures of the integration tier: the Stripe stub, gateways, orders."""

from datetime import datetime, timezone

import pytest

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.adapters.stripe.gateway import StripeGateway
from orderflow.domain.catalog import Product
from orderflow.domain.order import build_order, new_order_id
from tests.conftest import WEBHOOK_SECRET
from tests.integration.stripe_stub import StripeStub

SECRET_KEY = "sk_test_integration_secret_key_4242"
PUBLIC_ORIGIN = "http://shop.test"
SUCCESS_URL = f"{PUBLIC_ORIGIN}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"

MUG = Product("ceramic-mug", "Ceramic mug", "Holds coffee.", 1250, "eur")
TEA = Product("green-tea", "Green tea & \"friends\"", "Loose leaf.", 899, "eur")


def make_order(lines=((MUG, 2), (TEA, 1)), email=None):
    return build_order(new_order_id(), list(lines), email, datetime.now(timezone.utc))


def cancel_url(order):
    return f"{PUBLIC_ORIGIN}/checkout/cancel?order_id={order.id}"


def expires_at():
    return int(datetime.now(timezone.utc).timestamp()) + 3600


def create(gateway, order, key=None, attempt=1, expires=None):
    """create_session with the arguments the checkout use case passes."""
    return gateway.create_session(
        order, attempt, SUCCESS_URL, cancel_url(order), expires or expires_at(),
        key or f"orderflow-{order.id}-attempt-{attempt}",
    )


@pytest.fixture
def stub():
    stub = StripeStub().start()
    yield stub
    stub.stop()


def make_stripe_gateway(stub, retries=0, secrets=WEBHOOK_SECRET):
    # No retries by default: error tests then take one round trip.
    return StripeGateway(SECRET_KEY, secrets, api_base=stub.base_url,
                         max_network_retries=retries)


@pytest.fixture
def stripe_gateway(stub):
    return make_stripe_gateway(stub)


@pytest.fixture
def fake_gateway():
    return FakeGateway(WEBHOOK_SECRET, PUBLIC_ORIGIN)


# -- Stripe events as the webhook receives them ---------------------------------

ORDER = "ord_webhook_test"


def stripe_event(event_type, obj, event_id="evt_test_1"):
    return {
        "id": event_id, "object": "event", "api_version": "2026-10-28.endive",
        "created": 1_760_000_000, "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type, "data": {"object": obj},
    }


def session(payment_status="paid", **changes):
    obj = {
        "id": "cs_test_1", "object": "checkout.session", "status": "complete",
        "payment_status": payment_status, "amount_total": 2500, "currency": "eur",
        "client_reference_id": ORDER, "metadata": {"order_id": ORDER},
        "payment_intent": "pi_test_1",
    }
    obj.update(changes)
    return obj
