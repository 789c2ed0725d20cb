"""An admin in Chromium refunds part of a paid order (SPEC §10): the form,
the confirmation page, and the order partly refunded once Stripe's news
arrives (in development the fake's refund events come through the courier)."""

import time

import pytest
from playwright.sync_api import expect

from .test_admin import admin_user, checkout, deliver, log_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_an_admin_refunds_part_of_a_paid_order_and_sees_it_partly_refunded(
        page, live_shop, admin_user, screenshot):  # noqa: F811
    started = checkout(live_shop)  # one mug: €18.00
    for delivery in live_shop.gateway.pay(started["sessionId"]):
        deliver(live_shop, delivery)
    log_in(page)
    page.goto(f"/admin/orders/{started['orderId']}")
    expect(page.locator("#order-status")).to_have_text("paid")

    page.get_by_label("Amount (for example 12.50)").fill("5.00")
    page.get_by_label("Reason").select_option("requested_by_customer")
    page.get_by_role("button", name="Refund…").click()
    expect(page.get_by_role("heading", name="Confirm the refund")).to_be_visible()
    expect(page.locator("#refund-amount-shown")).to_have_text("€5.00")
    page.get_by_role("button", name="Confirm the refund of €5.00").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Refund of €5.00 requested: pending until Stripe confirms.")
    deadline = time.monotonic() + 15
    while "partially_refunded" not in page.locator("#order-status").inner_text():
        assert time.monotonic() < deadline, "the refund's events never arrived"
        time.sleep(0.3)
        page.reload()
    expect(page.locator("#refunds")).to_contain_text("€5.00")
    expect(page.locator("#refunds")).to_contain_text("olivia")
    expect(page.locator("#history")).to_contain_text("refund requested by olivia")
    expect(page.locator("#payment")).to_contain_text("€5.00")
    screenshot()
