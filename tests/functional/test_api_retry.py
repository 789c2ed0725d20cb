"""POST /api/orders/{id}/retry-session (SPEC §3.5)."""

import pytest

from orderflow.domain.order import new_order_id

from tests.functional.conftest import stored_counts


def retry(shop, order_id, status=201):
    return shop.http.post(f"/api/orders/{order_id}/retry-session", status=status)


def test_retry_answers_201_with_a_new_session_and_expires_the_old_one(shop):
    started = shop.checkout().json
    answer = retry(shop, started["orderId"])
    assert answer.status_int == 201
    body = answer.json
    assert set(body) == {"orderId", "sessionId", "url"}
    assert body["orderId"] == started["orderId"]
    assert body["sessionId"] != started["sessionId"]
    assert body["url"] == shop.gateway.sessions[body["sessionId"]]["url"]
    assert shop.gateway.sessions[started["sessionId"]]["status"] == "expired"
    assert shop.gateway.sessions[body["sessionId"]]["status"] == "open"
    new = shop.gateway.sessions[body["sessionId"]]
    assert new["amount_total"] == 3600
    assert new["metadata"] == {"order_id": started["orderId"], "attempt": "2"}
    order = shop.order(started["orderId"])
    assert [s.id for s in order.sessions] == [started["sessionId"], body["sessionId"]]
    assert order.status == "pending"
    assert order.total == 3600
    assert shop.gateway.created_calls == 2


@pytest.mark.parametrize("spoil", ["decline", "expire"])
def test_retry_reopens_a_failed_or_expired_order(shop, spoil):
    started = shop.checkout().json
    shop.deliver_all(getattr(shop.gateway, spoil)(started["sessionId"]))
    assert shop.order(started["orderId"]).status in ("failed", "expired")
    body = retry(shop, started["orderId"]).json
    assert shop.order(started["orderId"]).status == "pending"
    assert shop.http.get(f"/api/orders/{started['orderId']}").json["sessionId"] == \
        body["sessionId"]


def paid(shop, sid):
    shop.deliver_all(shop.gateway.pay(sid))


def refunded(shop, sid):
    paid(shop, sid)
    shop.deliver_all(shop.gateway.refund_in_dashboard(sid, 3600))


def disputed(shop, sid):
    paid(shop, sid)
    shop.deliver_all(shop.gateway.dispute(sid))


def needs_review(shop, sid):
    shop.deliver_all(shop.gateway.pay(sid, amount=100))


@pytest.mark.parametrize("make, status", [
    (paid, "paid"), (refunded, "refunded"), (disputed, "disputed"),
    (needs_review, "needs_review"),
])
def test_retry_is_refused_with_409_once_money_arrived(shop, make, status):
    started = shop.checkout().json
    make(shop, started["sessionId"])
    before = shop.order(started["orderId"])
    assert before.status == status
    calls = shop.gateway.created_calls
    answer = retry(shop, started["orderId"], status=409)
    assert answer.json["error"]["code"] == "conflict"
    after = shop.order(started["orderId"])
    assert after.status == status
    assert len(after.sessions) == 1
    assert len(after.history) == len(before.history)
    assert shop.gateway.created_calls == calls


def test_retry_is_refused_while_an_async_payment_processes(shop):
    started = shop.checkout().json
    shop.deliver_all(shop.gateway.pay_async(started["sessionId"]))
    assert shop.order(started["orderId"]).status == "pending"
    answer = retry(shop, started["orderId"], status=409)
    assert answer.json["error"]["code"] == "conflict"
    assert len(shop.order(started["orderId"]).sessions) == 1
    assert shop.gateway.created_calls == 1


def test_retry_learns_of_an_async_payment_whose_webhook_is_late_and_refuses(shop):
    started = shop.checkout().json
    late = shop.gateway.pay_async(started["sessionId"])  # not delivered yet
    answer = retry(shop, started["orderId"], status=409)
    assert answer.json["error"] == {
        "code": "conflict", "message": "a payment for this order is already processing"}
    order = shop.order(started["orderId"])
    assert order.awaiting_payment
    assert len(order.sessions) == 1
    assert shop.gateway.created_calls == 1
    # The late webhook then changes nothing more.
    shop.deliver_all(late)
    assert shop.order(started["orderId"]).awaiting_payment


def test_retry_learns_of_a_payment_whose_webhook_is_late_and_keeps_it(shop):
    started = shop.checkout().json
    late = shop.gateway.pay(started["sessionId"])
    answer = retry(shop, started["orderId"], status=409)
    assert answer.json["error"]["message"] == (
        "a payment for this order is already completed: the order is paid")
    order = shop.order(started["orderId"])
    assert order.status == "paid"
    assert order.payment.amount_received == 3600
    shop.deliver_all(late)
    order = shop.order(started["orderId"])
    assert order.status == "paid"
    assert order.duplicate_payments == []


def test_retry_after_an_async_payment_failed_unannounced_opens_a_new_session(shop):
    started = shop.checkout().json
    late = shop.gateway.pay_async(started["sessionId"])
    late += shop.gateway.settle_async(started["sessionId"], succeeded=False)
    answer = retry(shop, started["orderId"], status=201)
    order = shop.order(started["orderId"])
    assert order.status == "pending" and not order.awaiting_payment
    assert order.session_id == answer.json["sessionId"] != started["sessionId"]
    assert any(h.to_status == "failed" and h.source == "retry" for h in order.history)
    # The two late webhooks then change nothing.
    shop.deliver_all(late)
    order = shop.order(started["orderId"])
    assert order.status == "pending" and not order.awaiting_payment
    assert order.session_id == answer.json["sessionId"]


def test_retry_of_an_unknown_order_is_404(shop):
    answer = retry(shop, new_order_id(), status=404)
    assert answer.json["error"]["code"] == "not_found"
    assert stored_counts(shop)["orders"] == 0


def test_retry_answers_502_and_changes_nothing_when_the_gateway_fails(shop):
    started = shop.checkout().json
    shop.gateway.fail_next = 1
    answer = retry(shop, started["orderId"], status=502)
    assert answer.json["error"]["code"] == "gateway_error"
    order = shop.order(started["orderId"])
    assert [s.id for s in order.sessions] == [started["sessionId"]]
    assert order.sessions[0].state == "open"
