"""Webhook deliveries: each event applied once, repeats noted without a write."""

from dataclasses import replace

from ..ports.deliveries import RepeatDelivery
from ..ports.listings import Page
from .payments import apply_gateway_event


def receive_event(commit, duplicates, event, now, payload=None):
    """Apply a verified gateway event through the shared commit; its EventOutcome.
    `payload`, the bytes it came in, is kept with it (SPEC §10, raw events).

    A repeat delivery changes nothing and is noted in `duplicates`, which
    keeps it away from the order storage (SPEC §3.3). It is noted only once
    the outcome is known: a unit that conflicted is re-run by the caller and
    noted then, if it turns out to be a repeat.
    """
    outcome = commit.run(
        lambda orders, events, carts: apply_gateway_event(orders, events, event, now, carts=carts,
                                                      payload=payload))
    if outcome.duplicate:
        duplicates.note(RepeatDelivery(event.id, event.type, now))
    return outcome


def event_page(listing, events, duplicates, outcome=None, type=None, cursor=None):
    """The admin's log of received events, newest first, as a Page of EventRecord.

    "duplicate" lists the repeat deliveries noted by `duplicates`, each as
    its event's first record with the repeat's time; every other outcome
    (or none) walks the stored log.
    """
    if outcome != "duplicate":
        return listing.page(outcome=outcome, type=type, cursor=cursor)
    found = duplicates.page(type=type, cursor=cursor)
    rows = []
    for delivery in found.items:
        first = events.get(delivery.event_id)
        if first is not None:
            rows.append(replace(
                first, outcome="duplicate", received_at=delivery.received_at,
                note=f"delivered again; first {first.outcome}"))
    return Page(rows, found.next_cursor)
