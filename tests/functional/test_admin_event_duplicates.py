"""Repeat deliveries write nothing to the database; the events page lists them from memory."""

from orderflow.adapters.web.services import process_service
from orderflow.ports.deliveries import DuplicateNotes


def storage_mark(shop):
    """The storage's last transaction id and size: any commit changes the first."""
    return shop.db.lastTransaction(), shop.db.getSize()


def test_repeat_deliveries_of_a_signed_event_write_nothing_and_each_answers_duplicate(shop):
    started = shop.checkout().json
    delivery = shop.gateway.pay(started["sessionId"])[0]
    assert shop.deliver(delivery).json == {"received": True, "duplicate": False}
    before = storage_mark(shop)

    answers = [shop.deliver(delivery) for _ in range(5)]

    assert [(a.status_int, a.json) for a in answers] == [
        (200, {"received": True, "duplicate": True})] * 5
    assert storage_mark(shop) == before


def test_a_repeated_delivery_is_listed_as_duplicate_and_changes_nothing(admin):
    started = admin.checkout().json
    delivery = admin.gateway.pay(started["sessionId"])[0]
    event_id = delivery.event["id"]
    admin.deliver(delivery)
    history = len(admin.order(started["orderId"]).history)

    assert admin.deliver(delivery).json["duplicate"] is True
    assert admin.deliver(delivery).json["duplicate"] is True

    duplicates = admin.http.get("/admin/events", {"outcome": "duplicate"})
    assert duplicates.text.count(f"<code>{event_id}</code>") == 2
    assert duplicates.text.count("delivered again; first applied") == 2
    assert f'/admin/orders/{started["orderId"]}' in duplicates.text
    applied = admin.http.get("/admin/events", {"outcome": "applied"})
    assert applied.text.count(f"<code>{event_id}</code>") == 1
    with admin.storage() as repos:
        assert len(repos.root.events) == 1
    assert len(admin.order(started["orderId"]).history) == history


def test_the_duplicate_list_pages_through_every_repeat(admin):
    started = admin.checkout().json
    delivery = admin.gateway.pay(started["sessionId"])[0]
    for _ in range(4):
        admin.deliver(delivery)

    notes = process_service(admin.app.registry, DuplicateNotes)
    seen, cursor = 0, None
    for _ in range(5):
        page = notes.page(cursor=cursor, limit=1)
        seen += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == 3
    html = admin.http.get("/admin/events", {"outcome": "duplicate"}).text
    assert html.count(f'<code>{delivery.event["id"]}</code>') == 3
