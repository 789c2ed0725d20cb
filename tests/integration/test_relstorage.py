"""App processes sharing one PostgreSQL database through RelStorage (SPEC §6).

A real PostgreSQL server, started for this module (tests/integration/
postgres.py); each test gets a new database on it, history-free as
docs/deployment.md recommends. The apps run as in test_zeo.py: two
`pserve` processes with the Stripe gateway against the Stripe stub.
"""

import subprocess

import pytest
import zodburi
import ZODB
from webtest import TestApp

from orderflow.adapters.zodb.services import database as app_database
from orderflow.app import main
from tests.conftest import app_settings
from tests.integration.postgres import USER, PostgresServer
from tests.integration.processes import BIN, clean_env
from tests.integration.shared_database import (
    apps_on, check_an_order_is_seen_and_paid_through_the_other_process,
    check_one_event_at_once_to_both_is_applied_once, checkout, orders_in, paid_event,
)


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture
def database(postgres):
    return postgres.create_database()


@pytest.fixture
def uri(postgres, database):
    return postgres.uri(database, keep_history="false", connection_cache_size=5000)


@pytest.fixture
def apps(tmp_path, uri, stub):
    with apps_on(tmp_path, uri, stub) as started:
        yield started


def orders_at(uri):
    """The orders as stored, read through a RelStorage of the test's own."""
    storage, options = zodburi.resolve_uri(uri)
    return orders_in(ZODB.DB(storage(), **options))


def test_an_order_created_through_one_process_is_seen_and_paid_through_the_other(apps, stub):
    check_an_order_is_seen_and_paid_through_the_other_process(apps, stub)


def test_one_event_delivered_to_both_processes_at_once_is_applied_once(apps, stub, uri):
    check_one_event_at_once_to_both_is_applied_once(apps, stub, lambda: orders_at(uri))


def test_zodbpack_packs_the_shared_database_while_the_apps_serve(apps, stub, uri, postgres,
                                                                 database, tmp_path):
    a, b = apps
    started = checkout(a)
    _, body, header = paid_event(stub.complete(started["sessionId"]))
    assert b.post_event(body, header)[0] == 200
    # The configuration docs/deployment.md gives for zodbpack.
    config = tmp_path / "zodbpack.conf"
    config.write_text(
        "<relstorage>\n"
        "  keep-history false\n"
        "  <postgresql>\n"
        f"    dsn dbname='{database}' user='{USER}' host='127.0.0.1' port='{postgres.port}'\n"
        "  </postgresql>\n"
        "</relstorage>\n")

    packed = subprocess.run([str(BIN / "zodbpack"), str(config)], capture_output=True,
                            text=True, timeout=120, env=clean_env())

    assert packed.returncode == 0, packed.stdout + packed.stderr
    status, order = a.get(f"/api/orders/{started['orderId']}")
    assert (status, order["status"]) == (200, "paid")
    assert b.get(f"/api/orders/{checkout(b)['orderId']}")[0] == 200


def test_a_postgresql_restart_fails_requests_cleanly_and_they_succeed_once_it_is_back(
        apps, stub, postgres, uri):
    a, b = apps
    started = checkout(a)
    _, body, header = paid_event(stub.complete(started["sessionId"]))
    with orders_at(uri) as orders:
        before = orders.root.order_count()

    postgres.stop()
    try:
        status, _ = a.post_json("/api/payments/create-checkout-session",
                                {"items": [{"id": "ceramic-mug", "quantity": 1}]})
        assert status == 503
        # Stripe delivers the event again later: it must not count as received.
        assert b.post_event(body, header)[0] == 503
    finally:
        postgres.start()

    # RelStorage reconnects on the next transaction: the pooled connections
    # and the webhooks' group-commit connection alike.
    assert b.post_event(body, header) == (200, {"received": True, "duplicate": False})
    status, order = a.get(f"/api/orders/{started['orderId']}")
    assert (status, order["status"]) == (200, "paid")
    later = checkout(b)
    assert a.get(f"/api/orders/{later['orderId']}")[0] == 200
    with orders_at(uri) as orders:
        # The refused checkout left no order behind; the later one is there.
        assert orders.root.order_count() == before + 1


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_the_uri_options_reach_relstorage_and_the_database(tmp_path, postgres, database, scheme):
    uri = postgres.uri(database, keep_history="false", cache_local_mb=16,
                       connection_cache_size=1234, connection_pool_size=3)
    uri = uri.replace("postgres://", f"{scheme}://", 1)
    app = main({}, **app_settings(tmp_path, **{"zodbconn.uri": uri}))
    db = app_database(app.registry)
    try:
        assert type(db.storage).__name__ == "RelStorage"
        assert db.storage._options.keep_history is False
        assert db.storage._options.cache_local_mb == 16
        assert (db.getCacheSize(), db.getPoolSize()) == (1234, 3)
        products = TestApp(app).get("/api/products").json
        assert "ceramic-mug" in str(products)
    finally:
        db.close()
