"""What the tests of app processes sharing one database have in common.

The apps run the Stripe gateway against the local Stripe stub, so every
process (and a console script) sees the same gateway state, as they would
with real Stripe. test_zeo.py shares a ZEO server, test_relstorage.py a
PostgreSQL database through RelStorage.
"""

import contextlib
import json
import secrets
import threading

import stripe

from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from tests.integration.processes import AppProcess

SECRET = "whsec_shared_database_test_secret"


@contextlib.contextmanager
def apps_on(tmp_path, uri, stub, names=("a", "b"), settings=None):
    """An app process per name on the database at `uri` (with `settings`
    added to the ini), stopped after."""
    extra = settings or {}
    settings = {
        "orderflow.gateway": "stripe",
        "orderflow.stripe_api_base": stub.base_url,
        "orderflow.stripe_secret_key": "sk_test_shared_database",
        "orderflow.webhook_secret": SECRET,
        "orderflow.session_secret": "shared-database-test-session-secret",
        "zodbconn.uri": uri,
        "retry.attempts": "8",
        **extra,
    }
    started = []
    try:
        for name in names:
            started.append(AppProcess(tmp_path, name, settings).start())
        yield started
    finally:
        for app in started:
            app.stop()


def paid_event(session):
    event = {
        "id": f"evt_test_{secrets.token_hex(12)}", "object": "event",
        "api_version": "2026-10-28.endive", "created": session["created"],
        "livemode": False, "type": "checkout.session.completed",
        "data": {"object": session},
    }
    body = json.dumps(event).encode()
    return event["id"], body, stripe.WebhookSignature.generate_signature_header(
        body.decode(), SECRET)


def checkout(app):
    status, started = app.post_json("/api/payments/create-checkout-session",
                                    {"items": [{"id": "ceramic-mug", "quantity": 1}]})
    assert status == 201, started
    return started


def deliver_at_once(deliveries):
    """POST every (app, body, header) at the same moment; the answers."""
    barrier = threading.Barrier(len(deliveries))
    answers = [None] * len(deliveries)

    def post(n, app, body, header):
        barrier.wait()
        answers[n] = app.post_event(body, header)

    threads = [threading.Thread(target=post, args=(n, *d)) for n, d in enumerate(deliveries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def check_an_order_is_seen_and_paid_through_the_other_process(apps, stub):
    """Created through one process, read and paid through the other."""
    a, b = apps
    started = checkout(a)
    status, order = b.get(f"/api/orders/{started['orderId']}")
    assert (status, order["status"]) == (200, "pending")

    _, body, header = paid_event(stub.complete(started["sessionId"]))
    assert b.post_event(body, header) == (200, {"received": True, "duplicate": False})

    status, order = a.get(f"/api/orders/by-session/{started['sessionId']}")
    assert order["status"] == "paid"
    assert order["payment"]["amountReceived"] == order["total"]


def check_one_event_at_once_to_both_is_applied_once(apps, stub, stored_orders):
    """Four deliveries of one event to each process at the same moment:
    all answered 200, one applied; `stored_orders()` reads what was stored."""
    a, b = apps
    started = checkout(a)
    event_id, body, header = paid_event(stub.complete(started["sessionId"]))

    answers = deliver_at_once([(app, body, header) for app in (a, b) for _ in range(4)])

    assert [status for status, _ in answers] == [200] * 8
    assert sorted(answer["duplicate"] for _, answer in answers) == [False] + [True] * 7
    with stored_orders() as orders:
        order = orders.get(started["orderId"])
        assert order.status == "paid"
        assert [h.event_id for h in order.history].count(event_id) == 1
        assert [h.to_status for h in order.history if h.applied].count("paid") == 1


@contextlib.contextmanager
def orders_in(db):
    """The orders as stored, read through `db`, a database object of the
    test's own on the shared storage; closed after."""
    try:
        with db.transaction() as connection:
            yield ZodbOrderRepository(app_root(connection))
    finally:
        db.close()
