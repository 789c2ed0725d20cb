"""Scheduled reconciliation inside the app (SPEC §10): a round heals an
order whose webhook never came, on FileStorage (where the console script
cannot run beside the app), and one process of several does each round."""

from datetime import datetime, timedelta, timezone
import re
import threading
import time

import pytest
import transaction

from orderflow.adapters.zodb.lease import read_lease, take_lease
from orderflow.adapters.zodb.reconciler import Reconciler
from orderflow.adapters.zodb.root import app_root, run_in_transaction
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.domain.order import Status
from orderflow.settings import ConfigurationError
from tests.conftest import app_settings
from tests.functional.conftest import Shop
from tests.integration.processes import ZeoServer
from tests.integration.shared_database import apps_on, checkout
from tests.integration.stripe_stub import StripeStub


def wait_until(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def scheduled_shop(tmp_path):
    # A round every 0.6 s for orders unchanged for 0.6 s.
    app = main({}, **app_settings(tmp_path, **{"orderflow.reconcile_every_minutes": "0.01",
                                               "orderflow.reconcile_after_minutes": "0.01"}))
    yield Shop(app)
    app.registry["orderflow.reconciler"].stop()
    database(app.registry).close()


def test_the_app_itself_heals_an_order_whose_webhook_never_came_on_filestorage(scheduled_shop):
    shop = scheduled_shop
    started = shop.checkout().json
    shop.gateway.pay(started["sessionId"])  # the delivery is never posted

    assert wait_until(lambda: shop.order(started["orderId"]).status == Status.PAID)
    order = shop.order(started["orderId"])
    [paid] = [h for h in order.history if h.applied and h.to_status == Status.PAID]
    assert paid.source == "reconciliation"


def test_a_round_leaves_orders_younger_than_reconcile_after_alone(tmp_path):
    app = main({}, **app_settings(tmp_path, **{"orderflow.reconcile_after_minutes": "60"}))
    shop = Shop(app)
    try:
        started = shop.checkout().json
        shop.gateway.pay(started["sessionId"])
        reconciler = Reconciler(shop.db, shop.gateway, 60, 3600)
        summary = reconciler.run_round()
        assert summary.checked == 0
        assert shop.order(started["orderId"]).status == Status.PENDING

        later = Reconciler(shop.db, shop.gateway, 60, 3600,
                           clock=lambda: datetime.now(timezone.utc) + timedelta(hours=2))
        assert later.run_round().changed == 1
        assert shop.order(started["orderId"]).status == Status.PAID
    finally:
        shop.db.close()


def test_no_thread_is_started_when_turned_off(tmp_path):
    app = main({}, **app_settings(tmp_path, **{"orderflow.reconcile_every_minutes": "0"}))
    try:
        assert "orderflow.reconciler" not in app.registry
    finally:
        database(app.registry).close()


@pytest.mark.parametrize("key", ["orderflow.reconcile_every_minutes",
                                 "orderflow.reconcile_after_minutes"])
@pytest.mark.parametrize("value", ["-1", "ten", "", "nan", "1e9"])
def test_a_bad_schedule_stops_start_up_naming_the_setting(tmp_path, key, value):
    with pytest.raises(ConfigurationError, match=re.escape(key)):
        main({}, **app_settings(tmp_path, **{key: value}))


# -- the lease --------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    app = main({}, **app_settings(tmp_path))
    db = database(app.registry)
    yield db
    db.close()


def in_transaction(db, work):
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    try:
        with tm:
            return work(app_root(connection))
    finally:
        connection.close()


def test_a_lease_is_taken_when_free_renewed_by_its_holder_and_refused_to_others(db):
    first = in_transaction(db, lambda root: take_lease(root, "job", "a", 100.0, 60))
    assert (first.holder, first.expires, first.round) == ("a", 160.0, 1)
    assert in_transaction(db, lambda root: take_lease(root, "job", "b", 130.0, 60)) is None
    renewed = in_transaction(db, lambda root: take_lease(root, "job", "a", 150.0, 60))
    assert (renewed.holder, renewed.round) == ("a", 2)


def test_a_refused_lease_writes_nothing(db):
    in_transaction(db, lambda root: take_lease(root, "job", "a", 100.0, 60))
    before = db.lastTransaction()
    assert in_transaction(db, lambda root: take_lease(root, "job", "b", 101.0, 60)) is None
    assert db.lastTransaction() == before


def test_an_expired_lease_goes_to_the_next_process_that_asks(db):
    in_transaction(db, lambda root: take_lease(root, "job", "a", 100.0, 60))
    taken = in_transaction(db, lambda root: take_lease(root, "job", "b", 160.0, 60))
    assert (taken.holder, taken.round) == ("b", 2)
    assert in_transaction(db, lambda root: read_lease(root, "job")).holder == "b"


def test_two_processes_taking_the_lease_at_once_get_it_once(db):
    # Both read the lease free before either writes (as two processes
    # waking together would): the BTree key conflicts, and the loser's
    # re-run finds the lease held.
    barrier = threading.Barrier(2)
    results = []

    def take(holder):
        first = [True]

        def work(connection):
            root = app_root(connection)
            if first[0]:
                first[0] = False
                assert read_lease(root, "reconcile") is None
                barrier.wait(timeout=10)
            return take_lease(root, "reconcile", holder, 1000.0, 60)

        results.append(run_in_transaction(db, work))

    threads = [threading.Thread(target=take, args=(holder,)) for holder in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2
    assert len([r for r in results if r is not None]) == 1
    assert in_transaction(db, lambda root: read_lease(root, "reconcile")).round == 1


# -- two processes on ZEO ---------------------------------------------------


def test_two_processes_on_zeo_heal_lost_webhooks_and_one_does_each_round(tmp_path):
    stub = StripeStub().start()
    zeo = ZeoServer(tmp_path).start()
    try:
        schedule = {"orderflow.reconcile_every_minutes": "0.02",
                    "orderflow.reconcile_after_minutes": "0"}
        with apps_on(tmp_path, f"{zeo.uri}?wait_timeout=1", stub, settings=schedule) as apps:
            a, b = apps
            started = [checkout(app) for app in (a, b, a)]
            for s in started:
                stub.complete(s["sessionId"])  # paid at Stripe; no webhook is sent
            assert wait_until(lambda: all(
                a.get(f"/api/orders/{s['orderId']}")[1]["status"] == "paid" for s in started))
            time.sleep(4)  # a few more rounds
        rounds = [set(re.findall(r"reconciliation round (\d+):", app.log.read_text()))
                  for app in (a, b)]
    finally:
        zeo.stop()
        stub.stop()
    # The first process to take the lease keeps it while it lives, and the
    # other one, waking as often, finds it held every time.
    assert sorted(len(r) for r in rounds)[0] == 0, f"both processes did rounds: {rounds}"
    assert len(rounds[0] | rounds[1]) >= 3
