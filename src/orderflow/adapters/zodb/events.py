"""ZodbEventLog: processed event ids in a BTree, written with their effect."""

import json

from ...ports.repositories import EventLog, EventRecord
from .keys import EPOCH, MICROSECOND, join, micros, newest_first


def stored(record):
    # One JSON string: a single object for the pickler (a tuple is one per
    # field), comparable for BTree conflict resolution, and nothing a ZEO
    # server must import to merge two buckets.
    return json.dumps([record.type, record.outcome, record.order_id,
                       micros(record.received_at), record.note], separators=(",", ":"))


def _record(event_id, value):
    type_, outcome, order_id, at, note = json.loads(value)
    return EventRecord(event_id, type_, outcome, order_id, EPOCH + at * MICROSECOND, note)


class ZodbEventLog(EventLog):
    def __init__(self, root):
        self.root = root

    def seen(self, event_id):
        # A read only: concurrent duplicates must not write shared objects
        # (a repeat delivery is noted outside the database: ports/deliveries.py).
        return isinstance(event_id, str) and event_id in self.root.events

    def record(self, record):
        # Two deliveries of one event both insert this key: ZODB reports a
        # conflict to the later one, whose retry then sees the event as seen.
        # insert() refuses a key already there: a record is never replaced.
        if not self.root.events.insert(record.event_id, stored(record)):
            raise KeyError(f"event {record.event_id} recorded twice")
        self.root.events_by_time.add(join(newest_first(record.received_at), record.event_id))
        self.root.event_count.change(1)

    def get(self, event_id):
        value = self.root.events.get(event_id) if isinstance(event_id, str) else None
        return None if value is None else _record(event_id, value)
