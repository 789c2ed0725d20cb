"""Reconciliation heals a lost webhook, exactly once, even racing the webhook.

The fake gateway lives in the memory of the app's process, so the console
script is run in-process (its `main(argv, env)`) against the test's app.
"""

from datetime import datetime, timezone
import re
import threading

import webtest

from orderflow.adapters.scripts.common import ScriptEnv
from orderflow.adapters.scripts.reconcile import main as reconcile_main
from orderflow.domain.order import Status
from orderflow.services.reconcile import reconcile
from tests.functional.conftest import admin  # noqa: F401  (fixture)
from tests.functional.conftest import shop  # noqa: F401  (fixture)


def lost_webhook(shop):
    """An order paid at the gateway whose webhook never came: its delivery."""
    started = shop.checkout().json
    [delivery] = shop.gateway.pay(started["sessionId"])
    assert shop.order(started["orderId"]).status == Status.PENDING
    return started["orderId"], delivery


def run_cli(shop, *args):
    env = ScriptEnv(shop.app.registry)
    try:
        return reconcile_main(["unused.ini", *args], env=env)
    finally:
        env.close()


def paid_transitions(order):
    return [h for h in order.history if h.applied and h.to_status == Status.PAID]


def assert_paid_once(order):
    assert order.status == Status.PAID
    assert len(paid_transitions(order)) == 1
    assert order.duplicate_payments == []
    assert order.payment.amount_received == order.total


def test_the_cli_heals_an_order_whose_webhook_never_came(shop, capsys):
    order_id, _ = lost_webhook(shop)
    untouched = shop.checkout().json["orderId"]
    assert run_cli(shop) == 0
    assert "checked 2 orders: 1 changed, 1 unchanged, 0 errors" in capsys.readouterr().out
    order = shop.order(order_id)
    assert_paid_once(order)
    assert paid_transitions(order)[0].source == "reconciliation"
    assert shop.order(untouched).status == Status.PENDING


def test_a_second_cli_run_and_the_late_webhook_change_nothing(shop, capsys):
    order_id, delivery = lost_webhook(shop)
    run_cli(shop)
    run_cli(shop)
    assert "0 changed" in capsys.readouterr().out.splitlines()[-1]
    assert shop.deliver(delivery).json == {"received": True, "duplicate": False}
    order = shop.order(order_id)
    assert_paid_once(order)
    assert order.history[-1].applied is False


def test_the_cli_leaves_orders_younger_than_older_than_alone(shop, capsys):
    order_id, _ = lost_webhook(shop)
    assert run_cli(shop, "--older-than", "10") == 0
    assert "checked 0 orders" in capsys.readouterr().out
    assert shop.order(order_id).status == Status.PENDING


def test_the_cli_counts_a_gateway_failure_and_goes_on(shop, capsys):
    first, _ = lost_webhook(shop)
    second, _ = lost_webhook(shop)
    shop.gateway.fail_next = 1
    assert run_cli(shop) == 1
    assert "1 changed, 0 unchanged, 1 errors" in capsys.readouterr().out
    statuses = {shop.order(first).status, shop.order(second).status}
    assert statuses == {Status.PAID, Status.PENDING}


def test_the_cli_racing_the_webhook_records_the_payment_once(shop):
    losts = [lost_webhook(shop) for _ in range(4)]
    barrier = threading.Barrier(2, timeout=60)
    answers = []

    def webhooks():
        barrier.wait()
        http = webtest.TestApp(shop.app)
        for _, delivery in losts:
            answers.append(http.post(
                "/api/payments/webhook", delivery.body,
                headers={"Stripe-Signature": delivery.header,
                         "Content-Type": "application/json"}).status_int)

    def cli():
        barrier.wait()
        run_cli(shop)

    threads = [threading.Thread(target=webhooks), threading.Thread(target=cli)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    assert answers == [200] * 4
    for order_id, _ in losts:
        assert_paid_once(shop.order(order_id))


def test_the_admin_button_heals_a_lost_webhook(admin):
    order_id, delivery = lost_webhook(admin)
    page = admin.http.get(f"/admin/orders/{order_id}")
    assert 'id="order-status">pending<' in page.text
    healed = page.forms[1].submit(status=303).follow()
    assert 'id="order-status">paid<' in healed.text
    assert "pending → paid" in healed.text and "reconciliation" in healed.text
    again = healed.forms[1].submit(status=303).follow()
    assert "nothing new" in again.text
    admin.deliver(delivery)
    assert_paid_once(admin.order(order_id))


def test_the_admin_button_racing_the_webhook_records_the_payment_once(admin):
    losts = [lost_webhook(admin) for _ in range(4)]
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      admin.http.get("/admin/orders").text).group(1)
    barrier = threading.Barrier(2, timeout=60)
    statuses = []

    def webhooks():
        barrier.wait()
        http = webtest.TestApp(admin.app)
        for _, delivery in losts:
            statuses.append(http.post(
                "/api/payments/webhook", delivery.body,
                headers={"Stripe-Signature": delivery.header,
                         "Content-Type": "application/json"}).status_int)

    def buttons():
        barrier.wait()
        for order_id, _ in losts:
            statuses.append(admin.http.post(
                f"/admin/orders/{order_id}/reconcile", {"csrf_token": token}).status_int)

    threads = [threading.Thread(target=webhooks), threading.Thread(target=buttons)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    assert sorted(statuses) == [200] * 4 + [303] * 4
    for order_id, _ in losts:
        assert_paid_once(admin.order(order_id))


def test_the_admin_button_reports_an_unreachable_gateway(admin):
    order_id, _ = lost_webhook(admin)
    admin.gateway.fail_next = 1
    page = admin.http.get(f"/admin/orders/{order_id}").forms[1].submit(status=303).follow()
    assert "Could not reach the payment gateway" in page.text
    assert admin.order(order_id).status == Status.PENDING


def test_the_reconcile_use_case_walks_unsettled_orders_in_one_go(shop):
    order_id, _ = lost_webhook(shop)
    paid_id, _ = lost_webhook(shop)
    run_cli(shop)  # both paid now; one more lost webhook below
    third, _ = lost_webhook(shop)
    with shop.storage() as repos:
        summary = reconcile(repos.orders, shop.gateway, datetime.now(timezone.utc))
    assert (summary.checked, summary.changed, summary.errors) == (1, 1, 0)
    assert_paid_once(shop.order(third))
