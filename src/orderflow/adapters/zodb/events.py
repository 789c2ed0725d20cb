"""ZodbEventLog: processed event ids in a BTree, written with their effect."""

from datetime import datetime, timezone

from ...ports.repositories import EventLog, EventRecord
from .orders import time_key


def _stored(record):
    # A plain tuple of str and int: a small pickle, comparable values for
    # BTree conflict resolution, and nothing a ZEO server must import to
    # merge two buckets.
    return (record.type, record.outcome, record.order_id,
            -time_key(record.received_at), record.note)


def _record(event_id, stored):
    type_, outcome, order_id, micros, note = stored
    received_at = datetime.fromtimestamp(micros / 1_000_000, timezone.utc)
    return EventRecord(event_id, type_, outcome, order_id, received_at, note)


class ZodbEventLog(EventLog):
    def __init__(self, root):
        self.root = root

    def seen(self, event_id):
        # A read only: concurrent duplicates must not write shared objects.
        return event_id in self.root.events

    def record(self, record):
        # Two deliveries of one event both insert this key: ZODB reports a
        # conflict to the later one, whose retry then sees the event as seen.
        self.root.events[record.event_id] = _stored(record)
        self.root.events_by_time.add((time_key(record.received_at), record.event_id))
        self.root.event_count.change(1)

    def get(self, event_id):
        stored = self.root.events.get(event_id)
        return None if stored is None else _record(event_id, stored)
