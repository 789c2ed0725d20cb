"""Exactly once under real concurrency: a threaded server on FileStorage.

Stripe may deliver one event to several workers at the same moment. Within
a process the deliveries share a group commit, where the second finds the
first's entry in the log; across writers ZODB makes all but one conflict,
pyramid_retry runs them again, and they then find the event in the log
(SPEC §3.3).
"""

from dataclasses import replace
from datetime import datetime, timezone
import json
import threading
import urllib.error
import urllib.request

import pytest
from pyramid_retry import IBeforeRetry
import transaction
from ZODB.POSException import ConflictError

from orderflow.services import deliveries as webhook_use_cases
from orderflow.adapters.zodb.carts import ZodbCarts
from orderflow.adapters.zodb.catalog import ZodbCatalog
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.services import apply_gateway_event
from tests.functional.conftest import event_record, history_for
from tests.openapi_check import check_url_exchange
from tests.serving import Served

TIMEOUT = 120  # generous: a noisy two-core machine


@pytest.fixture
def server(shop):
    """The shop's app served by waitress on a free loopback port."""
    served = Served(shop.app, threads=8)
    yield served.origin
    served.stop(TIMEOUT)


def post(url, body, headers):
    """POST over HTTP: (status, JSON answer, or the bytes of an error answer).

    The answer is checked against /api/openapi.json like WebTest's are.
    """
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            status, answer_headers, data = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, data = error.code, error.headers, error.read()
    check_url_exchange("POST", url, headers, body, status, answer_headers, data)
    return (status, json.loads(data)) if status < 400 else (status, data)


def all_at_once(jobs):
    """Run every job in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(n, job):
        barrier.wait(timeout=TIMEOUT)
        try:
            results[n] = job()
        except Exception as error:  # reported by the assertions below
            results[n] = ("crashed", repr(error))

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    return results


def webhook_job(server, delivery):
    headers = {"Stripe-Signature": delivery.header, "Content-Type": "application/json"}
    return lambda: post(f"{server}/api/payments/webhook", delivery.body, headers)


def test_one_event_delivered_sixteen_times_at_once_is_applied_exactly_once(shop, server):
    started = shop.checkout().json
    [delivery] = shop.gateway.pay(started["sessionId"])
    results = all_at_once([webhook_job(server, delivery)] * 16)
    assert all(status == 200 for status, _ in results), results
    answers = [body for _, body in results]
    assert all(body["received"] is True for body in answers)
    assert sum(1 for body in answers if body["duplicate"] is False) == 1
    order = shop.order(started["orderId"])
    assert order.status == "paid"
    assert len(history_for(shop, started["orderId"], delivery.event["id"])) == 1
    with shop.storage() as repos:
        assert len(repos.root.events) == 1
        assert sum(n() for n in repos.root.event_hours.values()) == 1
        assert len(repos.root.events_by_time) == 1
    assert event_record(shop, delivery.event["id"]).outcome == "applied"


def test_many_events_for_many_orders_at_once_are_all_applied(shop, server):
    orders = [shop.checkout(items=[("ceramic-mug", n % 5 + 1)]).json for n in range(16)]
    deliveries = [shop.gateway.pay(o["sessionId"])[0] for o in orders]
    results = all_at_once([webhook_job(server, d) for d in deliveries])
    assert results == [(200, {"received": True, "duplicate": False})] * 16
    for started, delivery in zip(orders, deliveries):
        order = shop.order(started["orderId"])
        assert order.status == "paid"
        assert len(history_for(shop, started["orderId"], delivery.event["id"])) == 1
    with shop.storage() as repos:
        assert len(repos.root.events) == 16
        assert sum(n() for n in repos.root.event_hours.values()) == 16
        assert repos.root.counts["paid"]() == 16
        assert repos.root.counts["pending"]() == 0
        assert len(repos.root.by_intent) == 16


def test_checkouts_at_once_each_create_one_order(shop, server):
    body = json.dumps({"items": [{"id": "milk-jug", "quantity": 1}]}).encode()
    job = lambda: post(f"{server}/api/payments/create-checkout-session", body,  # noqa: E731
                       {"Content-Type": "application/json"})
    results = all_at_once([job] * 12)
    assert all(status == 201 for status, _ in results), results
    assert len({body["orderId"] for _, body in results}) == 12
    assert shop.gateway.created_calls == 12
    with shop.storage() as repos:
        assert len(repos.root.orders) == 12
        assert repos.root.order_count() == 12
        assert repos.root.counts["pending"]() == 12


def test_a_webhook_that_loses_the_race_to_another_writer_is_retried_and_finds_the_duplicate(
        shop, monkeypatch):
    # Within one process webhooks share a commit (group commit), so the
    # writer that can get there first is another one: another process, or
    # the landing page of this one. Here it commits the same event after the
    # webhook's snapshot was taken and before its commit: the webhook's
    # commit must conflict, pyramid_retry runs the request again, and the
    # retry answers "duplicate" without writing.
    started = shop.checkout().json
    [delivery] = shop.gateway.pay(started["sessionId"])
    outcomes, retries = [], []

    def raced(orders, events, event, now, **kwargs):
        outcome = apply_gateway_event(orders, events, event, now, **kwargs)
        if not outcomes:
            tm, connection, _ = apply_on(shop.db, event)
            tm.commit()
            connection.close()
        outcomes.append(outcome)
        return outcome

    monkeypatch.setattr(webhook_use_cases, "apply_gateway_event", raced)
    shop.app.registry.registerHandler(retries.append, (IBeforeRetry,))
    answer = shop.deliver(delivery)
    assert answer.json == {"received": True, "duplicate": True}
    assert [o.duplicate for o in outcomes] == [False, True]
    assert len(retries) == 1
    assert isinstance(retries[0].exception, ConflictError)
    assert len(history_for(shop, started["orderId"], delivery.event["id"])) == 1
    assert shop.order(started["orderId"]).status == "paid"


# -- two ZODB connections racing on the use case itself --------------------


def apply_on(db, event):
    """apply_gateway_event in a transaction of its own connection, not committed."""
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    tm.begin()
    root = app_root(connection)
    outcome = apply_gateway_event(ZodbOrderRepository(root), ZodbEventLog(root), event,
                                  datetime.now(timezone.utc))
    return tm, connection, outcome


def test_two_connections_racing_on_one_event_apply_it_once(shop):
    started = shop.checkout().json
    [delivery] = shop.gateway.pay(started["sessionId"])
    event = shop.gateway.parse_webhook(delivery.body, delivery.header)
    tm1, c1, first = apply_on(shop.db, event)
    tm2, c2, second = apply_on(shop.db, event)
    # Both saw an unprocessed event; only one may commit it.
    assert not first.duplicate and not second.duplicate
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()
    c1.close()
    c2.close()
    # What pyramid_retry does: the loser runs again, and sees the duplicate.
    tm3, c3, again = apply_on(shop.db, event)
    assert again.duplicate
    tm3.commit()
    c3.close()
    assert len(history_for(shop, started["orderId"], event.id)) == 1
    assert shop.order(started["orderId"]).status == "paid"


def test_two_connections_racing_on_two_events_of_one_order_apply_both(shop):
    started = shop.checkout().json
    [decline] = shop.gateway.decline(started["sessionId"])
    [payment] = shop.gateway.pay(started["sessionId"])
    failed = shop.gateway.parse_webhook(decline.body, decline.header)
    paid = shop.gateway.parse_webhook(payment.body, payment.header)
    tm1, c1, _ = apply_on(shop.db, failed)
    tm2, c2, _ = apply_on(shop.db, paid)
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()
    for connection in (c1, c2):
        connection.close()
    tm3, c3, outcome = apply_on(shop.db, paid)
    assert outcome.outcome == "applied"
    tm3.commit()
    c3.close()
    order = shop.order(started["orderId"])
    assert order.status == "paid"
    assert [h.event_id for h in order.history if h.event_id] == [failed.id, paid.id]


def test_a_request_sees_what_another_connection_committed_while_its_connection_idled(shop):
    # A pooled connection must catch up when a request opens it; retries
    # after a conflict depend on it, or they would conflict forever.
    tm = transaction.TransactionManager()
    other = shop.db.open(transaction_manager=tm)
    try:
        assert shop.http.get("/api/orders/ord_nothing", status=404)  # pools a connection
        with tm:
            catalog = ZodbCatalog(app_root(other))
            catalog.put(replace(catalog.get("ceramic-mug"), active=False))
        ids = {p["id"] for p in shop.http.get("/api/products").json["products"]}
        assert "ceramic-mug" not in ids
        refused = shop.checkout(items=[("ceramic-mug", 1)], status=400)
        assert "items.0.id" in refused.json["error"]["fields"]
    finally:
        other.close()


def test_a_cancel_whose_own_expiry_webhook_commits_first_is_not_refused(shop, customer):
    """Expiring the session makes Stripe send `checkout.session.expired`. If
    that webhook commits before the cancel does, the cancel conflicts and is
    re-run on an order that is now expired, closed already: not a 409."""
    customer.add("ceramic-mug")
    order, _ = customer.checkout()
    expire_session, retries = shop.gateway.expire_session, []

    def expire_and_notify(session_id):
        state = expire_session(session_id)
        if not retries:
            [delivery] = shop.gateway.expire(session_id)
            other = threading.Thread(target=shop.deliver, args=(delivery,))
            other.start()
            other.join()
        return state

    shop.gateway.expire_session = expire_and_notify
    shop.app.registry.registerHandler(retries.append, (IBeforeRetry,))
    page = shop.http.get(f"/checkout/cancel?order_id={order.id}")
    form = next(f for f in page.forms.values() if f.action.endswith("/checkout/cancel-order"))
    form.submit(status=303)

    assert len(retries) == 1  # the race happened
    final = shop.order(order.id)
    assert final.status == "expired"
    assert [(h.event_type, h.to_status) for h in final.history if h.applied][-1] == (
        "checkout.session.expired", "expired")


def test_a_checkout_re_run_on_a_cart_changed_meanwhile_gets_its_own_session(shop, customer):
    """The customer's other tab adds a line while this checkout calls Stripe:
    the cart conflicts and the request is re-run on the new lines. Stripe
    refuses a key reused with other parameters, so the re-run must not send
    the first run's key (that was a 502 and no order)."""
    customer.add("ceramic-mug")
    create_session, keys = shop.gateway.create_session, []

    def create_and_change_the_cart(order, attempt, *args):
        keys.append(args[-1])
        created = create_session(order, attempt, *args)
        if len(keys) == 1:
            with shop.storage() as repos:
                [cart_id] = list(repos.root.carts.keys())
                carts = ZodbCarts(repos.root)
                carts.put(cart_id, dict(carts.lines(cart_id), **{"milk-jug": 1}))
        return created

    shop.gateway.create_session = create_and_change_the_cart
    answer = customer.cart_form("/cart/checkout").submit(status=303)

    assert len(keys) == 2 and keys[0] != keys[1]
    session_id = answer.location.rsplit("/", 1)[1]
    with shop.storage() as repos:
        order = repos.orders.by_session(session_id)
    assert sorted(item.product_id for item in order.items) == ["ceramic-mug", "milk-jug"]
