"""Webhook verification the Stripe way, and translation of Stripe's JSON.

Both gateways (the real one and the fake) go through these functions, so the
one verification-and-translation path runs in every test.

Verification uses `stripe.WebhookSignature.verify_header` plus `json.loads`
rather than `stripe.Webhook.construct_event`: the latter also builds
StripeObjects, about 20 times the cost, and we read plain dicts anyway.
"""

import json
import time

import stripe

from ...domain.customer import CustomerDetails
from ...domain.errors import InvalidWebhook
from . import refund_events
from ...domain.events import (
    ASYNC_FAILURE_CODE, ASYNC_FAILURE_REASON, EventKind, GatewayEvent, SessionPayment,
    SessionState,
)
from ...domain.order_parts import SessionStatus
from .shapes import MAX_ID, Fields

DEFAULT_TOLERANCE = 300


def parse_secrets(value):
    """Secrets from a comma-separated setting; several may be valid at once."""
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = (value or "").split(",")
    return tuple(s.strip() for s in items if s and s.strip())


def verify(body: bytes, header, secrets, tolerance=DEFAULT_TOLERANCE):
    """The event as a dict, if `header` signs `body` with any of `secrets`."""
    if not secrets:
        raise InvalidWebhook("no webhook secret is configured")
    if not header:
        raise InvalidWebhook("missing Stripe-Signature header")
    if not tolerance or tolerance <= 0:
        raise ValueError("a webhook tolerance of 0 would disable the replay check")
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidWebhook("the body is not UTF-8") from None
    failure = None
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
            break
        except stripe.SignatureVerificationError as error:
            # A secret whose signature matched but whose timestamp is stale
            # tells the real reason; the other secrets' mismatches do not.
            if failure is None or "tolerance" not in str(failure):
                failure = error
    else:
        raise InvalidWebhook(f"invalid signature: {_reason(failure)}")
    if _timestamp(header) > time.time() + tolerance:
        # The SDK checks only the past; a stamp far in the future would keep
        # a captured delivery replayable for longer than the tolerance.
        raise InvalidWebhook("invalid signature: timestamp outside the tolerance")
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError):
        # RecursionError: nested deeper than the parser follows.
        raise InvalidWebhook("the body is not JSON") from None
    if not _looks_like_event(event):
        raise InvalidWebhook("the body is not a Stripe event")
    return event


def translate_stored(body: bytes):
    """The GatewayEvent of a body verified when it came (a stored payload):
    parsed and translated by today's rules, its signature not checked again."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidWebhook("the stored payload is not JSON") from None
    if not _looks_like_event(event):
        raise InvalidWebhook("the stored payload is not a Stripe event")
    return translate(event)


def _timestamp(header):
    # verify_header has accepted the header, so its first `t=` is an integer.
    # Read the way the SDK reads it, so both see the same stamp.
    items = [item.split("=", 2) for item in header.split(",")]
    return int([item[1] for item in items if item[0] == "t"][0])


def _reason(error):
    text = str(getattr(error, "user_message", None) or error)
    if "tolerance" in text:
        return "timestamp outside the tolerance"
    if "extract" in text or "scheme" in text:
        return "malformed header"
    return "no signature matches"


def _looks_like_event(event):
    return (
        isinstance(event, dict)
        and event.get("object") == "event"
        and isinstance(event.get("id"), str) and 0 < len(event["id"]) <= MAX_ID
        and isinstance(event.get("type"), str) and 0 < len(event["type"]) <= MAX_ID
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    )


# Events arrive as JSON, and the gateway hands sessions over as
# `to_dict()`: an expanded object is a dict, a collapsed one its id.

def _id(value):
    """An id from a field that may hold the id or the expanded object."""
    value = value.get("id") if isinstance(value, dict) else value
    return value if isinstance(value, str) and len(value) <= MAX_ID else None


def _status(value):
    """The status of an expanded object; None when only its id is there."""
    value = value.get("status") if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def _int(value):
    return value if type(value) is int else None


def _metadata_order(obj):
    metadata = obj.get("metadata")
    if isinstance(metadata, dict) and _id(metadata.get("order_id")):
        return metadata["order_id"]
    return _id(obj.get("client_reference_id"))


def _text(value, limit=320):
    """A short text field, or None: names and emails come from the customer."""
    if not isinstance(value, str):
        return None
    return value.strip()[:limit] or None


def _customer(obj):
    """The session's `customer_details` (SPEC §8), or None when it has none."""
    details = obj.get("customer_details")
    if not isinstance(details, dict):
        return None
    address = details.get("address")
    country = _text(address.get("country"), 2) if isinstance(address, dict) else None
    customer = CustomerDetails(email=_text(details.get("email")),
                               name=_text(details.get("name"), 200), country=country)
    return customer or None


def _session_fields(f):
    f.kind("checkout.session")
    return dict(
        order_id=f.order_id(),
        session_id=f.id("id"),
        payment_intent=f.reference("payment_intent"),
        amount=f.count("amount_total"),
        currency=f.currency("currency"),
        customer=_customer(f.obj),
    )


def _session_completed(f):
    fields = _session_fields(f)
    paid = f.text("payment_status") in PAID_STATUSES
    return (EventKind.PAYMENT_SUCCEEDED if paid else EventKind.PAYMENT_PROCESSING), fields


def _session_async_failed(f):
    fields = _session_fields(f)
    fields.update(failure_code=ASYNC_FAILURE_CODE, failure_reason=ASYNC_FAILURE_REASON)
    return EventKind.PAYMENT_FAILED, fields


def _intent_failed(f):
    f.kind("payment_intent")
    error = f.object("last_payment_error") or Fields({}, "")
    return EventKind.PAYMENT_FAILED, dict(
        order_id=f.order_id(),
        payment_intent=f.id("id"),
        amount=f.count("amount"),
        currency=f.currency("currency"),
        failure_code=error.id("decline_code") or error.id("code") or "payment_failed",
        failure_reason=error.text("message") or "The payment was declined.",
    )


TRANSLATORS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded":
        lambda f: (EventKind.PAYMENT_SUCCEEDED, _session_fields(f)),
    "checkout.session.async_payment_failed": _session_async_failed,
    "checkout.session.expired": lambda f: (EventKind.SESSION_EXPIRED, _session_fields(f)),
    "payment_intent.payment_failed": _intent_failed,
    # These read the plain dict, leniently: a wrong shape is less news, or none.
    **{name: (lambda f, read=read: read(f.obj))
       for name, read in refund_events.TRANSLATORS.items()},
}


def translate(event):
    """A GatewayEvent for a verified Stripe event dict (verify() checked its frame).

    A handled type's fields are read through shapes.Fields: a wrong type
    anywhere refuses the delivery. Another type is only acknowledged, so its
    object is read leniently: whatever it holds, it is logged as ignored.
    """
    envelope = Fields(event, "event")
    obj = event["data"]["object"]
    translator = TRANSLATORS.get(event["type"])
    if translator is None:
        kind, fields = EventKind.UNHANDLED, dict(order_id=_metadata_order(obj))
    else:
        kind, fields = translator(Fields(obj, "data.object"))
    return GatewayEvent(
        kind=kind, type=event["type"], id=event["id"],
        created=envelope.count("created"), livemode=bool(envelope.flag("livemode")),
        **fields,
    )


# Stripe's words for a session, and for its payment: translated here so that
# no rule sees them.
SESSION_STATUSES = {"open": SessionStatus.OPEN, "complete": SessionStatus.COMPLETE,
                    "expired": SessionStatus.EXPIRED}
PAID_STATUSES = ("paid", "no_payment_required")
# A completed session whose payment is no longer processing because it
# failed: Stripe keeps the session `complete` and `unpaid` for good, and only
# its payment intent's status tells a failure from a payment in flight.
FAILED_INTENT_STATUSES = ("requires_payment_method", "canceled")


def _session_payment(obj):
    if obj.get("payment_status") in PAID_STATUSES:
        return SessionPayment.PAID
    if obj.get("status") != "complete":
        return SessionPayment.UNPAID
    if _status(obj.get("payment_intent")) in FAILED_INTENT_STATUSES:
        return SessionPayment.FAILED
    # Processing, or an intent status we do not know: the money may still come.
    return SessionPayment.PROCESSING


def session_state(obj):
    """A SessionState from a Stripe checkout session as a dict.

    Retrieve the session with `expand[]=payment_intent`: only the intent's
    status tells an async payment in flight from one that failed.
    """
    return SessionState(
        session_id=obj["id"],
        # A status we do not know says nothing has happened yet.
        status=SESSION_STATUSES.get(obj.get("status"), SessionStatus.OPEN),
        payment=_session_payment(obj),
        order_id=_metadata_order(obj),
        amount_total=_int(obj.get("amount_total")),
        currency=obj.get("currency"),
        payment_intent=_id(obj.get("payment_intent")),
        url=obj.get("url"),
        customer=_customer(obj),
    )
