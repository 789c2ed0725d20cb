"""Keyset listings for the admin panel: they walk indexes, never all orders.

A cursor is the index key of the last row shown, as text, so that a page
costs the same whatever the number of stored orders or events.
"""

from datetime import timedelta

import transaction

from ...ports.listings import EventListing, OrderListing, Page, RecentEvents, walk_pages
from .events import ZodbEventLog, hour_of, start_of
from .keys import join, moment_of, newest_first, prefix_range, split
from .references import order_ids_by_id_prefix, order_ids_by_reference_prefix
from ...domain.order_parts import reference_prefix
from .root import app_root

HOUR = timedelta(hours=1)

# Orders an export reads between two emptyings of its connection's cache.
STREAM_BATCH = 500

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
            keys = self._after(self.root.by_created, cursor)
        return self._page(keys, limit)

    def search(self, term, cursor=None, limit=25):
        term = (term or "").strip()
        if not term:
            return Page([], None)
        # An order id, a session id or a payment intent finds one order: on
        # the first page only. An email finds every order of it, through its
        # own "time id" set (newest first, like by_created): paged by the
        # same cursor, so only the orders shown are loaded.
        found = {}
        if not cursor:
            for order_id in (term, self.root.by_session.get(term), self.root.by_intent.get(term),
                             *self._by_prefix(term, limit)):
                record = self.root.orders.get(order_id) if order_id else None
                if record is not None:
                    found[order_id] = record.order
        by_email = self.root.by_email.get(term.lower())
        if by_email is None:
            return Page(_newest_first(found.values()), None)
        page = self._page(self._after(by_email, cursor), limit)
        for order in page.items:
            found.setdefault(order.id, order)
        return Page(_newest_first(found.values()), page.next_cursor)

    def _by_prefix(self, term, limit):
        """Orders whose reference or id starts with the term (SPEC §11),
        up to `limit` of each, read from ranges of the two BTrees' keys."""
        ids = order_ids_by_id_prefix(self.root, term, limit)
        prefix = reference_prefix(term)
        if prefix:
            ids += order_ids_by_reference_prefix(self.root, prefix, limit)
        return ids

    @staticmethod
    def _after(index, cursor):
        return index.keys(min=cursor, excludemin=True) if cursor else index.keys()

    def _page(self, keys, limit):
        """Up to `limit` orders of "time id" keys; the next cursor if more follow."""
        rows, last = [], None
        for key in keys:
            if len(rows) == limit:
                return Page(rows, last)
            rows.append(self.root.orders[split(key, 2)[1]].order)
            last = key
        return Page(rows, None)

    def status_counts(self):
        return {status: length() for status, length in self.root.counts.items()}

    def stream(self, status=None, query=None, batch=STREAM_BATCH):
        # The request's connection is closed (pyramid_zodbconn, in a finished
        # callback) before the server iterates the response, so the stream
        # opens its own: from the database, taken now while the request's
        # connection is still open.
        return _stream(self.root._p_jar.db(), status, query, batch)


def _stream(db, status, query, batch):
    """The orders of a listing, page by page, on a connection of its own.

    One read transaction: every page sees the same state, however long the
    client takes. Between pages the connection's cache is emptied, so that
    memory holds one page of orders, not every order walked.
    """
    tm = transaction.TransactionManager(explicit=True)
    connection = db.open(transaction_manager=tm)
    try:
        tm.begin()
        yield from walk_pages(ZodbOrderListing(app_root(connection)), status, query, batch,
                              between_pages=connection.cacheMinimize)
    finally:
        tm.abort()
        connection.cacheMinimize()
        connection.close()


def _newest_first(orders):
    # The order of the "time id" index keys: newest first, ties by id.
    return sorted(orders, key=lambda o: (newest_first(o.date_created), o.id))


class ZodbEventListing(EventListing):
    # The most events of the window's first, partial hour counted one by one.
    edge_walk = 5000

    def __init__(self, root):
        self.root = root

    def page(self, outcome=None, type=None, cursor=None, limit=50):
        # The cursor is the index key ("time event-id") of the last entry scanned.
        index = self.root.events_by_time
        keys = index.keys(min=cursor, excludemin=True) if cursor else index.keys()
        log = ZodbEventLog(self.root)
        rows, scanned, last = [], 0, None
        for key in keys:
            if len(rows) == limit or scanned == MAX_EVENT_SCAN:
                return Page(rows, last)
            scanned += 1
            last = key
            record = log.get(split(key, 2)[1])
            if record is None:
                continue
            if outcome and record.outcome != outcome:
                continue
            if type and record.type != type:
                continue
            rows.append(record)
        return Page(rows, None)

    def recent(self, since):
        index = self.root.events_by_time
        try:
            last = moment_of(split(index.minKey(), 2)[0])
        except ValueError:  # no event yet (len() would walk every bucket)
            last = None
        # Whole hours from their counters (events.count_event): a few keys
        # an hour, whatever the volume. The hour `since` falls in, unless it
        # starts there, is counted event by event from `since` on, so the
        # window is exact; past `edge_walk` events in that part hour its
        # counter is taken whole and the counts start at its top.
        hour = hour_of(since)
        counted_from, counts = since, {}
        if since != start_of(hour):
            edge = self._edge(since, start_of(hour) + HOUR)
            if edge is None:
                counted_from = start_of(hour)
            else:
                counts, hour = edge, hour_of(start_of(hour) + HOUR)
        for key, counter in self.root.event_hours.items(min=hour):
            outcome = split(key, 2)[1]
            counts[outcome] = counts.get(outcome, 0) + counter()
        return RecentEvents(last, {k: n for k, n in counts.items() if n}, counted_from)

    def _edge(self, since, until):
        """Outcome counts of the events received from `since` to before
        `until` (within one hour), or None past `edge_walk` of them."""
        # Newest first: keys above "U!" are older than `until`, keys up to
        # "S!" were received at `since` or later.
        keys = self.root.events_by_time.keys(
            min=newest_first(until) + "!", max=newest_first(since) + "!")
        log, counts = ZodbEventLog(self.root), {}
        for walked, key in enumerate(keys):
            if walked == self.edge_walk:
                return None
            record = log.get(split(key, 2)[1])
            if record is not None:
                counts[record.outcome] = counts.get(record.outcome, 0) + 1
        return counts
