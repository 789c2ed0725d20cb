"""A person's paths through shop, hosted checkout and result pages, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WAIT = 20_000


def add(page, title, quantity=1):
    page.goto("/")
    page.get_by_label("Quantity").nth(_index(page, title)).fill(str(quantity))
    page.get_by_role("button", name=f"Add {title} to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()


def _index(page, title):
    titles = page.locator(".product h2").all_inner_texts()
    return titles.index(title)


def checkout(page):
    page.goto("/cart")
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Pay €"))).to_be_visible()


def expect_paid(page):
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible(timeout=WAIT)
    expect(page.locator("#payment-reference")).to_have_text(re.compile(r"^pi_test_"))


def cart_rows(page):
    page.goto("/cart")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    return page.locator("tr[data-product]")


def test_a_customer_pays_and_sees_confirming_turn_to_paid_without_reloading(
        page, live_shop, screenshot):
    add(page, "Ceramic mug")
    add(page, "Filter papers (100)")
    page.get_by_label("Quantity of Ceramic mug").fill("3")
    page.locator("tr[data-product=ceramic-mug]").get_by_role("button", name="Update").click()
    expect(page.locator("#cart-total")).to_have_text("€58.50")
    checkout(page)
    expect(page.get_by_role("heading", name="Pay €58.50")).to_be_visible()

    courier = live_shop.app.registry["orderflow.dev_courier"]
    courier.pause()  # Stripe is slow today: the page must say so honestly
    # The landing page's own question to the gateway fails too: otherwise it
    # would learn the payment at once (the session is complete on arrival).
    live_shop.gateway.fail_next = 1
    try:
        page.get_by_role("button", name="Pay", exact=True).click()
        expect(page.get_by_role("heading", name="Confirming your payment")).to_be_visible(timeout=WAIT)
        page.evaluate("window.journeyMarker = 'same page'")
    finally:
        courier.resume()
    expect_paid(page)
    assert page.evaluate("window.journeyMarker") == "same page"  # never reloaded
    expect(page.locator("table.summary")).to_contain_text("Ceramic mug")
    expect(page.locator("table.summary .total")).to_have_text("€58.50")
    screenshot()
    expect(cart_rows(page)).to_have_count(0)
    expect(page.get_by_text("Your cart is empty")).to_be_visible()


def test_a_declined_card_can_pay_again_on_the_same_page(page, screenshot):
    add(page, "Milk jug", 2)
    checkout(page)
    checkout_url = page.url
    page.get_by_role("button", name="Card declined").click()
    expect(page.get_by_role("alert")).to_contain_text("Your card was declined")
    assert page.url.startswith(checkout_url)
    page.get_by_role("button", name="Pay", exact=True).click()
    expect_paid(page)
    screenshot()


def test_back_from_checkout_keeps_the_cart_and_try_again_pays(page, screenshot):
    add(page, "Hand grinder")
    add(page, "Ceramic mug", 2)
    checkout(page)
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", name="Payment not completed")).to_be_visible()
    summary = page.locator("table.summary")
    expect(summary).to_contain_text("Hand grinder")
    expect(summary).to_contain_text("Ceramic mug")
    expect(summary.locator(".total")).to_have_text("€125.00")
    cancel_url = page.url

    page.get_by_role("link", name="Back to your cart").click()
    expect(page.locator("tr[data-product]")).to_have_count(2)
    expect(page.get_by_label("Quantity of Ceramic mug")).to_have_value("2")

    page.goto(cancel_url)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="Pay €125.00")).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()
    expect_paid(page)
    screenshot()


def test_a_bank_transfer_stays_confirming_until_it_succeeds(page, live_shop, screenshot):
    add(page, "Espresso beans, 1 kg")
    checkout(page)
    courier = live_shop.app.registry["orderflow.dev_courier"]
    courier.pause()
    try:
        page.get_by_role("button", name="Pay by bank transfer").click()
        expect(page.get_by_role("heading", name="Confirming your payment")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("being processed by your bank")).to_be_visible()
    finally:
        courier.resume()
    expect_paid(page)
    screenshot()


def test_a_failed_async_payment_shows_the_failure_and_retry_pays(page, screenshot):
    add(page, "Filter papers (100)", 4)
    checkout(page)
    page.get_by_role("button", name="Async payment fails later").click()
    expect(page.get_by_role("heading", name="Payment failed")).to_be_visible(timeout=WAIT)
    expect(page.locator("#failure-reason")).to_be_visible()
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="Pay €18.00")).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()
    expect_paid(page)
    screenshot()


def test_cancelling_the_order_keeps_the_cart(page, screenshot):
    add(page, "Milk jug")
    checkout(page)
    page.get_by_role("button", name="Back").click()
    page.get_by_text("Cancel order…").click()  # asks first
    expect(page.locator("#cancel-confirm")).to_contain_text("Cancel order")
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect(page.get_by_role("heading", name="Order cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_have_count(1)
    page.get_by_role("link", name="Back to your cart").click()
    expect(page.locator("tr[data-product=milk-jug]")).to_have_count(1)
    screenshot()
