"""Webhook deliveries: applied once; a repeat is noted, and nothing is written for it."""

from datetime import datetime, timedelta, timezone
import threading

from orderflow.adapters.fake.gateway import FakeGateway
from orderflow.adapters.memory.duplicates import MemoryDuplicateNotes
from orderflow.domain.catalog import Line, Product
from orderflow.ports import SharedCommit
from orderflow.ports.deliveries import RepeatDelivery
from orderflow.ports.listings import EventListing, Page
from orderflow.services import CheckoutSettings, start_checkout
from orderflow.services.deliveries import event_page, receive_event

from .fakes import InMemoryCarts, InMemoryCatalog, InMemoryEventLog, InMemoryOrderRepository

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
MUG = Product("mug", "Mug", "A mug", 1250, "eur")


class DirectCommit(SharedCommit):
    """Runs each unit at once on the fakes, counting the units that wrote."""

    def __init__(self, orders, events, carts):
        self.orders, self.events, self.carts = orders, events, carts
        self.writes = 0

    def run(self, work):
        before = (len(self.events.records), len(self.orders))
        result = work(self.orders, self.events, self.carts)
        self.writes += (len(self.events.records), len(self.orders)) != before
        return result


class NoListing(EventListing):
    def page(self, outcome=None, type=None, cursor=None, limit=50):
        return Page([("stored log", outcome, type, cursor)], None)

    def recent(self, since):
        raise AssertionError("the events page never asks for the health counts")


class Shop:
    def __init__(self):
        self.gateway = FakeGateway("whsec_x", "http://shop.test")
        self.orders = InMemoryOrderRepository()
        self.events = InMemoryEventLog()
        self.commit = DirectCommit(self.orders, self.events, InMemoryCarts())
        self.notes = MemoryDuplicateNotes()
        started = start_checkout(InMemoryCatalog([MUG]), self.orders, self.gateway,
                                 CheckoutSettings("http://shop.test"), "ord_1",
                                 [Line("mug", 1)], None, T0)
        self.paid = self.gateway.pay(started.session_id)[0]

    def receive(self, delivery, minutes):
        event = self.gateway.parse_webhook(delivery.body, delivery.header)
        return receive_event(self.commit, self.notes, event, T0 + timedelta(minutes=minutes))


def test_repeat_deliveries_are_answered_as_duplicates_and_only_noted():
    shop = Shop()
    first = shop.receive(shop.paid, 1)
    history = len(shop.orders.get("ord_1").history)
    repeats = [shop.receive(shop.paid, 2 + n) for n in range(3)]

    assert not first.duplicate and first.outcome == "applied"
    assert [r.duplicate for r in repeats] == [True, True, True]
    assert shop.commit.writes == 1
    assert len(shop.orders.get("ord_1").history) == history
    event_id = shop.paid.event["id"]
    noted = shop.notes.page().items
    assert [(n.event_id, n.received_at) for n in noted] == [
        (event_id, T0 + timedelta(minutes=m)) for m in (4, 3, 2)]


def test_the_duplicate_page_shows_each_repeat_as_its_first_record_at_the_repeat_time():
    shop = Shop()
    shop.receive(shop.paid, 1)
    shop.receive(shop.paid, 5)
    [row] = event_page(NoListing(), shop.events, shop.notes, outcome="duplicate").items
    first = shop.events.get(shop.paid.event["id"])
    assert (row.event_id, row.type, row.order_id) == (first.event_id, first.type, "ord_1")
    assert row.outcome == "duplicate" and row.received_at == T0 + timedelta(minutes=5)
    assert row.note == "delivered again; first applied"


def test_other_outcomes_come_from_the_stored_log():
    found = event_page(NoListing(), InMemoryEventLog(), MemoryDuplicateNotes(),
                       outcome="applied", type="charge.refunded", cursor="c")
    assert found.items == [("stored log", "applied", "charge.refunded", "c")]


def note(notes, n, type="checkout.session.completed"):
    notes.note(RepeatDelivery(f"evt_{n}", type, T0 + timedelta(seconds=n)))


def test_the_notes_page_newest_first_by_type_with_a_cursor():
    notes = MemoryDuplicateNotes()
    for n in range(5):
        note(notes, n, "charge.refunded" if n % 2 else "checkout.session.completed")
    first = notes.page(limit=2)
    assert [d.event_id for d in first.items] == ["evt_4", "evt_3"]
    rest = notes.page(cursor=first.next_cursor, limit=10)
    assert [d.event_id for d in rest.items] == ["evt_2", "evt_1", "evt_0"]
    assert rest.next_cursor is None
    refunds = notes.page(type="charge.refunded")
    assert [d.event_id for d in refunds.items] == ["evt_3", "evt_1"]


def test_the_notes_keep_only_the_latest_and_any_cursor_is_harmless():
    notes = MemoryDuplicateNotes(keep=3)
    for n in range(10):
        note(notes, n)
    assert [d.event_id for d in notes.page().items] == ["evt_9", "evt_8", "evt_7"]
    assert [d.event_id for d in notes.page(cursor="not a number").items] == [
        "evt_9", "evt_8", "evt_7"]
    assert notes.page(cursor="1").items == []


def test_threads_noting_at_once_lose_no_note():
    notes = MemoryDuplicateNotes(keep=10_000)
    threads = [threading.Thread(target=lambda: [note(notes, n) for n in range(500)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(notes.page(limit=10_000).items) == 2000
