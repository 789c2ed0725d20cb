"""The CSV export of the admin's order list (SPEC §10)."""

import csv
import io
import tracemalloc

from webob import Request

from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.domain.catalog import Product
from orderflow.domain.order import CheckoutSession, build_order
from tests.integration.contracts.builders import T0, at

from .conftest import put_product

BOM = "\ufeff"


def rows_of(answer):
    text = answer.body.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM):])))


def test_the_export_lists_the_filtered_orders_in_major_units_with_formulas_neutralised(admin):
    put_product(admin, "=cmd|calc", unit_amount=1250)
    put_product(admin, "café-crème", unit_amount=505)
    formula = admin.checkout(items=(("=cmd|calc", 1),), email="+1@example.com").json
    accents = admin.checkout(items=(("café-crème", 2),)).json
    admin.deliver_all(admin.gateway.pay(accents["sessionId"]))

    answer = admin.http.get("/admin/orders.csv")
    assert answer.content_type == "text/csv" and answer.charset == "utf-8"
    assert 'attachment; filename="orders.csv"' == answer.headers["Content-Disposition"]
    rows = rows_of(answer)
    assert [r["order"] for r in rows] == [accents["orderId"], formula["orderId"]]
    paid, pending = rows
    assert (paid["total_amount"], paid["currency"], paid["received_amount"]) == (
        "10.10", "EUR", "10.10")
    assert "2 x Café Crème" == paid["items"]
    assert pending["email"] == "'+1@example.com" and pending["items"].startswith("1 x ")
    assert pending["received_amount"] == ""

    only_paid = rows_of(admin.http.get("/admin/orders.csv", {"status": "paid"}))
    assert [r["order"] for r in only_paid] == [accents["orderId"]]
    found = rows_of(admin.http.get("/admin/orders.csv", {"q": "+1@EXAMPLE.com"}))
    assert [r["order"] for r in found] == [formula["orderId"]]


def test_the_list_links_to_the_export_of_what_it_shows(admin):
    page = admin.http.get("/admin/orders", {"status": "paid"})
    link = page.html.find(id="export-csv")
    assert link["href"] == "/admin/orders.csv?status=paid"


def test_the_export_needs_a_logged_in_admin(shop):
    shop.checkout()
    answer = shop.http.get("/admin/orders.csv", status=303)
    assert "/admin/login" in answer.location
    shop.http.get("/admin/orders.csv", headers={"Accept": "application/json"}, status=401)


def add_orders(shop, count, per_transaction=25_000):
    """`count` pending orders, put straight into the database in a few large
    transactions (the web path would take minutes)."""
    mug = Product("mug", "Mug", "", 1250, "eur")
    made = 0
    while made < count:
        with shop.storage() as repos:
            orders = ZodbOrderRepository(repos.root)
            for n in range(made, min(count, made + per_transaction)):
                order = build_order(f"ord_{n:07d}", [(mug, 1 + n % 3)], f"c{n}@example.com",
                                    at(n / 60))
                order.attach_session(CheckoutSession(f"cs_{n:07d}", 1, T0), T0)
                orders.add(order)
            made = n + 1


def test_a_100000_order_export_streams_in_bounded_memory(admin):
    count = 100_000
    add_orders(admin, count)
    cookie = "; ".join(f"{c.name}={c.value}" for c in admin.http.cookiejar)
    request = Request.blank("/admin/orders.csv", headers={"Cookie": cookie})
    tracemalloc.start()
    try:
        status, headers, body = request.call_application(admin.app)
        assert status.startswith("200")
        chunks = size = 0
        for chunk in body:
            chunks += 1
            size += len(chunk)
        body.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chunks == count + 1  # the header and one chunk per order
    # Holding the CSV text alone would pass the bound below, and the orders
    # behind it take several times that as Python objects; the stream holds
    # one page of orders and one row (measured: a peak of about 3 MB).
    assert size > 10_000_000
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB"
