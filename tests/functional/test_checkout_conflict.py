"""A checkout that meets a real ZODB conflict is retried without a second session.

pyramid_retry runs a conflicting request again from the start; the order id
(and with it the gateway's idempotency key) is kept in the request's environ,
so the retry gets the same checkout session back instead of a new one.
"""

from tests.functional.conftest import race_checkouts, stored_counts


def test_a_checkout_retried_after_a_conflict_opens_one_session_and_one_order(shop, monkeypatch):
    gateway = shop.gateway
    calls = race_checkouts(shop, monkeypatch, times=1)
    answer = shop.checkout()
    assert answer.status_int == 201

    assert len(calls) == 2, "the request was not retried"
    (first_order, first_session, first_key), (second_order, second_session, second_key) = calls
    assert first_order == second_order == answer.json["orderId"]
    assert first_key == second_key
    assert first_session == second_session == answer.json["sessionId"]
    assert gateway.created_calls == 1
    assert len(gateway.sessions) == 1

    counts = stored_counts(shop)
    assert counts["orders"] == 1 and counts["order_count"] == 1
    with shop.storage() as repos:
        assert repos.root.by_session[answer.json["sessionId"]] == answer.json["orderId"]
        assert repos.root.counts["pending"]() == 1
    order = shop.order(answer.json["orderId"])
    assert [s.id for s in order.sessions] == [answer.json["sessionId"]]
    assert len(order.history) == 1
    # And the order is whole: it can be paid as usual.
    shop.deliver_all(gateway.pay(answer.json["sessionId"]))
    assert shop.order(answer.json["orderId"]).status == "paid"


def test_a_checkout_that_conflicts_on_every_attempt_answers_503_and_stores_nothing(
        shop, monkeypatch):
    gateway = shop.gateway
    calls = race_checkouts(shop, monkeypatch)
    answer = shop.checkout(status=503)
    assert answer.json["error"]["code"] == "busy"
    assert len(calls) == int(shop.app.registry.settings["retry.attempts"])
    assert gateway.created_calls == 1
    counts = stored_counts(shop)
    assert counts["orders"] == 0 and counts["order_count"] == 0
