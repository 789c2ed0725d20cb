"""The outbox in the ZODB: one MailRecord per message, queued in the
transaction of the change it announces (docs/architecture.md, "Mail").

Containers of the application root (adapters/zodb/root.py):

- `mail`: message key -> MailRecord. The key is the notice's
  ("order-id:kind[:discriminator]"), so the same fact queued twice is kept
  once, and an order's messages are one key range.
- `mail_queue`: "due-time key", oldest first: what the sender walks. A
  message being sent stays here, due again when its claim runs out.
- `mail_failed`: "newest-first-time key": messages that failed for good.
- `mail_by_time`: "newest-first-time key": every message, for listings.
- `mail_alerts`: alert kind -> when the last one was queued.

Stored class paths are part of the schema: keep MailRecord here.
"""

from datetime import timedelta
from itertools import islice
import threading

from persistent import Persistent

from ...ports.mail import FAILED, QUEUED, SENDING, SENT, MailStatus, Outbox
from .keys import join, micros, newest_first, split

# The events of this process's background senders: each is set after a
# commit that queued mail, so the sender wakes at once.
WAKE = set()
_wake_lock = threading.Lock()
# A claimed message not marked sent by then is claimed again (the sender
# died between SMTP and its commit): the one case that may send twice.
CLAIM_LEASE = timedelta(minutes=5)


def due_key(moment, key):
    return join(f"{micros(moment):017d}", key)


class MailRecord(Persistent):
    def __init__(self, notice):
        self.notice = notice
        self.state = QUEUED
        self.attempts = 0
        self.error = None
        self.changed_at = notice.at
        self.queue_entry = due_key(notice.at, notice.key)
        self.failed_entry = None

    def as_status(self):
        notice = self.notice
        return MailStatus(
            key=notice.key, kind=notice.kind, order_id=notice.order_id,
            recipient=notice.recipient or "staff", state=self.state,
            queued_at=notice.at, changed_at=self.changed_at,
            attempts=self.attempts, error=self.error,
        )


class ZodbOutbox(Outbox):
    def __init__(self, root):
        self.root = root

    def queue(self, notice):
        if notice.key in self.root.mail:
            return False
        record = MailRecord(notice)
        self.root.mail[notice.key] = record
        self.root.mail_queue.add(record.queue_entry)
        self.root.mail_by_time.add(join(newest_first(notice.at), notice.key))
        self._wake_after_commit()
        return True

    def queue_all(self, notices):
        for notice in notices:
            self.queue(notice)

    def get(self, key):
        record = self.root.mail.get(key) if isinstance(key, str) else None
        return (record.as_status(), record.notice) if record is not None else None

    def of_order(self, order_id):
        prefix = order_id + ":"
        found = [r.as_status() for r in self.root.mail.values(prefix, prefix[:-1] + ";")]
        return sorted(found, key=lambda s: s.queued_at)

    def recent(self, limit=100):
        found = []
        for entry in self.root.mail_by_time.keys():
            record = self.root.mail.get(split(entry, 2)[1])
            if record is not None:
                found.append(record.as_status())
            if len(found) >= limit:
                break
        return found

    def failed(self, limit=1000):
        """Failed messages, the latest failure first."""
        return [self.root.mail[split(e, 2)[1]].as_status()
                for e in islice(self.root.mail_failed.keys(), limit)]

    def queued(self, limit=1000):
        """Messages waiting (or being sent), the first due first."""
        return [self.root.mail[split(e, 2)[1]].as_status()
                for e in islice(self.root.mail_queue.keys(), limit)]

    def retry(self, key, now):
        record = self.root.mail.get(key) if isinstance(key, str) else None
        if record is None or record.state != FAILED:
            return False
        self.root.mail_failed.remove(record.failed_entry)
        record.failed_entry = None
        record.state, record.attempts, record.error = QUEUED, 0, None
        record.changed_at = now
        self._requeue(record, now)
        self._wake_after_commit()
        return True

    def take_alert_slot(self, kind, now, interval):
        last = self.root.mail_alerts.get(kind)
        if last is not None and now - last < interval:
            return False
        self.root.mail_alerts[kind] = now
        return True

    # -- the sender's side (mail_sender.py) ------------------------------------

    def due(self, now, limit=100):
        """Keys of messages due by `now`, the oldest first."""
        entries = islice(self.root.mail_queue.keys(max=due_key(now, "~")), limit)
        return [split(entry, 2)[1] for entry in entries]

    def claim(self, key, now):
        """The notice to send, marking it being sent; None if it is not due."""
        record = self.root.mail.get(key)
        if record is None or record.state not in (QUEUED, SENDING):
            return None
        if split(record.queue_entry, 2)[0] > f"{micros(now):017d}":
            return None  # another sender claimed it, or it waits for a retry
        record.state = SENDING
        record.attempts += 1
        record.changed_at = now
        self._requeue(record, now + CLAIM_LEASE)
        return record.notice

    def sent(self, key, now, note=None):
        record = self.root.mail[key]
        self.root.mail_queue.remove(record.queue_entry)
        record.queue_entry = None
        record.state, record.error, record.changed_at = SENT, note, now

    def delay(self, key, now, error, wait):
        record = self.root.mail[key]
        record.state, record.error, record.changed_at = QUEUED, error, now
        self._requeue(record, now + wait)

    def fail(self, key, now, error):
        record = self.root.mail[key]
        if record.queue_entry is not None:
            self.root.mail_queue.remove(record.queue_entry)
            record.queue_entry = None
        record.state, record.error, record.changed_at = FAILED, error, now
        record.failed_entry = join(newest_first(now), key)
        self.root.mail_failed.add(record.failed_entry)

    def _requeue(self, record, due):
        if record.queue_entry is not None:
            self.root.mail_queue.remove(record.queue_entry)
        record.queue_entry = due_key(due, record.notice.key)
        self.root.mail_queue.add(record.queue_entry)

    def _wake_after_commit(self):
        jar = getattr(self.root, "_p_jar", None)
        if jar is not None:
            jar.transaction_manager.get().addAfterCommitHook(_wake)


def listen():
    """A new event, set after every commit that queues mail."""
    event = threading.Event()
    with _wake_lock:
        WAKE.add(event)
    return event


def unlisten(event):
    with _wake_lock:
        WAKE.discard(event)


def _wake(committed):
    if committed:
        with _wake_lock:
            events = list(WAKE)
        for event in events:
            event.set()
