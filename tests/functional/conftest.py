"""WebTest against the real app: fresh FileStorage per test, fake gateway."""

import contextlib

import pytest
import transaction

from orderflow.adapters.web.services import process_service
from orderflow.adapters.zodb.catalog import ZodbCatalog
from orderflow.adapters.zodb.events import ZodbEventLog
from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root
from orderflow.adapters.zodb.services import database
from orderflow.app import main
from orderflow.ports import PaymentGateway
from tests.conftest import app_settings
from tests.openapi_check import CheckedTestApp


class Shop:
    """The app under test, its fake gateway and a way to look into its database."""

    def __init__(self, app):
        self.app = app
        # Every answer under /api is checked against /api/openapi.json.
        self.http = CheckedTestApp(app)
        self.gateway = process_service(app.registry, PaymentGateway)
        self.db = database(app.registry)

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
    database(app.registry).close()


# -- helpers for the API and lifecycle tests ------------------------------


def stored_counts(shop):
    """How much the database holds: a refused request must change none of it."""
    with shop.storage() as repos:
        root = repos.root
        return {
            "orders": len(root.orders), "order_count": root.order_count(),
            "events": len(root.events), "event_count": sum(n() for n in root.event_hours.values()),
            "sessions": len(root.by_session), "intents": len(root.by_intent),
        }


def race_checkouts(shop, monkeypatch, times=None):
    """Make checkouts meet a real ZODB conflict: each time the gateway opens a
    session (the first `times` times, or always), another transaction commits
    that session id in `by_session` with another value, so the request's own
    commit conflicts (BTrees cannot merge two values of one key). Returns the
    list the gateway's calls are appended to: (order id, session id, key)."""
    gateway = shop.gateway
    create_session = gateway.create_session
    calls = []

    def racing(order, attempt, *args, **kwargs):
        created = create_session(order, attempt, *args, **kwargs)
        calls.append((order.id, created.id, kwargs.get("idempotency_key", args[-1])))
        if times is None or len(calls) <= times:
            with shop.storage() as repos:
                repos.root.by_session[created.id] = f"ord_someone_else_{len(calls)}"
        return created

    # Our own fake's instance, as registered for the PaymentGateway port.
    monkeypatch.setattr(gateway, "create_session", racing)
    return calls


def put_product(shop, product_id, unit_amount=1000, currency="eur", active=True):
    """Add or replace a catalog product directly in the database."""
    from orderflow.domain.catalog import Product

    with shop.storage() as repos:
        repos.catalog.put(Product(product_id, product_id.replace("-", " ").title(),
                                  "", unit_amount, currency, active))


def event_record(shop, event_id):
    with shop.storage() as repos:
        return repos.events.get(event_id)


def history_for(shop, order_id, event_id):
    return [h for h in shop.order(order_id).history if h.event_id == event_id]


# -- the admin panel ---------------------------------------------------------

ADMIN_NAME = "alice"
ADMIN_PASSWORD = "correct horse battery staple"


def add_admin_user(shop, name=ADMIN_NAME, password=ADMIN_PASSWORD):
    from orderflow.adapters.passwords import Argon2Hasher
    from orderflow.adapters.zodb.users import ZodbAdminUsers
    from orderflow.services.admins import add_admin

    with shop.storage() as repos:
        add_admin(ZodbAdminUsers(repos.root), Argon2Hasher(), name, password)


def admin_login(http, name=ADMIN_NAME, password=ADMIN_PASSWORD, status=303):
    form = http.get("/admin/login").forms[0]
    form["name"] = name
    form["password"] = password
    return form.submit(status=status)


@pytest.fixture
def admin(shop):
    """The shop with an admin logged in on `shop.http`."""
    add_admin_user(shop)
    admin_login(shop.http)
    return shop


class Customer:
    """A browser on the shop pages: fills and submits the real forms (with CSRF)."""

    def __init__(self, shop):
        self.shop = shop
        self.http = shop.http

    def add(self, product_id, quantity=1, status=303):
        page = self.http.get("/")
        form = next(f for f in page.forms.values()
                    if f.fields.get("product_id") and f["product_id"].value == product_id)
        form["quantity"] = str(quantity)
        return form.submit(status=status)

    def cart_form(self, action, product_id=None):
        page = self.http.get("/cart")
        for form in page.forms.values():
            if form.action.endswith(action) and (
                    product_id is None or form["product_id"].value == product_id):
                return form
        raise AssertionError(f"no {action} form for {product_id} on the cart page")

    def cart_lines(self):
        """{product id: quantity} as the cart page shows them."""
        page = self.http.get("/cart")
        return {form["product_id"].value: int(form["quantity"].value)
                for form in page.forms.values() if form.action.endswith("/cart/update")}

    def checkout(self):
        """Submit the cart's checkout form: (order, session id)."""
        answer = self.cart_form("/cart/checkout").submit(status=303)
        session_id = answer.location.rsplit("/", 1)[1]
        with self.shop.storage() as repos:
            order = repos.orders.by_session(session_id)
        return order, session_id


@pytest.fixture
def customer(shop):
    return Customer(shop)
