"""ZodbEventLog: processed event ids in a BTree, written with their effect."""

from datetime import datetime
import json

from BTrees.Length import Length
from persistent.mapping import PersistentMapping

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


def hour_of(moment):
    """The hour part of an `event_hours` key: "2026-12-02T13", in UTC."""
    return moment.astimezone(EPOCH.tzinfo).strftime("%Y-%m-%dT%H")


def start_of(hour):
    """The moment an hour part begins."""
    return datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=EPOCH.tzinfo)


def count_event(root, received_at, outcome, change=1):
    """Add `change` to the events received in that hour with that outcome.

    A `Length` per (hour, outcome): concurrent webhooks change the same
    one and its conflict resolution adds their changes up, so the counts
    cost a webhook one small record and no retry. The first webhook of an
    hour also inserts the key; two of them at once conflict, and the
    retry finds it there."""
    key = join(hour_of(received_at), outcome)
    counter = root.event_hours.get(key)
    if counter is None:
        counter = root.event_hours[key] = Length()
    counter.change(change)


def payload_key(event_id, received_at):
    """The key of an event's payload: "time event-id", as in events_by_time."""
    return join(newest_first(received_at), event_id)


class ZodbEventLog(EventLog):
    def __init__(self, root):
        self.root = root

    def seen(self, event_id):
        # A read only: concurrent duplicates must not write shared objects
        # (a repeat delivery is noted outside the database: ports/deliveries.py).
        return isinstance(event_id, str) and event_id in self.root.events

    def record(self, record, payload=None):
        # Two deliveries of one event both insert this key: ZODB reports a
        # conflict to the later one, whose retry then sees the event as seen.
        # insert() refuses a key already there: a record is never replaced.
        if not self.root.events.insert(record.event_id, stored(record)):
            raise KeyError(f"event {record.event_id} recorded twice")
        holder = None
        if payload is not None:
            # The bytes as they came (no re-serialisation), in a record of
            # their own: the tree's bucket holds only keys and references,
            # so a webhook writes its own payload once, not its neighbours'.
            # PersistentMapping: an existing stored class.
            holder = PersistentMapping()
            holder["body"] = bytes(payload)
        # One tree is both the time index and the payloads' index, so a
        # webhook writes one index bucket for both (docs/performance.md,
        # "Raw events"). None: no payload, or pruned.
        self.root.events_by_time[payload_key(record.event_id, record.received_at)] = holder
        # The only counter a webhook writes (the total is their sum).
        count_event(self.root, record.received_at, record.outcome)

    def get(self, event_id):
        value = self.root.events.get(event_id) if isinstance(event_id, str) else None
        return None if value is None else _record(event_id, value)

    def payload(self, event_id):
        record = self.get(event_id)
        if record is None:
            return None
        holder = self.root.events_by_time.get(payload_key(event_id, record.received_at))
        return None if holder is None else holder["body"]

    def amend(self, record):
        old = self.get(record.event_id)
        if old is None:
            raise KeyError(f"event {record.event_id} was never recorded")
        # Same key, new value: two amendments at once conflict in the bucket.
        if record.outcome != old.outcome:
            count_event(self.root, old.received_at, old.outcome, -1)
            count_event(self.root, old.received_at, record.outcome)
        self.root.events[record.event_id] = stored(
            EventRecord(record.event_id, record.type, record.outcome, record.order_id,
                        old.received_at, record.note))

    def prune_payloads(self, before, limit):
        # Keys after "T!" are those of events strictly older than `before`
        # ("T " < "T!": the ones received at `before` itself stay). A pruned
        # entry stays in the time index with None; `payloads_pruned_from`
        # is the key from which every older entry holds None, so a daily
        # prune walks only what became old since the last one, not the
        # whole history.
        low = newest_first(before) + "!"
        index, done = self.root.events_by_time, self.root.payloads_pruned_from
        if done is not None and low >= done:
            return 0
        keys = []
        entries = index.items(min=low, max=done, excludemax=True) if done else index.items(min=low)
        for key, holder in entries:
            if holder is None:  # pruned by an earlier run that stopped at its limit
                continue
            if len(keys) == limit:
                break
            keys.append(key)
        else:
            # The walk reached the pruned end: all from `low` on is pruned now.
            self.root.payloads_pruned_from = low
        for key in keys:
            index[key] = None
        return len(keys)
