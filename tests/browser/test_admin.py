"""An admin in Chromium: log in, find a paid order, heal a lost webhook."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import add_admin_user

pytestmark = pytest.mark.browser

NAME, PASSWORD = "olivia", "a browser test password"


def post(live_shop, path, body, headers=None):
    request = urllib.request.Request(
        live_shop.url(path), data=body, method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def checkout(live_shop):
    body = json.dumps({"items": [{"id": "ceramic-mug", "quantity": 1}]}).encode()
    return post(live_shop, "/api/payments/create-checkout-session", body)


def deliver(live_shop, delivery):
    post(live_shop, "/api/payments/webhook", delivery.body,
         {"Stripe-Signature": delivery.header})


@pytest.fixture
def admin_user(live_shop):
    add_admin_user(live_shop, NAME, PASSWORD)


def log_in(page):
    page.goto("/admin/orders")
    expect(page.get_by_role("heading", name="Admin login")).to_be_visible()
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Orders", exact=True)).to_be_visible()


def test_an_admin_finds_a_paid_order_by_its_session_and_reads_its_story(
        page, live_shop, admin_user, screenshot):
    started = checkout(live_shop)
    for delivery in live_shop.gateway.pay(started["sessionId"]):
        deliver(live_shop, delivery)
    log_in(page)
    page.get_by_label("Search").fill(started["sessionId"])
    page.get_by_role("button", name="Find").click()
    expect(page.locator("table.orders")).to_contain_text(started["orderId"])
    page.locator("a.order-link").click()
    expect(page.locator("#order-id")).to_have_text(started["orderId"])
    expect(page.locator("#order-status")).to_have_text("paid")
    expect(page.locator("#payment")).to_contain_text("€18.00")
    expect(page.locator("#payment")).to_contain_text("pi_test_")
    expect(page.locator("#history")).to_contain_text("checkout.session.completed")
    expect(page.locator("#history")).to_contain_text("pending → paid")
    screenshot()


def test_check_with_stripe_now_heals_an_order_whose_webhook_was_lost(
        page, live_shop, admin_user, screenshot):
    started = checkout(live_shop)
    live_shop.gateway.pay(started["sessionId"])  # paid, but the webhook is lost
    log_in(page)
    page.goto(f"/admin/orders/{started['orderId']}")
    expect(page.locator("#order-status")).to_have_text("pending")
    page.get_by_role("button", name="Check with Stripe now").click()
    expect(page.locator("#order-status")).to_have_text("paid")
    expect(page.get_by_role("status")).to_contain_text("pending → paid")
    expect(page.locator("#history")).to_contain_text("reconciliation")
    screenshot()
