"""Listing ports: the pages of orders and events of the admin panel."""

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Page:
    """One page of a keyset listing; `next_cursor` is None on the last page.

    A cursor is opaque text from the implementation: only ever passed back.
    """

    items: list
    next_cursor: str | None


class OrderListing(abc.ABC):
    @abc.abstractmethod
    def page(self, status=None, cursor=None, limit=25):
        """Orders newest first (by creation, ties by id), only `status` if
        given, after `cursor`, as a Page."""

    @abc.abstractmethod
    def search(self, term, cursor=None, limit=25):
        """Orders matching an order id, a session id (current or earlier),
        a payment intent or a customer email (any case), newest first, as a
        Page: an email's orders page after `cursor` like `page`; the one
        order an id finds comes on the first page only."""

    @abc.abstractmethod
    def stream(self, status=None, query=None):
        """Every order `page` (or `search`, given a query) would list, newest
        first, as an iterator that holds one batch at a time: for an export
        that outlives the request (a database adapter reads what was
        committed, in one consistent state). Close it (WSGI servers call
        close()) if it is not exhausted."""

    @abc.abstractmethod
    def status_counts(self):
        """status -> number of orders, every status (zero included), from
        counters (never a scan)."""


@dataclass(frozen=True)
class RecentEvents:
    """What the webhook health panel shows of the stored events."""

    last_received_at: datetime | None  # the latest event ever recorded
    counts: dict  # outcome -> events received from `counted_from` on (their outcome now)
    # `since`; or the top of its hour, when that hour held more events
    # than the adapter counts one by one.
    counted_from: datetime


def walk_pages(listing, status=None, query=None, batch=500, between_pages=None):
    """Every order of a listing (or of a search), page by page, newest first.

    The orders a search finds by id come on its first page only; one of
    them that the email's later pages list again is not given twice.
    """
    cursor, first_ids = None, set()
    while True:
        if query:
            found = listing.search(query, cursor=cursor, limit=batch)
        else:
            found = listing.page(status=status, cursor=cursor, limit=batch)
        for order in found.items:
            if cursor is None:
                first_ids.add(order.id)
            elif order.id in first_ids:
                continue
            yield order
        if found.next_cursor is None:
            return
        cursor = found.next_cursor
        if between_pages is not None:
            between_pages()


class EventListing(abc.ABC):
    @abc.abstractmethod
    def recent(self, since: datetime):
        """RecentEvents of the events received from `since` on, counted
        so that the cost does not grow with their number (the ZODB adapter
        keeps counts by the hour)."""

    @abc.abstractmethod
    def page(self, outcome=None, type=None, cursor=None, limit=50):
        """Received events newest first, optionally of one outcome and type,
        as a Page of EventRecords. The outcome "duplicate" lists repeated
        deliveries, one row each (note "delivered again", received_at the
        time of the repeat). A page may hold fewer than `limit` rows and
        still have a next cursor: walking every page gives each match once."""
