"""Several app processes sharing one real ZEO server (SPEC §6).

The apps run the Stripe gateway against the local Stripe stub, so every
process (and a console script) sees the same gateway state, as they would
with real Stripe.
"""

import subprocess
import time

import pytest
import ZEO
from webtest import TestApp

from orderflow.adapters.web.services import process_service
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.ports import PaymentGateway
from tests.conftest import app_settings
from tests.integration.processes import BIN, ZeoServer, clean_env, wait_for
from tests.integration.shared_database import (
    apps_on, check_an_order_is_seen_and_paid_through_the_other_process,
    check_one_event_at_once_to_both_is_applied_once, checkout, deliver_at_once, orders_in,
    paid_event,
)
from tests.integration.stripe_stub import StripeStub


@pytest.fixture
def stub():
    stub = StripeStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def zeo(tmp_path):
    server = ZeoServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def apps(tmp_path, zeo, stub):
    # wait_timeout: how long a request waits for a ZEO server that is away.
    with apps_on(tmp_path, f"{zeo.uri}?wait_timeout=1", stub) as started:
        yield started


def orders_on(zeo):
    """The orders as stored, read through a ZEO client of the test's own."""
    return orders_in(ZEO.DB(("127.0.0.1", zeo.port)))


def test_an_order_created_through_one_process_is_seen_and_paid_through_the_other(apps, stub):
    check_an_order_is_seen_and_paid_through_the_other_process(apps, stub)


def test_one_event_delivered_to_both_processes_at_once_is_applied_once(apps, stub, zeo):
    check_one_event_at_once_to_both_is_applied_once(apps, stub, lambda: orders_on(zeo))


def test_a_zeo_restart_fails_requests_cleanly_and_they_succeed_once_it_is_back(apps, zeo):
    a, b = apps
    with orders_on(zeo) as orders:
        before = orders.root.order_count()

    zeo.stop()
    status, answer = a.post_json("/api/payments/create-checkout-session",
                                 {"items": [{"id": "ceramic-mug", "quantity": 1}]})
    assert status == 503, answer
    assert answer["error"]["code"] == "unavailable"

    zeo.start()
    # Each client reconnects on its own schedule; until then it answers 503.
    for app in (a, b):
        wait_for(lambda: app.get("/api/products")[0] == 200, what="a reconnected app")
    started = checkout(a)
    # Right after a reconnection a client may serve one snapshot from before
    # it (see docs/deployment.md); it catches up within the wait.
    wait_for(lambda: b.get(f"/api/orders/{started['orderId']}")[0] == 200,
             timeout=20, what="the order seen by the other process")
    status, order = b.get(f"/api/orders/{started['orderId']}")
    assert (status, order.get("status")) == (200, "pending"), order
    with orders_on(zeo) as orders:
        # The refused request left no order behind; the later one is there.
        assert orders.root.order_count() == before + 1


def test_reconcile_running_while_webhooks_arrive_applies_nothing_twice(apps, stub, zeo):
    a, b = apps
    started = [checkout(a) for _ in range(12)]
    events = [paid_event(stub.complete(s["sessionId"])) for s in started]

    reconcile = subprocess.Popen(
        [str(BIN / "orderflow-reconcile"), str(a.ini)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=clean_env(),
    )
    answers = deliver_at_once([((a, b)[n % 2], body, header)
                               for n, (_, body, header) in enumerate(events)])
    output, _ = reconcile.communicate(timeout=120)

    assert reconcile.returncode == 0, output
    assert "checked" in output
    assert [status for status, _ in answers] == [200] * len(events)
    with orders_on(zeo) as orders:
        for s, (event_id, _, _) in zip(started, events):
            order = orders.get(s["orderId"])
            assert order.status == "paid"
            assert [h.to_status for h in order.history if h.applied].count("paid") == 1
            assert [h.event_id for h in order.history].count(event_id) == 1
            assert not order.duplicate_payments


def test_a_webhook_sees_an_order_committed_elsewhere_before_its_invalidation_arrives(
        tmp_path, zeo):
    """Every connection the app writes through, the webhooks' group commit
    included, asks the ZEO server for news at transaction begin; otherwise a
    payment for an order made a moment ago in another process is "unmatched",
    and Stripe's redelivery of it a "duplicate": lost for good."""
    def app(name):
        (tmp_path / name).mkdir()
        return main({}, **app_settings(tmp_path / name,
                                       **{"zodbconn.uri": f"{zeo.uri}?wait_timeout=5"}))

    a, b = app("a"), app("b")
    storage = database(a.registry).storage
    invalidate = storage.invalidateTransaction

    def late(tid, oids):
        # The invalidation of b's commit reaches a late (a busy network).
        time.sleep(1.0)
        return invalidate(tid, oids)

    try:
        storage.invalidateTransaction = late
        started = TestApp(b).post_json("/api/payments/create-checkout-session",
                                       {"items": [{"id": "ceramic-mug", "quantity": 1}]}).json
        [delivery] = process_service(b.registry, PaymentGateway).pay(started["sessionId"])
        answer = TestApp(a).post("/api/payments/webhook", delivery.body, headers={
            "Stripe-Signature": delivery.header, "Content-Type": "application/json"})
        assert answer.json == {"received": True, "duplicate": False}
        order = TestApp(a).get(f"/api/orders/{started['orderId']}").json
        assert order["status"] == "paid"
    finally:
        storage.invalidateTransaction = invalidate
        for one in (a, b):
            database(one.registry).close()
