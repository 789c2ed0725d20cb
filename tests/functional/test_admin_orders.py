"""The admin's orders list, order pages and events log."""

import re

from orderflow.adapters.zodb.listing import ZodbOrderListing
from orderflow.adapters.zodb.orders import OrderRecord
from tests.functional.conftest import put_product


def paid(shop, email=None, **kw):
    started = shop.checkout(email=email, **kw).json
    shop.deliver_all(shop.gateway.pay(started["sessionId"]))
    return started


def failed(shop):
    started = shop.checkout().json
    shop.deliver_all(shop.gateway.decline(started["sessionId"]))
    return started


def order_ids(page):
    return re.findall(r'class="order-link" href="/admin/orders/([^"]+)"', page.text)


def test_the_list_shows_newest_first_with_counts_per_status(admin):
    first = paid(admin)
    second = failed(admin)
    third = admin.checkout().json
    page = admin.http.get("/admin/orders")
    assert order_ids(page) == [third["orderId"], second["orderId"], first["orderId"]]
    assert 'data-count="paid">1<' in page.text
    assert 'data-count="failed">1<' in page.text
    assert 'data-count="pending">1<' in page.text
    assert "2 × Ceramic mug" in page.text and "€36.00" in page.text


def test_the_list_filters_by_status(admin):
    one = paid(admin)
    failed(admin)
    two = paid(admin)
    page = admin.http.get("/admin/orders", {"status": "paid"})
    assert order_ids(page) == [two["orderId"], one["orderId"]]


def test_the_list_pages_through_the_index(admin):
    started = [admin.checkout().json["orderId"] for _ in range(27)]
    newest_first = list(reversed(started))
    first = admin.http.get("/admin/orders")
    assert order_ids(first) == newest_first[:25]
    second = first.click(description="Next page")
    assert order_ids(second) == newest_first[25:]
    assert "Next page" not in second.text


def test_pages_of_one_status_follow_its_own_index(admin):
    pending = [admin.checkout().json["orderId"] for _ in range(26)]
    paid(admin)
    page = admin.http.get("/admin/orders", {"status": "pending"})
    assert order_ids(page) == list(reversed(pending))[:25]
    rest = page.click(description="Next page")
    assert order_ids(rest) == [pending[0]]


def test_search_finds_an_order_by_each_of_its_keys(admin):
    target = paid(admin, email="Buyer@Example.com")
    paid(admin, email="other@example.com")
    order = admin.order(target["orderId"])
    for term in (target["orderId"], target["sessionId"], order.payment.payment_intent,
                 "buyer@example.com"):
        assert order_ids(admin.http.get("/admin/orders", {"q": term})) == [target["orderId"]]
    assert order_ids(admin.http.get("/admin/orders", {"q": "nobody@example.com"})) == []


def test_search_finds_an_order_by_an_earlier_session(admin):
    started = failed(admin)
    retried = admin.http.post_json(f"/api/orders/{started['orderId']}/retry-session", {}).json
    assert retried["sessionId"] != started["sessionId"]
    page = admin.http.get("/admin/orders", {"q": started["sessionId"]})
    assert order_ids(page) == [started["orderId"]]
    assert retried["sessionId"] in page.text


def test_a_paid_order_shows_its_payment_and_history(admin):
    started = paid(admin)
    order = admin.order(started["orderId"])
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    assert 'status-paid" id="order-status">paid<' in page.text
    assert order.payment.payment_intent in page.text
    assert "Amount received</dt><dd>€36.00" in page.text
    assert "checkout.session.completed" in page.text
    assert "pending → paid" in page.text and "webhook" in page.text
    event_id = order.history[-1].event_id
    assert event_id and event_id in page.text


def test_a_failed_then_paid_order_shows_both_steps_and_clears_the_failure(admin):
    started = failed(admin)
    admin.deliver_all(admin.gateway.pay(started["sessionId"]))
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    assert "pending → failed" in page.text and "failed → paid" in page.text
    assert "payment_intent.payment_failed" in page.text
    assert 'id="failure">None.' in page.text


def test_a_failed_order_shows_its_failure_code_and_reason(admin):
    started = failed(admin)
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    assert "generic_decline" in page.text and "Your card was declined." in page.text


def test_a_refunded_order_shows_the_refund(admin):
    started = paid(admin)
    admin.deliver_all(admin.gateway.refund_in_dashboard(started["sessionId"], 3600))
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    assert "paid → refunded" in page.text and "charge.refunded" in page.text
    assert "Refunded</dt><dd>€36.00" in page.text


def test_a_needs_review_order_is_flagged_in_the_list_and_on_its_page(admin):
    started = admin.checkout().json
    admin.deliver_all(admin.gateway.pay(started["sessionId"], amount=100))
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    assert "needs review" in page.text and "received €1.00, expected €36.00" in page.text
    listed = admin.http.get("/admin/orders", {"status": "needs_review"})
    assert order_ids(listed) == [started["orderId"]]
    assert 'class="flag">needs review' in listed.text


def test_an_unknown_order_is_404(admin):
    admin.http.get("/admin/orders/ord_nothing", status=404)


def test_the_events_log_filters_by_outcome_and_type_and_links_orders(admin):
    started = paid(admin)
    admin.deliver_all(admin.gateway.expire(started["sessionId"]))  # ignored: already paid
    stranger = admin.gateway.event("checkout.session.completed", {
        "id": "cs_not_ours", "object": "checkout.session", "status": "complete",
        "payment_status": "paid", "amount_total": 1, "currency": "eur", "metadata": {},
    })
    admin.deliver(stranger)
    everything = admin.http.get("/admin/events")
    assert everything.text.count('class="badge outcome-') == 3
    applied = admin.http.get("/admin/events", {"outcome": "applied"})
    assert applied.text.count("outcome-applied") == 1
    assert f'/admin/orders/{started["orderId"]}' in applied.text
    unmatched = admin.http.get("/admin/events", {"outcome": "unmatched"})
    assert stranger.event["id"] in unmatched.text and "outcome-applied" not in unmatched.text
    expired = admin.http.get("/admin/events", {"type": "checkout.session.expired"})
    assert expired.text.count('class="badge outcome-') == 1
    assert "outcome-ignored" in expired.text


def test_html_in_a_product_title_shows_as_text_on_every_admin_page(admin):
    put_product(admin, "evil-mug")
    with admin.storage() as repos:
        from dataclasses import replace
        product = repos.catalog.get("evil-mug")
        repos.catalog.put(replace(product, title="<script>alert(1)</script>"))
    started = paid(admin, items=[("evil-mug", 1)])
    pages = [
        admin.http.get("/admin/orders"),
        admin.http.get(f"/admin/orders/{started['orderId']}"),
        admin.http.get("/admin/products"),
        admin.http.get("/admin/products/evil-mug/edit"),
    ]
    for page in pages:
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_an_email_search_shows_the_newest_orders_of_that_email_only(admin):
    started = [admin.checkout(email="many@example.com").json["orderId"] for _ in range(53)]
    admin.checkout(email="else@example.com")
    with admin.storage() as repos:
        found = ZodbOrderListing(repos.root).search("Many@Example.com", limit=50)
    assert [o.id for o in found.items] == list(reversed(started))[:50]


def test_an_email_search_pages_through_every_order_of_that_email(admin):
    started = [admin.checkout(email="many@example.com").json["orderId"] for _ in range(27)]
    admin.checkout(email="else@example.com")
    newest_first = list(reversed(started))
    first = admin.http.get("/admin/orders", {"q": "many@example.com"})
    assert order_ids(first) == newest_first[:25]
    second = first.click(description="Next page")
    assert order_ids(second) == newest_first[25:]  # down to the oldest
    assert "Next page" not in second.text
    back = second.click(description="First page")
    assert order_ids(back) == newest_first[:25]


def test_an_email_search_loads_only_the_orders_it_shows(admin):
    for _ in range(12):
        admin.checkout(email="many@example.com")
    admin.db.cacheMinimize()  # every order record a ghost again
    with admin.storage() as repos:
        found = ZodbOrderListing(repos.root).search("many@example.com", limit=5)
        loaded = [obj for _, obj in repos.root._p_jar._cache.lru_items()
                  if isinstance(obj, OrderRecord)]
    assert len(found.items) == 5 and found.next_cursor
    assert sorted(record.order.id for record in loaded) == sorted(o.id for o in found.items)


def test_the_admin_finds_orders_by_the_start_of_their_reference_or_id(admin):
    first, second = admin.checkout().json, admin.checkout().json
    reference = admin.order(first["orderId"]).reference
    shown = f"{reference[:4]}-{reference[4:]}"
    for typed in (shown, shown[:6].lower(), reference[:3], first["orderId"][:10]):
        found = order_ids(admin.http.get("/admin/orders", {"q": typed}))
        assert first["orderId"] in found, typed
    every = order_ids(admin.http.get("/admin/orders", {"q": "ord_"}))
    assert {first["orderId"], second["orderId"]} <= set(every)


def test_the_order_page_shows_both_the_reference_and_the_id(admin):
    started = admin.checkout().json
    page = admin.http.get(f"/admin/orders/{started['orderId']}")
    reference = admin.order(started["orderId"]).reference
    assert page.html.find(id="order-reference").text == f"{reference[:4]}-{reference[4:]}"
    assert page.html.find(id="order-id").text == started["orderId"]
    with admin.storage() as repos:
        assert repos.root.by_reference[reference] == started["orderId"]
