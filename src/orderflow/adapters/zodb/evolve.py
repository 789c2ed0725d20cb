"""Bring a stored application root up to the current SCHEMA_VERSION.

Runs inside `bootstrap`'s transaction: several processes starting at once
conflict, and the losers' retries find the work done. Each step rewrites
the indexes it changes in that one transaction, which suits the databases
that existed before the step (development ones); a step for a large live
database would need batches.
"""

from .events import stored
from .indexes import IndexSet, IndexTree
from .keys import EPOCH, MICROSECOND, join, newest_first
from .root import SCHEMA_VERSION
from ...ports.repositories import EventRecord


def _time(old_key):
    # Version 1 kept times as negative microseconds since the epoch.
    return newest_first(EPOCH + (-old_key) * MICROSECOND)


def to_string_keys(root):
    """Version 1 -> 2: tuple index keys and event values become strings."""
    root.by_status = IndexSet(join(status, _time(t), order_id)
                              for status, t, order_id in root.by_status)
    root.by_created = IndexSet(join(_time(t), order_id) for t, order_id in root.by_created)
    root.events_by_time = IndexSet(join(_time(t), event_id)
                                   for t, event_id in root.events_by_time)
    root.duplicates = IndexSet(join(_time(t), nonce, event_id)
                               for t, event_id, nonce in root.duplicates)
    events = IndexTree()
    for event_id, (type_, outcome, order_id, micros, note) in root.events.items():
        events[event_id] = stored(EventRecord(
            event_id, type_, outcome, order_id, EPOCH + micros * MICROSECOND, note))
    root.events = events
    for email, order_ids in list(root.by_email.items()):
        root.by_email[email] = IndexSet(
            join(newest_first(root.orders[i].order.date_created), i) for i in order_ids)


STEPS = {1: to_string_keys}


def evolve(root):
    """Run every step from the root's version up to SCHEMA_VERSION."""
    while root.schema_version < SCHEMA_VERSION:
        STEPS[root.schema_version](root)
        root.schema_version += 1
