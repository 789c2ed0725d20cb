"""ZodbEventLog: processed event ids in a BTree, written with their effect."""

import json
import logging
import secrets

from ...ports.repositories import EventLog, EventRecord
from .keys import EPOCH, MICROSECOND, join, micros, newest_first
from .root import app_root, run_in_transaction

log = logging.getLogger(__name__)


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
        # A read only: concurrent duplicates must not write shared objects.
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


def remember_duplicate_after_commit(transaction, db, event_id, received_at):
    """Note a repeated delivery in the events log, after the request commits.

    The duplicate path of a webhook must not write to shared objects (two
    deliveries of one event at once must both be answered 200), so the note
    is a separate, best-effort transaction: if it fails, the delivery was
    still answered correctly and only the log line is missing.
    """
    def note(connection):
        app_root(connection).duplicates.add(
            join(newest_first(received_at), secrets.token_hex(4), event_id))

    def hook(committed):
        if not committed:
            return
        try:
            run_in_transaction(db, note, attempts=3)
        except Exception:
            log.exception("could not note the duplicate delivery of %s", event_id)

    transaction.addAfterCommitHook(hook)
