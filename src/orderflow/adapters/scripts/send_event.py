"""orderflow-send-event INI TYPE --order ORDER_ID

Signs a Stripe-shaped event about an order's current checkout session with
the configured webhook secret and POSTs it to the running app's webhook,
like `stripe trigger`, offline. It reads the order through the app's JSON
API (not the database, which the running app holds), so it works with
FileStorage too.
"""

import json
import secrets
import sys
import urllib.error
import urllib.request

from ...settings import resolve
from ..fake.gateway import FakeGateway
from .common import fail, parser

TYPES = (
    "checkout.session.completed", "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed", "checkout.session.expired",
    "payment_intent.payment_failed", "charge.refunded", "charge.dispute.created",
)


def _id(prefix):
    return f"{prefix}_test_{secrets.token_hex(12)}"


def stripe_object(event_type, order, unpaid=False):
    """The `data.object` Stripe sends with `event_type`, for this order (SPEC §3.3)."""
    payment = order.get("payment") or {}
    intent = payment.get("paymentIntent") or _id("pi")
    metadata = {"order_id": order["id"]}
    amount, currency = order["total"], order["currency"]
    if event_type.startswith("checkout.session."):
        status = {"checkout.session.expired": "expired"}.get(event_type, "complete")
        paid = event_type in ("checkout.session.completed",
                              "checkout.session.async_payment_succeeded") and not unpaid
        return {
            "id": order["sessionId"], "object": "checkout.session", "mode": "payment",
            "status": status, "payment_status": "paid" if paid else "unpaid",
            "amount_total": amount, "currency": currency,
            "client_reference_id": order["id"], "metadata": metadata,
            "payment_intent": None if status == "expired" else intent,
        }
    if event_type == "payment_intent.payment_failed":
        return {
            "id": intent, "object": "payment_intent", "amount": amount, "currency": currency,
            "metadata": metadata, "status": "requires_payment_method",
            "last_payment_error": {"type": "card_error", "code": "card_declined",
                                   "decline_code": "generic_decline",
                                   "message": "Your card was declined."},
        }
    charge = {
        "id": _id("ch"), "object": "charge", "amount": payment.get("amountReceived", amount),
        "currency": currency, "payment_intent": intent, "metadata": metadata,
        "amount_refunded": payment.get("amountReceived", amount), "refunded": True,
    }
    if event_type == "charge.refunded":
        return charge
    if event_type == "charge.dispute.created":
        return {"id": _id("dp"), "object": "dispute", "amount": charge["amount"],
                "currency": currency, "charge": charge["id"], "payment_intent": intent,
                "reason": "fraudulent", "status": "needs_response"}
    return {"id": _id("obj"), "object": "unknown", "metadata": metadata}


def _get_json(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read())


def main(argv=None, settings=None):
    args = parser("Sign and POST a Stripe-shaped test event to the running app.")
    args.add_argument("type", help="the event type, e.g. " + ", ".join(TYPES))
    args.add_argument("--order", required=True, metavar="ORDER_ID")
    args.add_argument("--unpaid", action="store_true",
                      help="checkout.session.completed of an async payment still processing")
    options = args.parse_args(argv)
    if settings is None:
        from pyramid.paster import get_appsettings

        settings = get_appsettings(options.ini)
    settings = resolve(dict(settings))
    origin = settings["orderflow.public_origin"]
    try:
        order = _get_json(f"{origin}/api/orders/{urllib.request.quote(options.order)}")
    except urllib.error.HTTPError as error:
        return fail(f"the app answered {error.code} for order {options.order}")
    except (urllib.error.URLError, OSError) as error:
        return fail(f"cannot reach the app at {origin}: {error}")
    # The fake gateway makes and signs events exactly as Stripe does.
    gateway = FakeGateway(settings["orderflow.webhook_secret"], origin)
    delivery = gateway.event(options.type, stripe_object(options.type, order, options.unpaid))
    request = urllib.request.Request(
        f"{origin}/api/payments/webhook", data=delivery.body, method="POST",
        headers={"Content-Type": "application/json", "Stripe-Signature": delivery.header},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            print(f"{delivery.event['id']} {options.type}: {answer.status} {answer.read().decode()}")
    except urllib.error.HTTPError as error:
        return fail(f"the webhook answered {error.code}: {error.read().decode()[:500]}")
    except (urllib.error.URLError, OSError) as error:
        return fail(f"cannot reach the app at {origin}: {error}")
    return 0


def run():
    sys.exit(main())
