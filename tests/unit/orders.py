"""Builders of orders and gateway events for the lifecycle tests."""

from datetime import datetime, timedelta, timezone

from orderflow.domain.catalog import Product
from orderflow.domain.disputes import DisputeNews
from orderflow.domain.refunds import RefundNews
from orderflow.domain.events import EventKind, GatewayEvent, Source
from orderflow.domain.order import CheckoutSession, build_order

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "", 1250, "eur")
TEA = Product("tea", "Tea", "", 500, "eur")
TOTAL = 1250 * 2 + 500


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def new_order(session_id="cs_1"):
    order = build_order("ord_1", [(MUG, 2), (TEA, 1)], "a@example.com", T0, cart_id="cart_1")
    order.attach_session(CheckoutSession(session_id, 1, T0), T0)
    return order


def retry(order, session_id, minutes=5):
    order.attach_session(CheckoutSession(session_id, order.next_attempt, at(minutes)),
                         at(minutes), source=Source.RETRY)


_ids = iter(range(1, 10**6))


# The Stripe event type each kind arrives as.
TYPES = {
    EventKind.PAYMENT_SUCCEEDED: "checkout.session.completed",
    EventKind.PAYMENT_PROCESSING: "checkout.session.completed",
    EventKind.PAYMENT_FAILED: "payment_intent.payment_failed",
    EventKind.SESSION_EXPIRED: "checkout.session.expired",
    EventKind.REFUNDED: "charge.refunded",
    EventKind.REFUND_CHANGED: "refund.updated",
    EventKind.DISPUTE_OPENED: "charge.dispute.created",
    EventKind.DISPUTE_UPDATED: "charge.dispute.funds_withdrawn",
    EventKind.DISPUTE_CLOSED: "charge.dispute.closed",
    EventKind.UNHANDLED: "customer.created",
}


def event(kind, session_id="cs_1", event_id="auto", **fields):
    if event_id == "auto":
        event_id = f"evt_{next(_ids)}"
    fields.setdefault("order_id", "ord_1")
    return GatewayEvent(kind=kind, type=TYPES[kind], id=event_id, session_id=session_id,
                        **fields)


def paid(session_id="cs_1", intent="pi_1", amount=TOTAL, currency="eur", **kw):
    return event(EventKind.PAYMENT_SUCCEEDED, session_id, payment_intent=intent,
                 amount=amount, currency=currency, **kw)


def failed(session_id=None, code="card_declined", reason="Your card was declined.", **kw):
    """payment_intent.payment_failed: it names the intent, never the session."""
    return event(EventKind.PAYMENT_FAILED, session_id, payment_intent="pi_1",
                 failure_code=code, failure_reason=reason, **kw)


def async_failed(session_id="cs_1", intent="pi_1", **kw):
    """checkout.session.async_payment_failed: a completed session's payment bounced."""
    e = event(EventKind.PAYMENT_FAILED, session_id, payment_intent=intent,
              failure_code="async_payment_failed", failure_reason="It bounced.", **kw)
    return GatewayEvent(**{**e.__dict__, "type": "checkout.session.async_payment_failed"})


def stamp(minutes):
    """A gateway event's `created`: unix seconds, `minutes` after T0."""
    return int(at(minutes).timestamp())


def processing(session_id="cs_1", **kw):
    return event(EventKind.PAYMENT_PROCESSING, session_id, payment_intent="pi_1",
                 amount=TOTAL, currency="eur", **kw)


def expired(session_id="cs_1", **kw):
    return event(EventKind.SESSION_EXPIRED, session_id, **kw)


def refunded(amount_refunded, intent="pi_1", **kw):
    return event(EventKind.REFUNDED, None, payment_intent=intent, amount=TOTAL,
                 currency="eur", amount_refunded=amount_refunded, **kw)


def dispute(intent="pi_1", dispute_id="dp_1", status="needs_response", reason="fraudulent",
            amount=TOTAL, **kw):
    return event(EventKind.DISPUTE_OPENED, None, payment_intent=intent,
                 failure_reason=reason,
                 dispute=DisputeNews(dispute_id, amount, reason, status), **kw)


def dispute_closed(status, intent="pi_1", dispute_id="dp_1", reason="fraudulent",
                   amount=TOTAL, **kw):
    return event(EventKind.DISPUTE_CLOSED, None, payment_intent=intent,
                 dispute=DisputeNews(dispute_id, amount, reason, status), **kw)


def dispute_funds(kind="charge.dispute.funds_withdrawn", intent="pi_1", dispute_id="dp_1",
                  amount=TOTAL, **kw):
    e = event(EventKind.DISPUTE_UPDATED, None, payment_intent=intent,
              dispute=DisputeNews(dispute_id, amount, "fraudulent", "needs_response"), **kw)
    return GatewayEvent(**{**e.__dict__, "type": kind})


def refund(refund_id, amount, status, created=None, at=None, intent="pi_1", **kw):
    """One refund by id (refund.created/updated/failed, charge.refund.updated);
    `at`: the event's time, unix seconds."""
    return event(EventKind.REFUND_CHANGED, None, payment_intent=intent, created=at,
                 refunds=(RefundNews(refund_id, amount, status, created=created),), **kw)


def apply(order, e, minutes=1, source=Source.WEBHOOK):
    return order.apply(e, source, at(minutes))
