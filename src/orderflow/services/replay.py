"""Apply again: a stored event through today's rules (SPEC §10, raw events)."""

import copy
from dataclasses import dataclass, replace

from ..domain.errors import InvalidWebhook, NotFound, Refused
from ..domain.events import EventKind, Source
from .payments import _apply, find_order

# Outcomes an event can be applied again from: an applied one never is.
REPLAYABLE = ("unmatched", "ignored")


@dataclass(frozen=True)
class Replay:
    applied: bool
    outcome: str  # the event's outcome now: applied, ignored or unmatched
    order_id: str | None
    note: str


def apply_again(orders, events, gateway, event_id, now, admin, carts=None):
    """Re-run an unmatched or ignored event's stored payload through today's
    rules, as `admin`.

    The payload was verified when it came, so it is only translated
    (`gateway.translate_stored`). An event applies at most once: an applied
    one is refused, and the event's record is rewritten in the same
    transaction as the order, so two attempts at once conflict and the
    retry finds it applied; a repeat delivery racing an attempt finds the
    event recorded and changes nothing (SPEC §3.3). An attempt that changes nothing leaves the order's
    history alone and is noted on the event's record.
    """
    record = events.get(event_id)
    if record is None:
        raise NotFound("no such event")
    if record.outcome not in REPLAYABLE:
        raise Refused(f"this event was {record.outcome}: it is never applied twice")
    payload = events.payload(event_id)
    if payload is None:
        raise Refused("the payload of this event is no longer kept")
    try:
        event = gateway.translate_stored(payload)
    except InvalidWebhook as error:
        raise Refused(error.message) from None
    if event.id != event_id:
        raise Refused("the stored payload names another event")
    order = find_order(orders, event)
    stamp = f"applied again by {admin} at {now:%Y-%m-%d %H:%M:%S} UTC"
    if order is None:
        outcome = "ignored" if event.kind == EventKind.UNHANDLED else "unmatched"
        return _note(events, record, outcome, None, f"{stamp}: still no order for this event"
                     if outcome == "unmatched" else f"{stamp}: event type still not handled")
    # Tried on a copy first: an attempt that changes nothing must leave no
    # line in the order's history (the webhook path records one).
    trial = copy.deepcopy(order).apply(event, Source.ADMIN, now)
    if not trial.applied:
        return _note(events, record, record.outcome, order.id,
                     f"{stamp}: changes nothing ({trial.note})")
    result = _apply(orders, order, event, Source.ADMIN, now, carts)
    return _note(events, record, "applied", order.id,
                 f"{stamp}: {result.note}" if result.note else stamp, applied=True)


def _note(events, record, outcome, order_id, note, applied=False):
    events.amend(replace(record, outcome=outcome, order_id=order_id, note=note[:500]))
    return Replay(applied, outcome, order_id, note)
