"""Keyset listings for the admin panel: they walk indexes, never all orders.

A cursor is the index key of the last row shown, as text, so that a page
costs the same whatever the number of stored orders or events.
"""

from dataclasses import replace

from ...ports.users import EventListing, OrderListing, Page
from .events import ZodbEventLog
from .keys import join, moment_of, prefix_range, split

# The events page filters while it walks the time index; past this many
# entries without filling a page it stops and offers a "next" link instead.
MAX_EVENT_SCAN = 2000


class ZodbOrderListing(OrderListing):
    def __init__(self, root):
        self.root = root

    def page(self, status=None, cursor=None, limit=25):
        # The cursor is "time id" of the last row shown: the by_created key,
        # and the by_status key without its status. Any text is a harmless
        # bound, so a tampered cursor only moves the page.
        if status:
            low, high = prefix_range(status)
            if cursor:
                low = join(status, cursor)
            keys = (split(k, 2)[1] for k in self.root.by_status.keys(
                min=low, max=high, excludemin=bool(cursor)))
        else:
            keys = self.root.by_created.keys(min=cursor, excludemin=True) if cursor \
                else self.root.by_created.keys()
        rows, last = [], None
        for key in keys:
            if len(rows) == limit:
                return Page(rows, last)
            rows.append(self.root.orders[split(key, 2)[1]].order)
            last = key
        return Page(rows, None)

    def search(self, term, limit=50):
        term = (term or "").strip()
        if not term:
            return []
        found = {}
        for order_id in (term, self.root.by_session.get(term), self.root.by_intent.get(term)):
            record = self.root.orders.get(order_id) if order_id else None
            if record is not None:
                found[order_id] = record.order
        by_email = self.root.by_email.get(term.lower())
        if by_email is not None:
            # "time id" keys, newest first: only the orders shown are loaded.
            for key in by_email.keys():
                if len(found) >= limit:
                    break
                order_id = split(key, 2)[1]
                found.setdefault(order_id, self.root.orders[order_id].order)
        orders = sorted(found.values(), key=lambda o: (o.date_created, o.id), reverse=True)
        return orders[:limit]

    def status_counts(self):
        return {status: length() for status, length in self.root.counts.items()}


class ZodbEventListing(EventListing):
    def __init__(self, root):
        self.root = root

    def page(self, outcome=None, type=None, cursor=None, limit=50):
        # The cursor is the index key of the last entry scanned.
        if outcome == "duplicate":
            index, parts = self.root.duplicates, 3  # time, nonce, event id
        else:
            index, parts = self.root.events_by_time, 2  # time, event id
        keys = index.keys(min=cursor, excludemin=True) if cursor else index.keys()
        log = ZodbEventLog(self.root)
        rows, scanned, last = [], 0, None
        for key in keys:
            if len(rows) == limit or scanned == MAX_EVENT_SCAN:
                return Page(rows, last)
            scanned += 1
            last = key
            key_parts = split(key, parts)
            record = log.get(key_parts[-1])
            if record is None:
                continue
            if outcome == "duplicate":
                record = replace(record, outcome="duplicate", note="delivered again",
                                 received_at=moment_of(key_parts[0]))
            if outcome and record.outcome != outcome:
                continue
            if type and record.type != type:
                continue
            rows.append(record)
        return Page(rows, None)
