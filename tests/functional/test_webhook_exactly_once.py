"""Each event is applied exactly once, however often it is delivered (SPEC §3.3)."""

from tests.functional.conftest import event_record, history_for, stored_counts


def test_the_same_event_delivered_twice_changes_nothing_the_second_time(shop):
    started = shop.checkout().json
    [delivery] = shop.gateway.pay(started["sessionId"])
    assert shop.deliver(delivery).json == {"received": True, "duplicate": False}
    order = shop.order(started["orderId"])
    counts = stored_counts(shop)

    again = shop.deliver(delivery)
    assert again.status_int == 200
    assert again.json == {"received": True, "duplicate": True}
    after = shop.order(started["orderId"])
    assert len(after.history) == len(order.history)
    assert after.date_modified == order.date_modified
    assert after.status == "paid"
    assert stored_counts(shop) == counts
    assert len(history_for(shop, started["orderId"], delivery.event["id"])) == 1


def test_a_redelivery_with_a_fresh_signature_is_still_a_duplicate(shop):
    # Stripe re-signs each retry with a new timestamp: the event id decides.
    started = shop.checkout().json
    [delivery] = shop.gateway.decline(started["sessionId"])
    shop.deliver(delivery)
    resent = type(delivery)(delivery.event, delivery.body, shop.gateway.sign(delivery.body))
    assert shop.deliver(resent).json == {"received": True, "duplicate": True}
    assert len(history_for(shop, started["orderId"], delivery.event["id"])) == 1


def test_a_duplicate_of_an_old_event_does_not_undo_later_changes(shop):
    started = shop.checkout().json
    [failure] = shop.gateway.decline(started["sessionId"])
    shop.deliver(failure)
    shop.deliver_all(shop.gateway.pay(started["sessionId"]))
    assert shop.deliver(failure).json["duplicate"] is True
    assert shop.order(started["orderId"]).status == "paid"


def test_duplicates_of_unmatched_and_ignored_events_are_recognised(shop):
    foreign = shop.gateway.event("checkout.session.expired",
                                 {"id": "cs_test_other", "object": "checkout.session"})
    other = shop.gateway.event("customer.created", {"id": "cus_1", "object": "customer"})
    for delivery in (foreign, other):
        assert shop.deliver(delivery).json["duplicate"] is False
        counts = stored_counts(shop)
        assert shop.deliver(delivery).json["duplicate"] is True
        assert stored_counts(shop) == counts
    assert event_record(shop, foreign.event["id"]).outcome == "unmatched"
    assert event_record(shop, other.event["id"]).outcome == "ignored"
