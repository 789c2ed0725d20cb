"""Repeat deliveries appear in the events log, noted after the request commits."""

from orderflow.adapters.zodb.listing import ZodbEventListing


def test_a_repeated_delivery_is_listed_as_duplicate_and_changes_nothing(admin):
    started = admin.checkout().json
    delivery = admin.gateway.pay(started["sessionId"])[0]
    event_id = delivery.event["id"]
    admin.deliver(delivery)
    history = len(admin.order(started["orderId"]).history)

    assert admin.deliver(delivery).json["duplicate"] is True
    assert admin.deliver(delivery).json["duplicate"] is True

    duplicates = admin.http.get("/admin/events", {"outcome": "duplicate"})
    assert duplicates.text.count(event_id) == 2
    applied = admin.http.get("/admin/events", {"outcome": "applied"})
    assert applied.text.count(event_id) == 1
    with admin.storage() as repos:
        assert len(repos.root.events) == 1
    assert len(admin.order(started["orderId"]).history) == history


def test_the_duplicate_list_pages_through_every_repeat(admin):
    started = admin.checkout().json
    delivery = admin.gateway.pay(started["sessionId"])[0]
    for _ in range(4):
        admin.deliver(delivery)

    seen, cursor = 0, None
    for _ in range(5):
        with admin.storage() as repos:
            page = ZodbEventListing(repos.root).page(outcome="duplicate", cursor=cursor, limit=1)
        seen += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == 3
