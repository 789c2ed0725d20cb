"""The development shop's mail, seen in Chromium: pay, then read /dev/mail."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_shop_journeys import WAIT, add, expect_paid

pytestmark = pytest.mark.browser


def test_a_paid_order_confirmation_shows_the_total_and_a_working_receipt_link(
        page, live_shop, screenshot):
    add(page, "Ceramic mug", quantity=2)
    page.goto("/cart")
    cart_total = page.locator("#cart-total").inner_text()  # the shop's format: "€36.00"
    page.get_by_label("Email for the receipt").fill("journey@example.com")
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("heading", name=f"Pay {cart_total}")).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()
    expect_paid(page)
    receipt_page = page.url

    page.goto("/dev/mail")
    row = page.locator("tr.mail-payment_received").filter(has_text="journey@example.com")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()

    expect(page.locator("#subject")).to_have_text(re.compile(r"^Payment received: order "))
    expect(page.locator("#recipients")).to_have_text("journey@example.com")
    expect(page.locator("#text-part")).to_contain_text(f"Total: {cart_total}")
    html = page.frame_locator("#html-part")
    expect(html.locator(".total")).to_have_text(cart_total)
    screenshot()

    page.locator("a.mail-link", has_text="Receipt").click()
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible(timeout=WAIT)
    assert page.url == receipt_page


def test_a_message_page_shows_the_html_part_with_no_policy_violation_and_no_script(
        page, live_shop):
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    add(page, "Ceramic mug")
    page.goto("/cart")
    page.get_by_label("Email for the receipt").fill("policy@example.com")
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Pay", exact=True).click()
    expect_paid(page)

    page.goto("/dev/mail")
    href = page.locator("tr.mail-payment_received").filter(has_text="policy@example.com") \
        .get_by_role("link").get_attribute("href")

    answer = page.goto(href)

    # The shop's own policy; the HTML part's frame (srcdoc) inherits it.
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.frame_locator("#html-part").locator(".total")).to_be_visible()
    assert blocked == []
