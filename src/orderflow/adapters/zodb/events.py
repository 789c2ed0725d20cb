"""ZodbEventLog: processed event ids in a BTree, written with their effect."""

from ...ports.repositories import EventLog
from .orders import time_key


class ZodbEventLog(EventLog):
    def __init__(self, root):
        self.root = root

    def seen(self, event_id):
        # A read only: concurrent duplicates must not write shared objects.
        return event_id in self.root.events

    def record(self, record):
        # Two deliveries of one event both insert this key: ZODB reports a
        # conflict to the later one, whose retry then sees the event as seen.
        self.root.events[record.event_id] = record
        self.root.events_by_time.add((time_key(record.received_at), record.event_id))
        self.root.event_count.change(1)

    def get(self, event_id):
        return self.root.events.get(event_id)
