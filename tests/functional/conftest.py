"""WebTest against the real app: fresh FileStorage per test, fake gateway."""

import contextlib

import pytest
import transaction
import webtest

from orderflow.adapters.zodb.catalog import ZodbCatalog
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.app import main
from tests.conftest import app_settings


class Shop:
    """The app under test, its fake gateway and a way to look into its database."""

    def __init__(self, app):
        self.app = app
        self.http = webtest.TestApp(app)
        self.gateway = app.registry["orderflow.gateway"]
        self.db = app.registry._zodb_databases[""]

    @contextlib.contextmanager
    def storage(self):
        """Repositories on a connection of their own; commits on success."""
        tm = transaction.TransactionManager()
        connection = self.db.open(transaction_manager=tm)
        try:
            with tm:
                root = app_root(connection)
                yield _Repos(ZodbOrderRepository(root), ZodbEventLog(root), ZodbCatalog(root), root)
        finally:
            connection.close()

    def order(self, order_id):
        with self.storage() as repos:
            return repos.orders.get(order_id)

    def checkout(self, items=(("ceramic-mug", 2),), email=None, status=201):
        body = {"items": [{"id": i, "quantity": q} for i, q in items]}
        if email:
            body["email"] = email
        return self.http.post_json("/api/payments/create-checkout-session", body, status=status)

    def deliver(self, delivery, status=200):
        """POST a signed Delivery of the fake gateway to the webhook."""
        return self.http.post(
            "/api/payments/webhook", delivery.body,
            headers={"Stripe-Signature": delivery.header, "Content-Type": "application/json"},
            status=status,
        )

    def deliver_all(self, deliveries):
        return [self.deliver(d) for d in deliveries]


class _Repos:
    def __init__(self, orders, events, catalog, root):
        self.orders, self.events, self.catalog, self.root = orders, events, catalog, root


@pytest.fixture
def shop(tmp_path):
    app = main({}, **app_settings(tmp_path))
    yield Shop(app)
    app.registry._zodb_databases[""].close()
