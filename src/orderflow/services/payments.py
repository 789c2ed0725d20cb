"""Applying what the gateway tells us: webhooks, the landing page, reconciliation."""

from dataclasses import dataclass

from ..domain.errors import GatewayError, NotFound
from ..domain.events import EventKind, Source
from ..domain.order import Order, Status
from ..ports.repositories import EventRecord
from .queries import get_order_by_session


@dataclass(frozen=True)
class EventOutcome:
    duplicate: bool
    outcome: str  # applied, ignored, unmatched, duplicate
    order_id: str | None = None
    note: str = ""


def find_order(orders, event):
    """metadata / client_reference_id first, then session, then payment intent."""
    if event.order_id:
        order = orders.get(event.order_id)
        if order is not None:
            return order
    if event.session_id:
        order = orders.by_session(event.session_id)
        if order is not None:
            return order
    if event.payment_intent:
        return orders.by_payment_intent(event.payment_intent)
    return None


def _apply(orders, order, event, source, now, carts):
    was_paid = order.status == Status.PAID
    result = order.apply(event, source, now)
    if result.applied or event.id is not None:  # the history grew
        orders.save(order)
    if order.status == Status.PAID and not was_paid and carts and order.cart_id:
        # Paid now: the ordered lines leave the customer's cart (never on a
        # failure, a cancel or an expiry).
        carts.remove_lines(order.cart_id, order.items)
    return result


def apply_gateway_event(orders, events, event, now, source=Source.WEBHOOK, carts=None,
                        payload=None):
    """Apply a verified event exactly once; `payload`, the bytes it came in,
    is kept with its record (SPEC §10, raw events).

    The duplicate check reads the event log and writes nothing. Deliveries of
    one event racing each other all write the order and the log entry; the
    storage lets the first commit and refuses the others, which the entry
    point re-runs (pyramid_retry, or the script's attempts): they then find
    the event here and answer "duplicate" without writing.
    """
    if events.seen(event.id):
        return EventOutcome(True, "duplicate", note="already processed")
    order = find_order(orders, event)
    if order is None and event.kind == EventKind.UNHANDLED:
        # SPEC §3.3: a type we do not handle is logged as ignored, ours or not.
        outcome = EventOutcome(False, "ignored", note="event type not handled")
    elif order is None:
        outcome = EventOutcome(False, "unmatched", note="no order for this event")
    else:
        result = _apply(orders, order, event, source, now, carts)
        outcome = EventOutcome(
            False, "applied" if result.applied else "ignored", order.id, result.note,
        )
    events.record(EventRecord(
        event_id=event.id, type=event.type, outcome=outcome.outcome,
        order_id=outcome.order_id, received_at=now, note=outcome.note,
    ), payload)
    return outcome


def apply_state(orders, order, state, source, now, carts=None):
    """Apply a session state learnt by asking the gateway; None if it says nothing."""
    event = state.as_event()
    if event is None:
        return None
    return _apply(orders, order, event, source, now, carts)


def sync_session(orders, gateway, order, session_id, source, now, carts=None):
    """Ask the gateway about one of the order's sessions and apply the answer.

    Safe to repeat and to race with the webhook: the order's rules record
    each payment once, whichever path brings it first.
    """
    return apply_state(orders, order, gateway.retrieve_session(session_id), source, now, carts)


@dataclass(frozen=True)
class Landing:
    """The success page of one session, in the order's words."""

    order: Order
    session_id: str
    view: str  # a CustomerView
    keep_polling: bool
    gateway_error: str | None = None  # why the gateway could not be asked


def land(orders, gateway, session_id, now, carts=None):
    """What the success page of `session_id` shows (SPEC §3.6, §11).

    An unsettled order first asks the gateway about the session and applies
    the answer through the webhook's rules (Stripe's "fulfil on the landing
    page too"); then the order says, given that answer, whether the page
    says "confirming" and polls. NotFound when no order has this session.
    """
    order = get_order_by_session(orders, session_id)
    state, error = None, None
    if order.unsettled:
        try:
            state = gateway.retrieve_session(session_id)
        except (GatewayError, NotFound) as failure:
            # The webhook, or the page's polling, will bring the news instead.
            error = failure.message
        else:
            apply_state(orders, order, state, Source.LANDING_PAGE, now, carts)
    return Landing(order, session_id, order.landing_view(session_id, state),
                   order.keep_polling(session_id, state), error)
