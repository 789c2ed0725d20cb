"""Every page at a laptop's 1280×800 (SPEC §11): axe-core finds no serious or
critical violation, the admin never scrolls sideways, and the README's
pictures are taken on the way."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import add_admin_user, assert_accessible, save_picture

pytestmark = pytest.mark.browser

WAIT = 20_000
NAME, PASSWORD = "petra", "a page test password"
REFERENCE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")

# The admin's width, without scroll bars: neither the page nor any box in it.
SIDEWAYS = """() => {
  const root = document.scrollingElement;
  const boxes = [...document.querySelectorAll('body *')].filter(e => {
    const x = getComputedStyle(e).overflowX;
    return (x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth;
  }).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  return {page: root.scrollWidth - root.clientWidth, boxes};
}"""


def post(live_shop, path, body, headers=None):
    request = urllib.request.Request(
        live_shop.url(path), data=json.dumps(body).encode() if isinstance(body, dict) else body,
        method="POST", headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def api_checkout(live_shop, email=None, items=(("ceramic-mug", 1),)):
    body = {"items": [{"id": i, "quantity": q} for i, q in items]}
    if email:
        body["email"] = email
    return post(live_shop, "/api/payments/create-checkout-session", body)


def deliver_all(live_shop, deliveries):
    for delivery in deliveries:
        post(live_shop, "/api/payments/webhook", delivery.body,
             {"Stripe-Signature": delivery.header})


@pytest.fixture
def wide(browser, live_shop):
    context = browser.new_context(viewport={"width": 1280, "height": 800},
                                  base_url=live_shop.origin)
    context.set_default_timeout(WAIT)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def admin(live_shop):
    add_admin_user(live_shop, NAME, PASSWORD)


@pytest.fixture
def orders_of_every_kind(live_shop):
    """Orders in most states, with long emails, refunds and a review."""
    gateway = live_shop.gateway
    made = {}
    made["paid"] = api_checkout(live_shop, "a.rather.long.customer.address@example.com",
                                (("ceramic-mug", 2), ("filter-papers", 3), ("milk-jug", 1)))
    deliver_all(live_shop, gateway.pay(made["paid"]["sessionId"]))
    made["refunded"] = api_checkout(live_shop, "refund@example.com")
    deliver_all(live_shop, gateway.pay(made["refunded"]["sessionId"]))
    deliver_all(live_shop, gateway.refund_in_dashboard(made["refunded"]["sessionId"], 900))
    made["review"] = api_checkout(live_shop)
    deliver_all(live_shop, gateway.pay(made["review"]["sessionId"], amount=100))
    made["failed"] = api_checkout(live_shop, "declined@example.com")
    deliver_all(live_shop, gateway.decline(made["failed"]["sessionId"]))
    made["pending"] = api_checkout(live_shop)
    return made


def log_in(page):
    page.goto("/admin/login")
    expect(page.get_by_role("heading", name="Admin login")).to_be_visible()
    expect(page.locator("#first-admin")).to_contain_text("orderflow-users")
    assert_accessible(page)
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Orders", exact=True)).to_be_visible()


def check_admin_page(page):
    """axe-clean and no sideways scrolling at this window's width."""
    assert_accessible(page)
    found = page.evaluate(SIDEWAYS)
    assert found["page"] <= 0 and not found["boxes"], f"{page.url} scrolls sideways: {found}"


def test_the_shop_and_its_result_pages_pass_axe_and_make_the_readme_pictures(wide, live_shop):
    page = wide
    page.goto("/")
    expect(page.get_by_role("heading", name="Catalog")).to_be_visible()
    expect(page.locator(".product .price").first).to_have_text(re.compile(r"^€\d+\.\d\d$"))
    assert_accessible(page)
    save_picture(page, "catalog")

    # A quantity the page's own limits would stop: the server's sentence.
    quantity = page.get_by_label("Quantity").first
    quantity.evaluate("input => input.removeAttribute('max')")
    quantity.fill("100")
    page.get_by_role("button", name=re.compile("^Add .* to cart$")).first.click()
    expect(page.locator("#add-error")).to_contain_text(
        "The quantity must be a whole number from 1 to 99.")
    expect(page.locator("#add-error")).not_to_contain_text("quantity:")
    assert_accessible(page)

    for title, quantity in (("Ceramic mug", "2"), ("Milk jug", "1")):
        page.goto("/")
        titles = page.locator(".product h2").all_inner_texts()
        page.get_by_label("Quantity").nth(titles.index(title)).fill(quantity)
        page.get_by_role("button", name=f"Add {title} to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator("#cart-total")).to_have_text("€51.50")
    assert_accessible(page)
    save_picture(page, "cart")

    page.get_by_label("Email for the receipt (optional)").fill("not an address")
    page.get_by_label("Email for the receipt (optional)").evaluate(
        "input => input.setAttribute('type', 'text')")
    page.get_by_role("button", name="Checkout").click()
    expect(page.locator("#cart-error")).to_contain_text("That email address does not look right")
    expect(page.locator("#cart-error")).not_to_contain_text("email:")
    assert_accessible(page)

    page.get_by_label("Email for the receipt (optional)").fill("")
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("heading", name="Pay €51.50")).to_be_visible()
    assert_accessible(page)
    save_picture(page, "checkout")

    courier = live_shop.app.registry["orderflow.dev_courier"]
    courier.pause()
    # The landing page cannot ask the gateway either: it says "confirming"
    # (otherwise it learns the completed session's payment at once).
    live_shop.gateway.fail_next = 1
    try:
        page.get_by_role("button", name="Pay", exact=True).click()
        expect(page.get_by_role("heading", name="Confirming your payment")).to_be_visible()
        assert_accessible(page)
        save_picture(page, "success-confirming")
    finally:
        courier.resume()
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    expect(page.locator("#order-reference")).to_have_text(REFERENCE)
    expect(page.locator("table.summary caption")).to_have_text(
        "Order " + page.locator("#order-reference").inner_text())
    assert "ord_" not in page.locator("main").inner_text()
    assert_accessible(page)
    save_picture(page, "success-paid")
    page.get_by_role("link", name="Continue shopping").click()
    expect(page.get_by_role("heading", name="Catalog")).to_be_visible()

    page.goto("/")
    page.get_by_role("button", name="Add Hand grinder to cart").click()
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", name="Payment not completed")).to_be_visible()
    assert_accessible(page)
    save_picture(page, "cancel")
    page.get_by_text("Cancel order…").click()
    expect(page.get_by_role("button", name="Yes, cancel the order")).to_be_visible()
    assert_accessible(page)

    page.goto("/no/such/page")
    assert_accessible(page)


def test_every_admin_page_fits_1280_pixels_and_passes_axe(
        wide, live_shop, admin, orders_of_every_kind):
    page = wide
    log_in(page)
    check_admin_page(page)
    save_picture(page, "admin-orders")
    for status in ("paid", "needs_review"):
        page.goto(f"/admin/orders?status={status}")
        check_admin_page(page)

    paid = orders_of_every_kind["paid"]
    page.goto(f"/admin/orders/{paid['orderId']}")
    reference = page.locator("#order-reference").inner_text()
    assert REFERENCE.match(reference)
    expect(page.locator("#order-id")).to_have_text(paid["orderId"])
    check_admin_page(page)
    save_picture(page, "admin-order")

    refunded = orders_of_every_kind["refunded"]
    page.goto(f"/admin/orders/{refunded['orderId']}")
    expect(page.locator("#payment")).to_contain_text("€9.00")
    check_admin_page(page)
    page.goto(f"/admin/orders/{orders_of_every_kind['review']['orderId']}")
    expect(page.locator("main")).to_contain_text("received €1.00, expected €18.00")
    check_admin_page(page)

    pending = orders_of_every_kind["pending"]
    page.goto(f"/admin/orders/{pending['orderId']}")
    page.get_by_role("link", name="Cancel this order…").click()
    expect(page.get_by_role("heading", name=re.compile("^Cancel order"))).to_be_visible()
    check_admin_page(page)
    page.get_by_role("link", name="No, keep it").click()
    expect(page.locator("#order-status")).to_have_text("pending")

    page.goto("/admin/events")
    check_admin_page(page)
    page.goto("/admin/events?outcome=duplicate")
    check_admin_page(page)

    page.goto("/admin/products")
    check_admin_page(page)
    header = page.locator("table.products thead th").first.bounding_box()
    first_cell = page.locator("table.products tbody td").first.bounding_box()
    assert abs(header["x"] - first_cell["x"]) < 1  # rows sit under their header
    page.get_by_role("link", name="Deactivate Milk jug…").click()
    expect(page.get_by_role("heading", name="Deactivate Milk jug?")).to_be_visible()
    check_admin_page(page)
    page.get_by_role("link", name="No, keep it for sale").click()

    page.goto("/admin/products/new")
    check_admin_page(page)
    page.get_by_label("Id (slug)").fill("Not a slug")
    page.get_by_label("Price").fill("12.345")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-field=unitAmount]")).to_contain_text("Type the price in EUR")
    check_admin_page(page)
    page.goto("/admin/products/ceramic-mug/edit")
    expect(page.get_by_label("Price")).to_have_value("18.00")
    expect(page.get_by_label("Currency")).to_have_value("eur")
    check_admin_page(page)


def test_the_admin_finds_an_order_by_the_start_of_its_reference_or_id(
        wide, live_shop, admin, orders_of_every_kind):
    page = wide
    failed = orders_of_every_kind["failed"]
    log_in(page)
    page.goto(f"/admin/orders/{failed['orderId']}")
    reference = page.locator("#order-reference").inner_text()
    for typed in (reference[:6].lower(), failed["orderId"][:12]):
        page.goto("/admin/orders")
        page.get_by_label("Search").fill(typed)
        page.get_by_role("button", name="Find").click()
        expect(page.get_by_role("link", name=reference)).to_be_visible()
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#order-id")).to_have_text(failed["orderId"])


def test_the_admin_reads_well_on_a_phone(page, live_shop, admin, orders_of_every_kind):
    log_in(page)
    for path in ("/admin/orders", f"/admin/orders/{orders_of_every_kind['paid']['orderId']}",
                 "/admin/events", "/admin/products"):
        page.goto(path)
        check_admin_page(page)
