"""Orders made and changed through the domain's own commands, at given times."""

from datetime import datetime, timedelta, timezone

from orderflow.domain.catalog import Product
from orderflow.domain.events import EventKind, GatewayEvent, Source
from orderflow.domain.order import CheckoutSession, Status, build_order

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "", 1250, "eur")


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def new_order(order_id, minutes=0, email=None, session_id=None):
    """A pending order created (and its checkout started) `minutes` after T0."""
    order = build_order(order_id, [(MUG, 1)], email, at(minutes))
    order.attach_session(CheckoutSession(session_id or f"cs_{order_id}", 1, at(minutes)),
                         at(minutes))
    return order


def retry(order, session_id, minutes):
    order.attach_session(CheckoutSession(session_id, order.next_attempt, at(minutes)),
                         at(minutes), source=Source.RETRY)


def pay(order, minutes, intent=None, session_id=None):
    """A payment of the order's total: it pays the order, or is a duplicate."""
    intent = intent or f"pi_{order.id}"
    order.apply(GatewayEvent(
        kind=EventKind.PAYMENT_SUCCEEDED, type="checkout.session.completed",
        id=f"evt_paid_{intent}", order_id=order.id,
        session_id=session_id or order.session_id, payment_intent=intent,
        amount=order.total, currency=order.currency,
    ), Source.WEBHOOK, at(minutes))
    assert intent in order.payment_intents()


def fail(order, minutes):
    """The current session's payment declined: the order fails, and may be retried."""
    order.apply(GatewayEvent(
        kind=EventKind.PAYMENT_FAILED, type="checkout.session.async_payment_failed",
        id=f"evt_failed_{order.id}_{minutes}", order_id=order.id,
        session_id=order.session_id, payment_intent=f"pi_{order.id}",
        failure_code="card_declined", failure_reason="Your card was declined.",
    ), Source.WEBHOOK, at(minutes))
    assert order.status == Status.FAILED


def cancel(order, minutes):
    order.cancel(at(minutes))
    assert order.status == Status.CANCELLED
