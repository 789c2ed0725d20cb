"""The outbox and the order share one ZODB transaction: a rolled-back or
conflicting transaction queues nothing, its re-run queues once."""

from datetime import datetime, timezone

import pytest
import transaction
from ZODB.POSException import ConflictError

from orderflow.adapters.zodb.outbox import ZodbOutbox
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.services import apply_gateway_event
from tests.functional.conftest import shop  # noqa: F401  (fixture)


def open_connection(db):
    tm = transaction.TransactionManager(explicit=True)
    return tm, db.open(transaction_manager=tm)


def paid_event(shop):
    started = shop.checkout(email="buyer@example.com").json
    [delivery] = shop.gateway.pay(started["sessionId"])
    return started["orderId"], shop.gateway.parse_webhook(delivery.body, delivery.header)


def apply(connection, event):
    root = app_root(connection)
    return apply_gateway_event(ZodbOrderRepository(root), ZodbEventLog(root), event,
                               datetime.now(timezone.utc))


def mail_of(shop, order_id):
    with shop.storage() as repos:
        return ZodbOutbox(repos.root).of_order(order_id)


def test_a_rolled_back_payment_queues_no_mail(shop):
    order_id, event = paid_event(shop)
    tm, connection = open_connection(shop.db)
    try:
        tm.begin()
        assert apply(connection, event).outcome == "applied"
        tm.abort()
    finally:
        connection.close()
    assert mail_of(shop, order_id) == []
    assert shop.order(order_id).status == "pending"


def test_a_conflicting_payment_queues_nothing_and_its_re_run_queues_once(shop):
    order_id, event = paid_event(shop)
    tm, connection = open_connection(shop.db)
    try:
        tm.begin()
        assert apply(connection, event).outcome == "applied"
        # Meanwhile another process commits a change to the same order.
        with shop.storage() as repos:
            order = repos.orders.get(order_id)
            repos.orders.save(order)
        with pytest.raises(ConflictError):
            tm.commit()
        tm.abort()
        assert mail_of(shop, order_id) == []

        tm.begin()
        assert apply(connection, event).outcome == "applied"  # the re-run
        tm.commit()
    finally:
        connection.close()
    [message] = mail_of(shop, order_id)
    assert (message.kind, message.state) == ("payment_received", "queued")
