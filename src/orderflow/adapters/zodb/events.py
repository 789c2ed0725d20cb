"""ZodbEventLog: processed event ids in a BTree, written with their effect."""

from datetime import datetime, timezone
import logging
import secrets

from ...ports.repositories import EventLog, EventRecord
from .orders import time_key
from .root import app_root, run_in_transaction

log = logging.getLogger(__name__)


def _stored(record):
    # A plain tuple of str and int: a small pickle, comparable values for
    # BTree conflict resolution, and nothing a ZEO server must import to
    # merge two buckets.
    return (record.type, record.outcome, record.order_id,
            -time_key(record.received_at), record.note)


def from_time_key(key):
    return datetime.fromtimestamp(-key / 1_000_000, timezone.utc)


def _record(event_id, stored):
    type_, outcome, order_id, micros, note = stored
    return EventRecord(event_id, type_, outcome, order_id, from_time_key(-micros), note)


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


def remember_duplicate_after_commit(transaction, db, event_id, received_at):
    """Note a repeated delivery in the events log, after the request commits.

    The duplicate path of a webhook must not write to shared objects (two
    deliveries of one event at once must both be answered 200), so the note
    is a separate, best-effort transaction: if it fails, the delivery was
    still answered correctly and only the log line is missing.
    """
    def note(connection):
        app_root(connection).duplicates.add(
            (time_key(received_at), event_id, secrets.token_hex(4)))

    def hook(committed):
        if not committed:
            return
        try:
            run_in_transaction(db, note, attempts=3)
        except Exception:
            log.exception("could not note the duplicate delivery of %s", event_id)

    transaction.addAfterCommitHook(hook)
