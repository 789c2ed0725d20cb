"""Issue 13, finding 1 (SPEC §11): a card declined, then a payment that goes
through. The success page must never show a final failure on the way to paid.

Every heading the success page shows (the first one, and each one that the
polling swaps in) is recorded in the page itself, so a "Payment failed"
shown for even one polling step is caught.
"""

import re
import time

import pytest
from playwright.sync_api import expect
import transaction

from orderflow.adapters.zodb.orders import ZodbOrderRepository
from orderflow.adapters.zodb.root import app_root

from .test_shop_journeys import WAIT, add, checkout, expect_paid

pytestmark = pytest.mark.browser

# Runs before the page's own scripts in every document of the tab.
RECORD_HEADINGS = """
window.headingsSeen = [];
document.addEventListener("DOMContentLoaded", function () {
  function note() {
    document.querySelectorAll("h1").forEach(function (h) {
      var text = h.textContent.trim();
      if (window.headingsSeen[window.headingsSeen.length - 1] !== text) {
        window.headingsSeen.push(text);
      }
    });
  }
  note();
  new MutationObserver(note).observe(document.body,
                                     {childList: true, subtree: true, characterData: true});
});
"""


def order_status(live_shop, session_id):
    tm = transaction.TransactionManager()
    connection = live_shop.db.open(transaction_manager=tm)
    try:
        with tm:
            return ZodbOrderRepository(app_root(connection)).by_session(session_id).status
    finally:
        connection.close()


def wait_for_status(live_shop, session_id, status, attempts=400):
    """Until the webhook has landed (the courier delivers it a moment later)."""
    for _ in range(attempts):
        if order_status(live_shop, session_id) == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"the order never became {status}")


def decline_and_wait(page, live_shop):
    add(page, "Milk jug", 2)
    checkout(page)
    session_id = re.search(r"/dev/checkout/([^/?]+)", page.url).group(1)
    page.get_by_role("button", name="Card declined").click()
    expect(page.get_by_role("alert")).to_contain_text("Your card was declined")
    wait_for_status(live_shop, session_id, "failed")
    return session_id


def headings_seen(page):
    return page.evaluate("window.headingsSeen")


def test_paying_after_a_landed_decline_goes_to_paid_without_a_failure_on_the_way(
        page, live_shop, screenshot):
    page.add_init_script(RECORD_HEADINGS)
    decline_and_wait(page, live_shop)
    page.get_by_role("button", name="Pay", exact=True).click()
    expect_paid(page)
    assert "Payment failed" not in headings_seen(page)
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    screenshot()


def test_a_failed_order_just_paid_polls_until_its_late_webhook_says_paid(
        page, live_shop, screenshot):
    page.add_init_script(RECORD_HEADINGS)
    session_id = decline_and_wait(page, live_shop)
    courier = live_shop.app.registry["orderflow.dev_courier"]
    courier.pause()  # the payment's webhook is late...
    live_shop.gateway.fail_next = 1  # ...and the landing page cannot ask the gateway
    try:
        page.get_by_role("button", name="Pay", exact=True).click()
        expect(page.get_by_role("heading", name="Confirming your payment")).to_be_visible(
            timeout=WAIT)
        assert order_status(live_shop, session_id) == "failed"  # as the order still reads
        page.evaluate("window.journeyMarker = 'same page'")
    finally:
        courier.resume()
    expect_paid(page)
    assert page.evaluate("window.journeyMarker") == "same page"  # polled, never reloaded
    seen = headings_seen(page)
    assert seen == ["Confirming your payment", "Payment received"], seen
    screenshot()
