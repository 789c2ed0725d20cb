"""MemoryDuplicateNotes: the latest repeat deliveries, kept by this process."""

from collections import deque
import threading

from ...ports.deliveries import DuplicateNotes
from ...ports.listings import Page

# Enough to see what a retry storm or a replay looks like; a bounded deque,
# so a flood of replays costs a fixed amount of memory.
KEEP = 1000


class MemoryDuplicateNotes(DuplicateNotes):
    """Per process and lost at a restart: the price of writing nothing.

    Each waitress thread notes into the same object, hence the lock. A
    cursor is the number of the last delivery shown, counted since start-up.
    """

    def __init__(self, keep=KEEP):
        self._notes = deque(maxlen=keep)  # (number, RepeatDelivery), oldest first
        self._count = 0
        self._lock = threading.Lock()

    def note(self, delivery):
        with self._lock:
            self._count += 1
            self._notes.append((self._count, delivery))

    def page(self, type=None, cursor=None, limit=50):
        before = _number(cursor)
        with self._lock:
            notes = list(self._notes)
        rows, last = [], None
        for number, delivery in reversed(notes):
            if before is not None and number >= before:
                continue
            if type and delivery.type != type:
                continue
            if len(rows) == limit:
                return Page(rows, str(last))
            rows.append(delivery)
            last = number
        return Page(rows, None)


def _number(cursor):
    # Any text is a harmless cursor: one that is not a number starts over.
    try:
        return int(cursor) if cursor else None
    except ValueError:
        return None
