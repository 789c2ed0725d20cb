"""In-memory listings over the in-memory repository and event log.

They page like the ZODB listings (contracts/test_listings.py): a cursor is
the sort key of the last row shown, as text, so any text is a harmless
bound, and rows stored after a page was shown never shift the next one.
"""

from datetime import datetime, timedelta, timezone

from orderflow.domain.order import Status
from orderflow.ports.listings import EventListing, OrderListing, Page, RecentEvents, walk_pages

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _newest_first(moment, *rest):
    """A text sort key: later moments first, then `rest` in text order."""
    micros = (moment - EPOCH) // timedelta(microseconds=1)
    return " ".join((f"{10**17 - micros:017d}",) + rest)


def _page(rows, cursor, limit):
    """rows: (key, item) pairs; the page after `cursor`, in key order."""
    rows = sorted((row for row in rows if not cursor or row[0] > cursor),
                  key=lambda row: row[0])
    shown = rows[:limit]
    return Page([item for _, item in shown],
                shown[-1][0] if len(rows) > limit else None)


class InMemoryOrderListing(OrderListing):
    def __init__(self, orders):
        self.orders = orders  # an InMemoryOrderRepository

    def page(self, status=None, cursor=None, limit=25):
        return _page(((self._key(o), o) for o in self.orders.all()
                      if status is None or o.status == status), cursor, limit)

    def search(self, term, cursor=None, limit=25):
        term = (term or "").strip()
        if not term:
            return Page([], None)
        found = {}
        if not cursor:
            for order in self.orders.all():
                refs = {order.id, *(s.id for s in order.sessions), *order.payment_intents()}
                if term in refs:
                    found[order.id] = order
        email = term.lower()
        mine = [o for o in self.orders.all() if o.email and o.email.lower() == email]
        if not mine:
            return Page(self._sorted(found.values()), None)
        page = _page(((self._key(o), o) for o in mine), cursor, limit)
        for order in page.items:
            found.setdefault(order.id, order)
        return Page(self._sorted(found.values()), page.next_cursor)

    def stream(self, status=None, query=None, batch=500):
        return walk_pages(self, status, query, batch)

    def status_counts(self):
        counts = dict.fromkeys(Status.ALL, 0)
        for order in self.orders.all():
            counts[order.status] += 1
        return counts

    @staticmethod
    def _key(order):
        return _newest_first(order.date_created, order.id)

    def _sorted(self, orders):
        return sorted(orders, key=self._key)


class InMemoryEventListing(EventListing):
    def __init__(self, events):
        self.events = events  # an InMemoryEventLog

    def recent(self, since):
        records = sorted(self.events.records.values(),
                         key=lambda r: r.received_at, reverse=True)
        last = records[0].received_at if records else None
        counts = {}
        for r in records:
            if r.received_at >= since:
                counts[r.outcome] = counts.get(r.outcome, 0) + 1
        return RecentEvents(last, counts, since)

    def page(self, outcome=None, type=None, cursor=None, limit=50):
        # Repeat deliveries are not in the event log (ports/deliveries.py).
        rows = [(_newest_first(r.received_at, r.event_id), r)
                for r in self.events.records.values()
                if outcome is None or r.outcome == outcome]
        return _page(((key, r) for key, r in rows if type is None or r.type == type),
                     cursor, limit)
