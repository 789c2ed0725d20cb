"""Keyset listings for the admin panel: they walk indexes, never all orders.

A cursor is the index key of the last row shown, as text, so that a page
costs the same whatever the number of stored orders or events.
"""

from dataclasses import replace

from ...ports.users import EventListing, OrderListing, Page
from .events import ZodbEventLog, from_time_key

# The events page filters while it walks the time index; past this many
# entries without filling a page it stops and offers a "next" link instead.
MAX_EVENT_SCAN = 2000


def _cursor(time_key, ident, nonce=None):
    return f"{time_key}:{ident}" + (f"/{nonce}" if nonce else "")


def _parse_duplicate(cursor):
    # A duplicate's key has a third part, the nonce, kept in the cursor.
    parsed = _parse(cursor)
    if parsed is None or "/" not in parsed[1]:
        return None
    event_id, _, nonce = parsed[1].rpartition("/")
    return (parsed[0], event_id, nonce)


def _parse(cursor):
    if not cursor or ":" not in cursor:
        return None
    time_key, _, ident = cursor.partition(":")
    try:
        return int(time_key), ident
    except ValueError:
        return None


class ZodbOrderListing(OrderListing):
    def __init__(self, root):
        self.root = root

    def page(self, status=None, cursor=None, limit=25):
        after = _parse(cursor)
        if status:
            low = (status,) + after if after else (status, -2**63, "")
            keys = self.root.by_status.keys(min=low, max=(status, 2**63, "\uffff"),
                                            excludemin=bool(after))
            pairs = ((k[1], k[2]) for k in keys)
        else:
            keys = self.root.by_created.keys(min=after, excludemin=True) if after \
                else self.root.by_created.keys()
            pairs = iter(keys)
        rows = []
        for time_key, order_id in pairs:
            if len(rows) == limit:
                last = rows[-1]
                return Page([r for _, r in rows], _cursor(*last[0]))
            rows.append(((time_key, order_id), self.root.orders[order_id].order))
        return Page([r for _, r in rows], None)

    def search(self, term, limit=50):
        term = (term or "").strip()
        if not term:
            return []
        ids = set()
        if term in self.root.orders:
            ids.add(term)
        for index in (self.root.by_session, self.root.by_intent):
            order_id = index.get(term)
            if order_id:
                ids.add(order_id)
        by_email = getattr(self.root, "by_email", None)
        if by_email is not None and term.lower() in by_email:
            ids.update(by_email[term.lower()].keys())
        orders = [self.root.orders[i].order for i in ids if i in self.root.orders]
        orders.sort(key=lambda o: (o.date_created, o.id), reverse=True)
        return orders[:limit]

    def status_counts(self):
        return {status: length() for status, length in self.root.counts.items()}


class ZodbEventListing(EventListing):
    def __init__(self, root):
        self.root = root

    def page(self, outcome=None, type=None, cursor=None, limit=50):
        after = _parse(cursor)
        if outcome == "duplicate":
            index, after = self.root.duplicates, _parse_duplicate(cursor)
        else:
            index = self.root.events_by_time
        keys = index.keys(min=after, excludemin=True) if after else index.keys()
        log = ZodbEventLog(self.root)
        rows, scanned, last = [], 0, None
        for key in keys:
            if len(rows) == limit or scanned == MAX_EVENT_SCAN:
                return Page(rows, _cursor(*last))
            scanned += 1
            last = key
            record = log.get(key[1])
            if record is None:
                continue
            if outcome == "duplicate":
                record = replace(record, outcome="duplicate", note="delivered again",
                                 received_at=from_time_key(key[0]))
            if outcome and record.outcome != outcome:
                continue
            if type and record.type != type:
                continue
            rows.append(record)
        return Page(rows, None)
